"""Program and designer-session writes on items the app wrote (tests/app_items.py): each
changes only what the app's own handler changes (a round-trip diff), keeps the app's shape
(the autouse contract check), is idempotent, refuses a stale version, and an app-style
write landing between this API's read and its write is never overwritten."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests import app_items
from tests.conftest import Api, cost
from tests.item_diff import changed_paths, outside
from tests.test_app_sharing import AppWriter, between_read_and_write

DANA = app_items.ATHLETE
A = app_items._Athlete(DANA)
PK, SK = f"user#{DANA}", f"program#{A.program}"
LEGACY_PK = f"user#{DANA}#coach#{A.coach_a}"

PROGRAM = """program { programId status version name description currentDay completedWorkouts
  skippedWorkouts completedRestDays adherenceRate pausedAt pausedDuration lastActivityAt
  dayCompletion { dayNumber primaryComplete optionalCompleted totalOptional } }"""
UPDATE = f"""mutation($i: UpdateProgramInput!) {{ updateProgram(input: $i) {{ {PROGRAM} }} }}"""
DELETE = """mutation($i: DeleteProgramInput!) { deleteProgram(input: $i) {
  deletedProgramId archived deletedObjects notDeleted { store } program { status } } }"""
LOG = f"""mutation($i: LogProgramWorkoutInput!) {{ logProgramWorkout(input: $i) {{ {PROGRAM}
  workout {{ workoutId workoutName templateId groupId discipline conversationId coachIds }}
  template {{ templateId status linkedWorkoutId userFeedback completedAt }} }} }}"""
SKIP = f"""mutation($i: SkipProgramDayInput!) {{ skipProgramDay(input: $i) {{ {PROGRAM} }} }}"""
REST = f"""mutation($i: CompleteRestDayInput!) {{ completeRestDay(input: $i) {{ {PROGRAM} }} }}"""
RENAME = """mutation($i: RenameProgramDesignerSessionInput!) {
  renameProgramDesignerSession(input: $i) { session { title version lastActivity } } }"""
DELETE_SESSION = """mutation($i: DeleteProgramDesignerSessionInput!) {
  deleteProgramDesignerSession(input: $i) { session { isDeleted completedAt version } } }"""
# What every write of this API may add or move beside the app's keys.
OURS = {"updatedAt", "version"}


async def _raw(api: Api, pk: str = PK, sk: str = SK) -> dict[str, Any]:
    item = await api.runtime.stores.table.get(pk, sk, consistent=True)
    assert item is not None, (pk, sk)
    return item


async def _write(api: Api, mutation: str, fields: dict[str, Any]) -> dict[str, Any]:
    body = await api.gql(mutation, {"i": fields}, user=DANA)
    assert "errors" not in body, body["errors"]
    return body


def _payload(body: dict[str, Any]) -> dict[str, Any]:
    (payload,) = body["data"].values()
    result: dict[str, Any] = payload
    return result


def _changed(before: dict[str, Any], after: dict[str, Any], allowed: set[str]) -> set[str]:
    return outside(changed_paths(before, after), {f"attributes.{p}" for p in allowed} | OURS)


async def _object(api: Api, key: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The object as the app's client gets it (no Content-Encoding undone), and its head."""
    s3 = api.runtime.clients.s3
    found = await s3.get_object(Bucket=api.settings.bucket, Key=key)
    async with found["Body"] as stream:
        body = await stream.read()
    return json.loads(body), found


async def _gone(api: Api, key: str) -> bool:
    listed = await api.runtime.clients.s3.list_objects_v2(Bucket=api.settings.bucket, Prefix=key)
    return bool(listed["KeyCount"] == 0)


# --- updateProgram ----------------------------------------------------------------------


async def test_rename_changes_only_the_name_and_description(app_api: Api) -> None:
    before = await _raw(app_api)
    body = await _write(
        app_api,
        UPDATE,
        {"programId": A.program, "expectedVersion": 1, "name": "Snatch 2.0", "description": "x"},
    )
    program = _payload(body)["program"]
    assert (program["name"], program["description"], program["version"]) == ("Snatch 2.0", "x", 2)
    after = await _raw(app_api)
    assert _changed(before, after, {"name", "description"}) == set()
    # A read of the program and one transaction (the effect and its idempotency marker).
    assert cost(body)["dynamodb"]["byOperation"] == {"GetItem": 1, "TransactWriteItems": 1}


async def test_pause_and_resume_do_what_the_app_does(app_api: Api, engine: Any) -> None:
    before = await _raw(app_api)
    paused = _payload(
        await _write(
            app_api, UPDATE, {"programId": A.program, "expectedVersion": 1, "action": "PAUSE"}
        )
    )["program"]
    assert paused["status"] == "PAUSED" and paused["pausedAt"]
    after_pause = await _raw(app_api)
    assert _changed(before, after_pause, {"status", "pausedAt"}) == set()
    # Paused three days ago (the app's item, rewritten the app's way).
    three_days_ago = datetime.now(UTC) - timedelta(days=3)
    AppWriter(engine, app_api.settings.table_name).rewrite(
        (PK, SK),
        lambda item: item["attributes"].update(
            pausedAt=three_days_ago.strftime("%Y-%m-%dT%H:%M:%S.000Z")
        ),
    )
    again = await app_api.gql(
        UPDATE, {"i": {"programId": A.program, "expectedVersion": 2, "action": "PAUSE"}}, user=DANA
    )
    assert again["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    resumed = _payload(
        await _write(
            app_api, UPDATE, {"programId": A.program, "expectedVersion": 2, "action": "RESUME"}
        )
    )["program"]
    assert resumed["status"] == "ACTIVE" and resumed["pausedDuration"] == 3
    stored = (await _raw(app_api))["attributes"]
    assert stored["pausedAt"] is None  # as the app stores a running program (null)
    assert _changed(before, await _raw(app_api), {"pausedDuration"}) == set()
    not_paused = await app_api.gql(
        UPDATE, {"i": {"programId": A.program, "expectedVersion": 3, "action": "RESUME"}}, user=DANA
    )
    assert not_paused["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_stale_version_is_a_conflict(app_api: Api) -> None:
    await _write(app_api, UPDATE, {"programId": A.program, "expectedVersion": 1, "name": "A"})
    stale = await app_api.gql(
        UPDATE, {"i": {"programId": A.program, "expectedVersion": 1, "name": "B"}}, user=DANA
    )
    assert stale["errors"][0]["extensions"] == {"code": "CONFLICT", "currentVersion": 2}
    assert (await _raw(app_api))["attributes"]["name"] == "A"


async def test_an_app_write_between_read_and_write_is_kept(app_api: Api, engine: Any) -> None:
    app = AppWriter(engine, app_api.settings.table_name)

    def app_logs_a_day() -> None:
        # The app's log-workout-template: read, change, put back whole (no version moved).
        app.rewrite((PK, SK), lambda item: item["attributes"].update(completedWorkouts=6))

    update = {"programId": A.program, "expectedVersion": 1, "name": "Mine"}
    with between_read_and_write(app_api, (PK, SK), app_logs_a_day) as fired:
        body = await app_api.gql(UPDATE, {"i": update}, user=DANA)
    assert fired == [1]
    assert body["errors"][0]["extensions"] == {"code": "CONFLICT", "currentVersion": 1}
    retried = _payload(await _write(app_api, UPDATE, update))["program"]
    assert retried["name"] == "Mine" and retried["completedWorkouts"] == 6


async def test_a_retry_with_the_same_key_writes_once(app_api: Api) -> None:
    update = {
        "programId": A.program,
        "expectedVersion": 1,
        "name": "Once",
        "idempotencyKey": "rename-1",
    }
    first = _payload(await _write(app_api, UPDATE, update))["program"]
    second = _payload(await _write(app_api, UPDATE, update))["program"]
    assert first["version"] == second["version"] == 2
    other = await app_api.gql(UPDATE, {"i": {**update, "name": "Twice"}}, user=DANA)
    assert other["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_legacy_partitions_program_is_written_where_it_is(app_api: Api) -> None:
    sk = f"program#{A.legacy_program}"
    before = await _raw(app_api, LEGACY_PK, sk)
    await _write(
        app_api, UPDATE, {"programId": A.legacy_program, "expectedVersion": 1, "name": "Legs"}
    )
    after = await _raw(app_api, LEGACY_PK, sk)
    assert after["attributes"]["name"] == "Legs"
    assert _changed(before, after, {"name"}) == set()
    assert await app_api.runtime.stores.table.get(PK, sk, consistent=True) is None


# --- logProgramWorkout, skipProgramDay, completeRestDay ----------------------------------


def _log_input(**extra: Any) -> dict[str, Any]:
    return {
        "programId": A.program,
        "templateId": A.template_day10,
        "expectedVersion": 1,
        "discipline": "OLYMPIC_WEIGHTLIFTING",
        "duration": 50,
        "feedback": {"rating": 4, "difficulty": "just_right", "comments": "Pulls felt fast"},
        **extra,
    }


async def test_logging_a_template_creates_the_workout_and_moves_the_program_at_once(
    app_api: Api,
) -> None:
    before = await _raw(app_api)
    body = await _write(app_api, LOG, _log_input(idempotencyKey="log-day-10"))
    payload = _payload(body)
    workout, program, template = payload["workout"], payload["program"], payload["template"]
    # The workout as the app's build-workout saves a template's (tools.ts:1281-1305).
    assert workout["workoutName"] == "Pull Strength"
    assert (workout["templateId"], workout["groupId"]) == (A.template_day10, A.group_day10)
    assert workout["conversationId"] == "program_designer" and workout["coachIds"] == [A.coach_a]
    raw = await _raw(app_api, PK, f"workout#{workout['workoutId']}")
    assert (raw["gsi1pk"], raw["gsi2pk"]) == (
        f"group#{A.group_day10}",
        f"template#{A.template_day10}",
    )
    assert raw["gsi1sk"] == raw["gsi2sk"] == f"workout#{workout['workoutId']}"
    assert raw["attributes"]["workoutData"]["metadata"]["logged_via"] == "training_program"
    assert raw["attributes"]["extractionMetadata"]["templateComparison"]["adherenceScore"] == 1
    # The program, as log-workout-template/handler.ts:300-377 moves it.
    assert program["completedWorkouts"] == 6 and program["currentDay"] == 11
    assert program["adherenceRate"] == pytest.approx(6 / 32 * 100)
    assert {
        "dayNumber": 10,
        "primaryComplete": True,
        "optionalCompleted": 0,
        "totalOptional": 0,
    } in (program["dayCompletion"])
    assert template["status"] == "COMPLETED"
    assert template["linkedWorkoutId"] == workout["workoutId"]
    assert template["userFeedback"]["comments"] == "Pulls felt fast"
    after = await _raw(app_api)
    allowed = {
        "completedWorkouts",
        "adherenceRate",
        "currentDay",
        "lastActivityAt",
        "s3DetailKey",
        "dayCompletionStatus.10",
    }
    assert _changed(before, after, allowed) == set()
    # The new details: plain JSON under the athlete's prefix, what the app's reader parses;
    # the app's superseded object is gone.
    new_key = after["attributes"]["s3DetailKey"]
    assert new_key.startswith(f"athletes/{DANA}/programs/{A.program}/")
    document, head = await _object(app_api, new_key)
    assert "ContentEncoding" not in head
    logged = next(t for t in document["workoutTemplates"] if t["templateId"] == A.template_day10)
    assert logged["status"] == "completed" and logged["linkedWorkoutId"] == workout["workoutId"]
    assert document["programContext"] and len(document["workoutTemplates"]) == 2
    assert await _gone(app_api, A.program_key)
    # Reads: the program and the details; one transaction (workout, program, marker).
    ddb, s3 = cost(body)["dynamodb"], cost(body)["s3"]
    assert ddb["byOperation"] == {"GetItem": 2, "TransactWriteItems": 1}
    assert s3["byOperation"] == {"GetObject": 1, "PutObject": 1, "DeleteObject": 1}
    # A retry with the same key: the same workout, nothing logged twice.
    again = _payload(await _write(app_api, LOG, _log_input(idempotencyKey="log-day-10")))
    assert again["workout"]["workoutId"] == workout["workoutId"]
    assert again["program"]["completedWorkouts"] == 6
    listed = await app_api.gql(
        "query($id: ID!) { viewer { program(programId: $id) { workouts { workoutId } } } }",
        {"id": A.program},
        user=DANA,
    )
    assert [w["workoutId"] for w in listed["data"]["viewer"]["program"]["workouts"]] == [
        A.w_oly,
        workout["workoutId"],
    ]


async def test_a_completed_template_is_not_logged_again(app_api: Api) -> None:
    body = await app_api.gql(LOG, {"i": _log_input(templateId=A.template_day9)}, user=DANA)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    missing = await app_api.gql(LOG, {"i": _log_input(templateId="template_none")}, user=DANA)
    assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_skip_then_rest_day_move_the_program_as_the_app_does(app_api: Api) -> None:
    before = await _raw(app_api)
    skipped = _payload(
        await _write(
            app_api,
            SKIP,
            {"programId": A.program, "expectedVersion": 1, "skipReason": "Travelling"},
        )
    )["program"]
    assert skipped["skippedWorkouts"] == 2 and skipped["currentDay"] == 11
    assert skipped["adherenceRate"] == before["attributes"]["adherenceRate"]  # unchanged
    after_skip = await _raw(app_api)
    allowed = {"skippedWorkouts", "currentDay", "lastActivityAt", "s3DetailKey"}
    assert _changed(before, after_skip, allowed | {"dayCompletionStatus.10"}) == set()
    document, _ = await _object(app_api, after_skip["attributes"]["s3DetailKey"])
    day10 = next(t for t in document["workoutTemplates"] if t["dayNumber"] == 10)
    assert day10["status"] == "skipped" and day10["userFeedback"]["comments"] == "Travelling"

    # Day 11 has no template: a rest day, completed once.
    rested = _payload(await _write(app_api, REST, {"programId": A.program, "expectedVersion": 2}))[
        "program"
    ]
    assert rested["completedRestDays"] == 1 and rested["currentDay"] == 12
    after_rest = await _raw(app_api)
    assert (
        _changed(
            after_skip,
            after_rest,
            {"completedRestDays", "currentDay", "lastActivityAt", "dayCompletionStatus.11"},
        )
        == set()
    )
    again = _payload(
        await _write(app_api, REST, {"programId": A.program, "expectedVersion": 3, "dayNumber": 11})
    )["program"]
    assert again["completedRestDays"] == 1  # already complete: counted once
    # A day with templates is not a rest day.
    refused = await app_api.gql(
        REST, {"i": {"programId": A.program, "expectedVersion": 4, "dayNumber": 9}}, user=DANA
    )
    assert refused["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_skip_is_refused_on_a_done_template(app_api: Api) -> None:
    body = await app_api.gql(
        SKIP,
        {"i": {"programId": A.program, "expectedVersion": 1, "templateId": A.template_day9}},
        user=DANA,
    )
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_an_app_write_between_the_logs_read_and_write_is_kept(
    app_api: Api, engine: Any
) -> None:
    app = AppWriter(engine, app_api.settings.table_name)

    def app_renames() -> None:
        app.rewrite((PK, SK), lambda item: item["attributes"].update(name="Renamed in the app"))

    with between_read_and_write(app_api, (PK, SK), app_renames) as fired:
        body = await app_api.gql(LOG, {"i": _log_input()}, user=DANA)
    assert fired == [1]
    assert body["errors"][0]["extensions"]["code"] == "CONFLICT"
    # Nothing of the log landed: no workout, the app's details untouched.
    workouts = await app_api.gql("{ viewer { workouts { totalCount } } }", user=DANA)
    assert workouts["data"]["viewer"]["workouts"]["totalCount"] == 4
    assert (await _raw(app_api))["attributes"]["s3DetailKey"] == A.program_key
    retried = _payload(await _write(app_api, LOG, _log_input()))["program"]
    assert retried["completedWorkouts"] == 6
    assert (await _raw(app_api))["attributes"]["name"] == "Renamed in the app"


# --- deleteProgram ----------------------------------------------------------------------


async def test_delete_archives_by_default_and_hard_deletes_what_the_app_does(
    app_api: Api,
) -> None:
    before = await _raw(app_api)
    soft = _payload(await _write(app_api, DELETE, {"programId": A.program, "expectedVersion": 1}))
    assert soft["archived"] is True and soft["program"] == {"status": "ARCHIVED"}
    assert _changed(before, await _raw(app_api), {"status"}) == set()
    listed = await app_api.gql(
        "{ viewer { programs { totalCount countsByStatus { archived } } } }", user=DANA
    )
    assert listed["data"]["viewer"]["programs"] == {
        "totalCount": 1,
        "countsByStatus": {"archived": 1},
    }

    hard = _payload(
        await _write(app_api, DELETE, {"programId": A.program, "expectedVersion": 2, "hard": True})
    )
    assert hard["archived"] is False and hard["deletedObjects"] == [A.program_key]
    assert hard["notDeleted"] == [{"store": "Pinecone"}]
    table = app_api.runtime.stores.table
    assert await table.get(PK, SK, consistent=True) is None
    assert await table.get(PK, f"programInsights#{A.program}", consistent=True) is None
    assert await _gone(app_api, A.program_key)
    # The workouts logged from it stay (history), as in the app.
    assert await table.get(PK, f"workout#{A.w_oly}", consistent=True) is not None


# --- program-designer sessions ----------------------------------------------------------


async def test_designer_sessions_rename_and_soft_delete(app_api: Api) -> None:
    key = (PK, f"programDesignerSession#{A.pd_session}")
    before = await _raw(app_api, *key)
    renamed = _payload(
        await _write(
            app_api,
            RENAME,
            {"sessionId": A.pd_session, "expectedVersion": 1, "title": "  Snatch block II "},
        )
    )["session"]
    assert renamed["title"] == "Snatch block II" and renamed["version"] == 2
    after = await _raw(app_api, *key)
    assert _changed(before, after, {"title", "lastActivity"}) == set()
    too_long = await app_api.gql(
        RENAME,
        {"i": {"sessionId": A.pd_session, "expectedVersion": 2, "title": "x" * 101}},
        user=DANA,
    )
    assert too_long["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    deleted = _payload(
        await _write(app_api, DELETE_SESSION, {"sessionId": A.pd_session, "expectedVersion": 2})
    )["session"]
    assert deleted["isDeleted"] is True and deleted["completedAt"]
    assert _changed(after, await _raw(app_api, *key), {"isDeleted", "completedAt"}) == set()


# --- the athlete's export and deletion ----------------------------------------------------


async def test_export_and_delete_account_cover_the_programs_this_api_wrote(app_api: Api) -> None:
    await _write(app_api, LOG, _log_input())
    new_key = (await _raw(app_api))["attributes"]["s3DetailKey"]
    export = await app_api.gql("mutation { requestDataExport { export { content } } }", user=DANA)
    assert "errors" not in export, export["errors"]
    content = export["data"]["requestDataExport"]["export"]["content"]
    assert {(PK, SK), (LEGACY_PK, f"program#{A.legacy_program}")} <= {
        (i["pk"], i["sk"]) for i in content["items"]
    }
    # The rewritten details (under the athlete's prefix) and the legacy program's (the app's).
    assert {new_key, A.legacy_program_key} <= set(content["objects"])
    assert content["objects"][new_key]["programId"] == A.program

    deleted = await app_api.gql(
        'mutation { deleteAccount(input: {confirm: "DELETE"}) { deletedItemCount } }', user=DANA
    )
    assert "errors" not in deleted, deleted["errors"]
    table = app_api.runtime.stores.table
    for key in ((PK, SK), (LEGACY_PK, f"program#{A.legacy_program}")):
        assert await table.get(*key, consistent=True) is None
    for s3_key in (new_key, A.legacy_program_key, A.program_key):
        assert await _gone(app_api, s3_key)


async def test_a_program_workout_is_the_programs_coachs(app_api: Api) -> None:
    body = await app_api.gql(LOG, {"i": _log_input(coachIds=["someone"])}, user=DANA)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert cost(body)["dynamodb"]["calls"] == 0
