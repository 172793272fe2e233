"""Coach creator sessions: start, answer (history appended in S3), complete, abandon, TTL."""

from __future__ import annotations

from datasources.aws import AwsClients
from tests.conftest import Api

FIELDS = """sessionId version questionsAnswered currentQuestion sophisticationLevel
    sessionProgress isComplete isAbandoned expiresAt detectedSignals responses
    generatedCoach { name }
    history { file { key sha256 } document { questionHistory { questionId userResponse }
      sophisticationEvolution { detectedLevel confidence }
      finalGeneratedCoach { coachId } sessionMetadata { finalSophisticationLevel } } }"""
START = f"""mutation($input: StartCoachCreatorSessionInput!) {{
    startCoachCreatorSession(input: $input) {{ session {{ {FIELDS} }} }} }}"""
ANSWER = f"""mutation($input: AnswerCoachCreatorQuestionInput!) {{
    answerCoachCreatorQuestion(input: $input) {{ session {{ {FIELDS} }} }} }}"""
COMPLETE = f"""mutation($input: CompleteCoachCreatorSessionInput!) {{
    completeCoachCreatorSession(input: $input) {{ session {{ {FIELDS} }} }} }}"""
ABANDON = f"""mutation($input: AbandonCoachCreatorSessionInput!) {{
    abandonCoachCreatorSession(input: $input) {{ session {{ {FIELDS} }} }} }}"""


async def test_a_session_from_start_to_completion(demo_api: Api, aws: AwsClients) -> None:
    body = await demo_api.gql(START, {"input": {"totalQuestions": 4, "firstTopic": "goals"}})
    session = body["data"]["startCoachCreatorSession"]["session"]
    assert session["version"] == 1 and session["history"]["document"]["questionHistory"] == []
    # No TTL: NeonPanda's app keeps coach-creator sessions as permanent records.
    assert session["expiresAt"] is None

    for n, level in ((1, "INTERMEDIATE"), (2, "ADVANCED")):
        body = await demo_api.gql(
            ANSWER,
            {
                "input": {
                    "sessionId": session["sessionId"],
                    "expectedVersion": n,
                    "questionId": n,
                    "topic": f"t{n}",
                    "userResponse": f"answer {n}",
                    "detectedSophistication": level,
                    "sophisticationSignals": [f"s{n}"],
                    "confidence": 0.5 + n / 10,
                }
            },
        )
        assert "errors" not in body, body["errors"]
        session = body["data"]["answerCoachCreatorQuestion"]["session"]
    assert session["questionsAnswered"] == 2 and session["currentQuestion"] == 3
    assert session["sessionProgress"] == 0.5 and session["sophisticationLevel"] == "ADVANCED"
    assert session["detectedSignals"] == ["s1", "s2"]
    doc = session["history"]["document"]
    assert [q["userResponse"] for q in doc["questionHistory"]] == ["answer 1", "answer 2"]
    assert [s["detectedLevel"] for s in doc["sophisticationEvolution"]] == [
        "INTERMEDIATE",
        "ADVANCED",
    ]

    stale = await demo_api.gql(
        ANSWER,
        {
            "input": {
                "sessionId": session["sessionId"],
                "expectedVersion": 1,
                "questionId": 3,
                "userResponse": "late",
            }
        },
    )
    assert stale["errors"][0]["extensions"] == {"code": "CONFLICT", "currentVersion": 3}

    body = await demo_api.gql(
        COMPLETE,
        {
            "input": {
                "sessionId": session["sessionId"],
                "expectedVersion": 3,
                "generatedCoachId": "demo_coach_2",
            }
        },
    )
    done = body["data"]["completeCoachCreatorSession"]["session"]
    assert done["isComplete"] and done["generatedCoach"] == {"name": "Emma"}
    assert done["history"]["document"]["finalGeneratedCoach"] == {"coachId": "demo_coach_2"}
    assert done["expiresAt"] is None
    # Only the newest history object is left: superseded versions were removed.
    prefix = f"athletes/demo/coach_creator_sessions/{session['sessionId']}"
    listed = await aws.s3.list_objects_v2(Bucket=demo_api.settings.bucket, Prefix=prefix)
    assert [o["Key"] for o in listed["Contents"]] == [done["history"]["file"]["key"]]

    again = await demo_api.gql(
        ABANDON, {"input": {"sessionId": session["sessionId"], "expectedVersion": 4}}
    )
    assert again["errors"][0]["extensions"]["code"] == "CONFLICT"


async def _version(api: Api, session_id: str) -> int:
    body = await api.gql(
        "query($id: ID!) { viewer { coachCreatorSession(sessionId: $id) { version } } }",
        {"id": session_id},
    )
    version: int = body["data"]["viewer"]["coachCreatorSession"]["version"]
    return version


async def test_complete_needs_a_real_coach(demo_api: Api) -> None:
    body = await demo_api.gql(
        COMPLETE,
        {
            "input": {
                "sessionId": "coach_creator_demo_2",
                "expectedVersion": await _version(demo_api, "coach_creator_demo_2"),
                "generatedCoachId": "nope",
            }
        },
    )
    assert body["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "field": ["input", "generatedCoachId"],
    }


async def test_abandon(demo_api: Api) -> None:
    version = await _version(demo_api, "coach_creator_demo_2")
    body = await demo_api.gql(
        ABANDON, {"input": {"sessionId": "coach_creator_demo_2", "expectedVersion": version}}
    )
    session = body["data"]["abandonCoachCreatorSession"]["session"]
    assert session["isAbandoned"] and not session["isComplete"]
    listed = await demo_api.gql("""{ viewer { coachCreatorSessions(filter: {abandoned: true}) {
        totalCount } } }""")
    assert listed["data"]["viewer"]["coachCreatorSessions"]["totalCount"] == 2
