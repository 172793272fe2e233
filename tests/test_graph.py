"""The read graph over HTTP against the seeded demo athletes."""

from __future__ import annotations

from typing import Any

from datasources.aws import AwsClients
from tests.conftest import Api, cost


async def _viewer(
    api: Api, selection: str, variables: dict[str, Any] | None = None, user: str = "demo"
) -> dict[str, Any]:
    body = await api.gql(f"query {{ viewer {{ {selection} }} }}", variables, user=user)
    assert "errors" not in body, body["errors"]
    viewer: dict[str, Any] = body["data"]["viewer"]
    return viewer


def _nodes(connection: dict[str, Any]) -> list[dict[str, Any]]:
    return [e["node"] for e in connection["edges"]]


async def test_fran_is_typed_deeply(demo_api: Api) -> None:
    viewer = await _viewer(
        demo_api,
        """workout(workoutId: "demo_workout_001") {
        workoutName discipline workoutType
        performanceMetrics { intensity heartRate { avg max zones { zone4 } } }
        prAchievements { exercise prType previousBest newBest improvement
                         improvementPercentage significance }
        subjectiveFeedback { enjoyment sorenessPost { arms } notes }
        coachNotes { programmingIntent coachingCuesGiven }
        extractionMetadata { confidence }
        disciplineSpecific { __typename ... on CrossfitData {
            workoutFormat timeCap rxStatus
            rounds { roundNumber repScheme exercises { exerciseName movementType
                weight { value unit rxWeight } reps { prescribed completed brokenSets } } }
            performanceData { totalTime roundsCompleted totalReps roundTimes } } } }""",
    )
    fran = viewer["workout"]
    assert fran["workoutName"] == "Fran"
    specific = fran["disciplineSpecific"]
    assert specific["__typename"] == "CrossfitData"
    assert specific["workoutFormat"] == "for_time" and specific["rxStatus"] == "rx"
    assert specific["performanceData"] == {
        "totalTime": 537.0,
        "roundsCompleted": 3.0,
        "totalReps": 90,
        "roundTimes": [195.0, 148.0, 194.0],
    }
    first_round = specific["rounds"][0]
    assert first_round["repScheme"] == "21-15-9"
    thruster = first_round["exercises"][0]
    assert thruster["weight"] == {"value": 95.0, "unit": "lbs", "rxWeight": 95.0}
    assert thruster["reps"]["brokenSets"] == [10, 6, 5]
    assert fran["prAchievements"][0] == {
        "exercise": "Fran",
        "prType": "workout_time",
        "previousBest": 612,
        "newBest": 537,
        "improvement": 75,
        "improvementPercentage": 12.25,
        "significance": "major",
    }
    assert fran["performanceMetrics"]["heartRate"]["zones"]["zone4"] == 240.0


async def test_every_discipline_resolves_to_its_union_member(demo_api: Api) -> None:
    viewer = await _viewer(
        demo_api,
        """workouts(first: 100) { edges { node {
        discipline disciplineName disciplineSpecific { __typename
          ... on OtherDisciplineData { discipline data } } } } }""",
    )
    nodes = _nodes(viewer["workouts"])
    assert all(n["discipline"] == n["disciplineName"].upper() for n in nodes)
    seen = {n["disciplineName"]: n["disciplineSpecific"]["__typename"] for n in nodes}
    assert seen == {
        "crossfit": "CrossfitData",
        "powerlifting": "PowerliftingData",
        "running": "RunningData",
        "hiit": "HiitData",
        "bodybuilding": "BodybuildingData",
        "climbing": "ClimbingData",
        "swimming": "OtherDisciplineData",
    }


async def test_node_round_trips_every_type_and_hides_other_users(demo_api: Api) -> None:
    viewer = await _viewer(
        demo_api,
        """id
        coaches(first: 1) { edges { node { id coachId } } }
        conversations(first: 1) { edges { node { id conversationId } } }
        conversationSummaries(first: 1) { edges { node { id conversationId } } }
        workouts(first: 1) { edges { node { id workoutId } } }
        memories(first: 1) { edges { node { id memoryId } } }
        coachCreatorSessions(first: 1) { edges { node { id sessionId } } }""",
    )
    ids = [viewer["id"]] + [
        _nodes(viewer[f])[0]["id"]
        for f in (
            "coaches",
            "conversations",
            "conversationSummaries",
            "workouts",
            "memories",
            "coachCreatorSessions",
        )
    ]
    query = "query($id: ID!) { node(id: $id) { __typename id } }"
    for global_id in ids:
        body = await demo_api.gql(query, {"id": global_id})
        assert body["data"]["node"]["id"] == global_id
        # The same id asked by another athlete names nothing of theirs.
        other = await demo_api.gql(query, {"id": global_id}, user="demo2")
        assert other["data"]["node"] is None
        assert other["errors"][0]["extensions"]["code"] == "NOT_FOUND"

    body = await demo_api.gql(
        "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }",
        {"ids": [ids[1], "bm9wZTpub3Bl", ids[4]]},
    )
    assert [n and n["id"] for n in body["data"]["nodes"]] == [ids[1], None, ids[4]]
    assert [e["path"] for e in body["errors"]] == [["nodes", 1]]
    assert cost(body)["dynamodb"]["byOperation"] == {"BatchGetItem": 1}

    body = await demo_api.gql(query, {"id": "%%%"})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_messages_page_over_the_s3_archive(demo_api: Api) -> None:
    # demo_conv_4 has 12 messages: 8 archived in two S3 chunks of 4, then 4 in the item.
    query = """query($first: Int, $after: String, $last: Int, $before: String) { viewer {
        conversation(conversationId: "demo_conv_4") { totalMessages
          messages(first: $first, after: $after, last: $last, before: $before) {
            totalCount edges { cursor node { messageId role } }
            pageInfo { hasNextPage hasPreviousPage endCursor startCursor } } } } }"""
    seen: list[str] = []
    after = None
    gets = []
    while True:
        body = await demo_api.gql(query, {"first": 5, "after": after})
        assert "errors" not in body, body["errors"]
        conn = body["data"]["viewer"]["conversation"]["messages"]
        seen += [e["node"]["messageId"] for e in conn["edges"]]
        gets.append(cost(body)["s3"]["gets"])
        assert conn["totalCount"] == 12
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
    assert seen == [f"demo_conv_4_m{i}" for i in range(1, 13)]
    # Only the chunks a page overlaps are read: [0-4] both, [5-9] the second, [10-11] none.
    assert gets == [2, 1, 0]

    body = await demo_api.gql(query, {"last": 3})
    conn = body["data"]["viewer"]["conversation"]["messages"]
    assert [e["node"]["messageId"] for e in conn["edges"]] == [
        "demo_conv_4_m10",
        "demo_conv_4_m11",
        "demo_conv_4_m12",
    ]
    assert conn["pageInfo"]["hasPreviousPage"] is True
    body = await demo_api.gql(query, {"last": 4, "before": conn["pageInfo"]["startCursor"]})
    earlier = body["data"]["viewer"]["conversation"]["messages"]["edges"]
    assert [e["node"]["messageId"] for e in earlier] == [f"demo_conv_4_m{i}" for i in range(6, 10)]


async def test_missing_content_fails_only_its_field(demo_api: Api, aws: AwsClients) -> None:
    viewer = await _viewer(
        demo_api, "workouts(first: 2) { edges { node { detailedLog { key } } } }"
    )
    first_key = _nodes(viewer["workouts"])[0]["detailedLog"]["key"]
    await aws.s3.delete_object(Bucket=demo_api.settings.bucket, Key=first_key)

    body = await demo_api.gql("""{ viewer { displayName workouts(first: 2) { edges { node {
        workoutName detailedLog { key content } } } } } }""")
    nodes = _nodes(body["data"]["viewer"]["workouts"])
    assert nodes[0]["detailedLog"] == {"key": first_key, "content": None}
    assert nodes[1]["detailedLog"]["content"]["workoutData"]["workout_name"]
    assert body["data"]["viewer"]["displayName"] == "Dana Demo"
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "CONTENT_UNAVAILABLE"
    assert error["path"] == ["viewer", "workouts", "edges", 0, "node", "detailedLog", "content"]
    assert "missing" in error["message"]


async def test_corrupt_content_is_content_unavailable(demo_api: Api, aws: AwsClients) -> None:
    viewer = await _viewer(
        demo_api, "conversations(first: 1) { edges { node { transcript { key } } } }"
    )
    key = _nodes(viewer["conversations"])[0]["transcript"]["key"]
    await aws.s3.put_object(Bucket=demo_api.settings.bucket, Key=key, Body=b'{"tampered": 1}')
    body = await demo_api.gql(
        "{ viewer { conversations(first: 1) { edges { node { title transcript { content } } } } } }"
    )
    assert body["errors"][0]["extensions"]["code"] == "CONTENT_UNAVAILABLE"
    assert "checksum" in body["errors"][0]["message"]
    assert _nodes(body["data"]["viewer"]["conversations"])[0]["title"]


async def test_session_history_is_typed_and_read_once(demo_api: Api) -> None:
    viewer = await _viewer(
        demo_api,
        """coachCreatorSessions(filter: {isComplete: true}) {
        totalCount edges { node { sessionId isComplete expiresAt
          generatedCoach { name }
          history { file { key sha256 content }
            document { sessionMetadata { sessionId finalSophisticationLevel }
              questionHistory { questionId topic userResponse sophisticationSignals }
              sophisticationEvolution { questionId detectedLevel confidence }
              allResponses finalGeneratedCoach { coachId personalityTemplate } } } } } }""",
    )
    conn = viewer["coachCreatorSessions"]
    assert conn["totalCount"] == 1
    session = _nodes(conn)[0]
    assert session["generatedCoach"] == {"name": "Marcus"}
    doc = session["history"]["document"]
    assert doc["sessionMetadata"]["finalSophisticationLevel"] == "INTERMEDIATE"
    assert [q["topic"] for q in doc["questionHistory"]] == [
        "goal_discovery",
        "experience_assessment",
    ]
    assert doc["sophisticationEvolution"][1]["confidence"] == 0.85
    assert doc["finalGeneratedCoach"]["coachId"] == "demo_coach_1"
    assert doc["allResponses"]["1"].startswith("I want")
    assert (
        session["history"]["file"]["content"]["sessionMetadata"]["sessionId"]
        == session["sessionId"]
    )


async def test_session_filters(demo_api: Api) -> None:
    async def ids(filter_: str) -> list[str]:
        viewer = await _viewer(
            demo_api,
            f"coachCreatorSessions(filter: {filter_}) {{ edges {{ node {{ sessionId }} }} }}",
        )
        return [n["sessionId"] for n in _nodes(viewer["coachCreatorSessions"])]

    assert await ids("{}") == [f"coach_creator_demo_{i}" for i in (3, 2, 1)]  # newest first
    assert await ids("{abandoned: true}") == ["coach_creator_demo_3"]
    assert await ids("{abandoned: false, isComplete: false}") == ["coach_creator_demo_2"]
    assert await ids("{sophisticationLevel: BEGINNER}") == ["coach_creator_demo_3"]


async def test_expired_session_is_invisible(demo_api: Api, aws: AwsClients) -> None:
    table = demo_api.settings.table_name
    await aws.dynamodb.update_item(
        TableName=table,
        Key={"pk": {"S": "user#demo"}, "sk": {"S": "coachCreatorSession#coach_creator_demo_2"}},
        UpdateExpression="SET #t = :past",
        ExpressionAttributeNames={"#t": "ttl"},
        ExpressionAttributeValues={":past": {"N": "1000"}},
    )
    viewer = await _viewer(
        demo_api,
        """coachCreatorSessions { totalCount edges { node { sessionId } } }
        coachCreatorSession(sessionId: "coach_creator_demo_2") { sessionId }""",
    )
    assert viewer["coachCreatorSession"] is None
    assert viewer["coachCreatorSessions"]["totalCount"] == 2
    assert "coach_creator_demo_2" not in [
        n["sessionId"] for n in _nodes(viewer["coachCreatorSessions"])
    ]


async def test_memories_default_order_and_filters(demo_api: Api) -> None:
    viewer = await _viewer(
        demo_api,
        """all: memories { totalCount edges { node {
            content importance usageCount coach { coachId } } } }
        marcus: memories(filter: {coachId: "demo_coach_1"}) {
          totalCount edges { node { content } } }
        goals: memories(filter: {memoryType: GOAL}) { edges { node { content memoryType } } }
        low: memories(filter: {importance: LOW}) { edges { node { content } } }""",
    )
    everything = _nodes(viewer["all"])
    assert [(m["importance"], m["usageCount"]) for m in everything] == [
        ("HIGH", 5),
        ("HIGH", 2),
        ("MEDIUM", 7),
        ("MEDIUM", 1),
        ("LOW", 0),
    ]
    assert everything[0]["coach"] is None  # a global memory
    # Marcus's memories plus the global ones.
    assert viewer["marcus"]["totalCount"] == 3
    assert [m["content"] for m in _nodes(viewer["marcus"])] == [
        "I prefer morning workouts",
        "Goal: sub-8 minute Fran",
        "Left shoulder gets cranky with kipping",
    ]
    assert [m["memoryType"] for m in _nodes(viewer["goals"])] == ["GOAL"]
    assert [m["content"] for m in _nodes(viewer["low"])] == ["Always give me a cooldown"]


async def test_conversations_filters_relations_and_summaries(demo_api: Api) -> None:
    viewer = await _viewer(
        demo_api,
        """
        all: conversations { totalCount edges { node { conversationId isActive lastActivity } } }
        emma: conversations(coachId: "demo_coach_2") {
          totalCount edges { node { conversationId } } }
        inactive: conversations(isActive: false) { edges { node { conversationId } } }
        conversationSummaries(coachId: "demo_coach_1") { totalCount edges { node {
          summaryText confidence structuredData { keyFacts { currentGoals } }
          messageRange { totalMessages } conversation { conversationId coach { name } } } } }
        one: conversation(conversationId: "demo_conv_2") { coachId summary { summaryId } }
        byKey: conversation(conversationId: "demo_conv_2", coachId: "demo_coach_2") { title }
        none: conversation(conversationId: "nope") { title }""",
    )
    everything = _nodes(viewer["all"])
    times = [c["lastActivity"] for c in everything]
    assert times == sorted(times, reverse=True) and viewer["all"]["totalCount"] == 4
    assert {c["conversationId"] for c in _nodes(viewer["emma"])} == {"demo_conv_2", "demo_conv_4"}
    assert viewer["emma"]["totalCount"] == 2
    assert [c["conversationId"] for c in _nodes(viewer["inactive"])] == ["demo_conv_1"]
    summaries = _nodes(viewer["conversationSummaries"])
    assert viewer["conversationSummaries"]["totalCount"] == 2
    assert summaries[0]["conversation"]["coach"]["name"] == "Marcus"
    assert summaries[0]["structuredData"]["keyFacts"]["currentGoals"] == ["sub-8 Fran"]
    assert viewer["one"] == {
        "coachId": "demo_coach_2",
        "summary": {"summaryId": "summary_demo_conv_2"},
    }
    assert viewer["byKey"]["title"].startswith("Check-in 2")
    assert viewer["none"] is None


async def test_workout_relations(demo_api: Api) -> None:
    viewer = await _viewer(
        demo_api,
        """workouts(first: 3) { edges { node {
        coachIds coaches { coachId name } conversationId conversation { conversationId } } } }
        coaches { totalCount edges { node { coachId name personality { primaryTemplate }
          technicalConfig { specializations } } } }""",
    )
    for w in _nodes(viewer["workouts"]):
        assert [c["coachId"] for c in w["coaches"]] == w["coachIds"]
        assert w["conversation"]["conversationId"] == w["conversationId"]
    coaches = _nodes(viewer["coaches"])
    assert viewer["coaches"]["totalCount"] == 2
    assert coaches[0]["personality"]["primaryTemplate"] == "marcus"


async def test_workout_filters(demo_api: Api) -> None:
    viewer = await _viewer(
        demo_api,
        """
        all: workouts(first: 100) { totalCount edges { node { location coachIds discipline
              extractionMetadata { confidence } } } }
        gym: workouts(filter: {location: "gym"}, first: 100) { totalCount }
        emma: workouts(filter: {coachId: "demo_coach_2"}, first: 100) { totalCount }
        sure: workouts(filter: {minConfidence: 0.8}, first: 100) { edges { node {
              extractionMetadata { confidence } } } }
        strength: workouts(filter: {workoutType: "strength"}, first: 100) { totalCount }""",
    )
    everything = _nodes(viewer["all"])
    assert viewer["all"]["totalCount"] == 32
    assert viewer["gym"]["totalCount"] == sum(w["location"] == "gym" for w in everything)
    assert viewer["emma"]["totalCount"] == sum("demo_coach_2" in w["coachIds"] for w in everything)
    sure = [w["extractionMetadata"]["confidence"] for w in _nodes(viewer["sure"])]
    assert sure and min(sure) >= 0.8
    assert len(sure) == sum(w["extractionMetadata"]["confidence"] >= 0.8 for w in everything)
    assert viewer["strength"]["totalCount"] > 0


async def test_bad_date_range_is_bad_user_input(demo_api: Api) -> None:
    body = await demo_api.gql("""{ viewer { workouts(filter: {completedFrom: "2026-02-01T00:00:00Z",
        completedTo: "2026-01-01T00:00:00Z"}) { totalCount } } }""")
    assert body["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "field": ["filter", "completedTo"],
    }


async def test_a_failing_list_or_archive_nulls_only_itself(demo_api: Api, aws: AwsClients) -> None:
    """Connections are nullable: one bad argument or one missing archive object costs
    that field, never its siblings or the whole `viewer`."""
    body = await demo_api.gql(
        "{ viewer { userId workouts(first: 500) { totalCount } coaches { totalCount } } }"
    )
    viewer = body["data"]["viewer"]
    assert viewer["userId"] == "demo" and viewer["workouts"] is None
    assert viewer["coaches"]["totalCount"] == 2
    (error,) = body["errors"]
    assert error["path"] == ["viewer", "workouts"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"

    query = """{ viewer { conversation(conversationId: "demo_conv_4") {
        title messages(first: 12) { edges { node { messageId } } } } } }"""
    body = await demo_api.gql(query)
    conversation = body["data"]["viewer"]["conversation"]
    chunks = await aws.s3.list_objects_v2(
        Bucket=demo_api.settings.bucket, Prefix="athletes/demo/conversations/"
    )
    archived = [o["Key"] for o in chunks.get("Contents", []) if "archive" in o["Key"]]
    assert archived and len(conversation["messages"]["edges"]) == 12
    await aws.s3.delete_object(Bucket=demo_api.settings.bucket, Key=archived[0])
    body = await demo_api.gql(query)
    conversation = body["data"]["viewer"]["conversation"]
    assert conversation["title"] and conversation["messages"] is None
    assert body["errors"][0]["extensions"]["code"] == "CONTENT_UNAVAILABLE"
    assert body["errors"][0]["path"][-1] == "messages"
