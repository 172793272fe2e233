"""Training programs read from the app's own items (tests/app_items.py): the list as the app
pages it (legacy partitions included), one program with its S3 day templates, the workouts
logged from it and its insights; program-designer sessions. Round trips counted."""

from __future__ import annotations

import json
from typing import Any

from tests import app_items
from tests.conftest import Api, cost

DANA, SAM = app_items.ATHLETE, app_items.OTHER
A = app_items._Athlete(DANA)

LIST = """query($f: ProgramFilter, $first: Int, $after: String) { viewer {
  programs(filter: $f, first: $first, after: $after) {
    totalCount countsByStatus { active paused completed archived other }
    pageInfo { hasNextPage endCursor }
    edges { node { programId name status statusName legacy startDate currentDay totalDays
      adherenceRate coachNames } } } } }"""

ONE = """query($id: ID!) { viewer { program(programId: $id) {
  id programId name status legacy currentDay totalDays completedWorkouts skippedWorkouts
  pausedAt pausedDuration adherenceRate
  phases { phaseId name startDay endDay } currentPhase { name }
  dayCompletion { dayNumber primaryComplete }
  details { key }
  templates(day: 9) { templateId name status isPrimary linkedWorkoutId
    linkedWorkout { workoutId templateId groupId } }
  today { dayNumber isRestDay scheduledDate phase { name }
    templates { name status } completion { primaryComplete totalOptional } }
  workouts { workoutId workoutName }
  insights { coachNote riskFlags generatedAt }
  coaches { coachId }
} } }"""


def _nodes(body: dict[str, Any]) -> list[dict[str, Any]]:
    assert "errors" not in body, body["errors"]
    return [e["node"] for e in body["data"]["viewer"]["programs"]["edges"]]


async def test_the_list_is_the_apps_legacy_partitions_included_newest_start_first(
    app_api: Api,
) -> None:
    body = await app_api.gql(LIST, user=DANA)
    programs = _nodes(body)
    assert [(p["programId"], p["legacy"]) for p in programs] == [
        (A.program, False),
        (A.legacy_program, True),
    ]
    connection = body["data"]["viewer"]["programs"]
    assert connection["totalCount"] == 2
    assert connection["countsByStatus"] == {
        "active": 1,
        "paused": 0,
        "completed": 1,
        "archived": 0,
        "other": 0,
    }
    assert programs[0]["status"] == "ACTIVE" and programs[0]["statusName"] == "active"
    # The page, totalCount and the per-status totals: one GSI1 query.
    assert cost(body)["dynamodb"]["byOperation"] == {"Query": 1}
    assert cost(body)["s3"]["calls"] == 0


async def test_filters_by_status_and_coach_and_pages_with_cursors(app_api: Api) -> None:
    active = _nodes(await app_api.gql(LIST, {"f": {"status": "ACTIVE"}}, user=DANA))
    assert [p["programId"] for p in active] == [A.program]
    both = _nodes(await app_api.gql(LIST, {"f": {"status": ["ACTIVE", "COMPLETED"]}}, user=DANA))
    assert len(both) == 2
    assert _nodes(await app_api.gql(LIST, {"f": {"coachId": "nobody"}}, user=DANA)) == []
    assert len(_nodes(await app_api.gql(LIST, {"f": {"coachId": A.coach_a}}, user=DANA))) == 2

    first = await app_api.gql(LIST, {"first": 1}, user=DANA)
    page = first["data"]["viewer"]["programs"]
    assert page["pageInfo"]["hasNextPage"] is True and page["totalCount"] == 2
    second = await app_api.gql(
        LIST, {"first": 1, "after": page["pageInfo"]["endCursor"]}, user=DANA
    )
    assert [p["programId"] for p in _nodes(second)] == [A.legacy_program]
    assert second["data"]["viewer"]["programs"]["pageInfo"]["hasNextPage"] is False
    # Another athlete sees only their own.
    sams = _nodes(await app_api.gql(LIST, user=SAM))
    assert {p["programId"] for p in sams}.isdisjoint({A.program, A.legacy_program})


async def test_one_program_with_its_templates_workouts_and_insights(app_api: Api) -> None:
    body = await app_api.gql(ONE, {"id": A.program}, user=DANA)
    assert "errors" not in body, body["errors"]
    program = body["data"]["viewer"]["program"]
    assert program["status"] == "ACTIVE" and program["currentDay"] == 10
    assert program["phases"][0]["phaseId"] == "phase_1"
    assert program["currentPhase"] == {"name": "Phase 1: Positions"}
    assert [d["dayNumber"] for d in program["dayCompletion"]] == [1, 2, 4, 6, 9]
    assert program["details"] == {"key": A.program_key}
    (day9,) = program["templates"]
    assert day9["templateId"] == A.template_day9 and day9["status"] == "COMPLETED"
    assert day9["isPrimary"] is True
    assert day9["linkedWorkout"] == {
        "workoutId": A.w_oly,
        "templateId": A.template_day9,
        "groupId": A.group_day9,
    }
    today = program["today"]
    assert today["dayNumber"] == 10 and today["isRestDay"] is False
    assert today["scheduledDate"] == "2026-05-13"
    assert today["templates"] == [{"name": "Pull Strength", "status": "PENDING"}]
    assert today["completion"] == {"primaryComplete": False, "totalOptional": 0}
    assert program["workouts"] == [{"workoutId": A.w_oly, "workoutName": "Snatch Complex Day"}]
    assert program["insights"]["coachNote"] and program["insights"]["riskFlags"]
    assert program["coaches"] == [{"coachId": A.coach_a}]
    s3 = cost(body)["s3"]
    assert s3["gets"] == 1  # templates, today and workouts share one read of the details
    # The program, then (same wave) its insights, coaches and the details; then the
    # linked workouts: batched reads only.
    assert set(cost(body)["dynamodb"]["byOperation"]) == {"BatchGetItem"}


async def test_a_program_in_a_legacy_partition_reads_by_id_and_by_node(app_api: Api) -> None:
    body = await app_api.gql(ONE, {"id": A.legacy_program}, user=DANA)
    assert "errors" not in body, body["errors"]
    program = body["data"]["viewer"]["program"]
    assert program["legacy"] is True and program["status"] == "COMPLETED"
    # Completed with its current day on the last day (42): a rest day in its templates.
    assert program["today"]["dayNumber"] == 42 and program["today"]["isRestDay"] is True
    assert program["templates"] == []  # its only template is day 1's
    node = await app_api.gql(
        "query($id: ID!) { node(id: $id) { ... on Program { programId legacy } } }",
        {"id": program["id"]},
        user=DANA,
    )
    assert node["data"]["node"] == {"programId": A.legacy_program, "legacy": True}
    # Another athlete's id names nothing of theirs.
    other = await app_api.gql(
        "query($id: ID!) { node(id: $id) { id } }", {"id": program["id"]}, user=SAM
    )
    assert other["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    sams = await app_api.gql(ONE, {"id": A.program}, user=SAM)
    assert sams["data"]["viewer"]["program"] is None


DESIGNER = """query($f: ProgramDesignerSessionFilter) { viewer {
  programDesignerSessions(filter: $f) { totalCount edges { node { id sessionId title isDeleted
    isComplete coach { coachId } program { programId } images { key } } } } } }"""


async def test_designer_sessions_hide_soft_deleted_ones_unless_asked(app_api: Api) -> None:
    hidden = await app_api.gql(DESIGNER, user=DANA)
    assert "errors" not in hidden, hidden["errors"]
    assert hidden["data"]["viewer"]["programDesignerSessions"] == {"totalCount": 0, "edges": []}
    shown = await app_api.gql(DESIGNER, {"f": {"includeDeleted": True}}, user=DANA)
    sessions = shown["data"]["viewer"]["programDesignerSessions"]
    assert sessions["totalCount"] == 1
    (session,) = [e["node"] for e in sessions["edges"]]
    assert session["sessionId"] == A.pd_session and session["isDeleted"] is True
    assert session["coach"] == {"coachId": A.coach_a}
    assert session["program"] == {"programId": A.program}
    assert session["images"] == [{"key": A.img_gym}]
    one = await app_api.gql(
        "query($id: ID!) { viewer { programDesignerSession(sessionId: $id) { title } } }",
        {"id": A.pd_session},
        user=DANA,
    )
    assert one["data"]["viewer"]["programDesignerSession"] == {"title": "Snatch block"}


async def test_admin_lists_programs_and_designer_sessions_across_athletes(app_api: Api) -> None:
    admin = app_api.token("ops", groups=["admin"])
    body = await app_api.gql(
        "{ admin { programs: entities(entityType: PROGRAM) { totalCount edges { node { pk } } } "
        "sessions: entities(entityType: PROGRAM_DESIGNER_SESSION) { totalCount } "
        "insights: entities(entityType: PROGRAM_INSIGHTS) { totalCount } } }",
        headers={"Authorization": f"Bearer {admin}"},
    )
    assert "errors" not in body, body["errors"]
    found = body["data"]["admin"]
    # Two athletes, each with a program and a legacy one.
    assert found["programs"]["totalCount"] == 4
    assert f"user#{DANA}#coach#{A.coach_a}" in {e["node"]["pk"] for e in found["programs"]["edges"]}
    assert found["sessions"]["totalCount"] == found["insights"]["totalCount"] == 2


async def test_a_template_the_app_has_not_linked_yet_finds_its_workout_by_key(
    app_api: Api,
) -> None:
    """log-workout-template stores `linkedWorkoutId: null` until build-workout links the
    saved workout (template-linking.ts:111-190); the workout carries the template's GSI2 key
    from the start (workout.ts:40-44)."""
    details = json.loads(app_items.s3_objects(DANA)[A.program_key])
    for template in details["workoutTemplates"]:
        template["linkedWorkoutId"] = None
    await app_api.runtime.clients.s3.put_object(
        Bucket=app_api.settings.bucket, Key=A.program_key, Body=json.dumps(details).encode()
    )
    body = await app_api.gql(
        """query($id: ID!) { viewer { program(programId: $id) { workouts { workoutId }
            templates(day: 9) { linkedWorkout { workoutId } loggedWorkouts { workoutId } } } } }""",
        {"id": A.program},
        user=DANA,
    )
    assert "errors" not in body, body["errors"]
    program = body["data"]["viewer"]["program"]
    assert program["workouts"] == [{"workoutId": A.w_oly}]
    assert program["templates"] == [
        {"linkedWorkout": None, "loggedWorkouts": [{"workoutId": A.w_oly}]}
    ]
    # The program, the details, then the template's workouts by GSI2 (both fields share
    # nothing but are each one query).
    assert cost(body)["dynamodb"]["byOperation"] == {"BatchGetItem": 1, "Query": 2}
