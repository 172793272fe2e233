"""Documents with several mutations: each one sees what the ones before it wrote.

Root mutation fields run one after another, each with its payload resolved before the
next starts; all share the request's loaders. Writes report to that cache, and the reads
that decide a write (a coach's name copied into a workout) read the table, not the cache.
"""

from __future__ import annotations

from typing import Any

from tests.conftest import Api

WORKOUT = """{completedAt: "2026-05-01T07:00:00Z", workoutName: "%s", discipline: RUNNING,
    coachIds: ["demo_coach_1"]}"""


def _data(body: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in body, body["errors"]
    data: dict[str, Any] = body["data"]
    return data


async def test_a_rename_between_two_workouts_reaches_the_second(demo_api: Api) -> None:
    body = await demo_api.gql(f"""mutation {{
        first: logWorkout(input: {WORKOUT % "before"}) {{
            workout {{ coachNames coaches {{ name }} }} }}
        rename: updateCoach(input: {{coachId: "demo_coach_1", expectedVersion: 1,
            name: "Renamed"}}) {{ coach {{ name version }} }}
        second: logWorkout(input: {WORKOUT % "after"}) {{ workout {{ workoutId coachNames
            coaches {{ name }} }} }} }}""")
    data = _data(body)
    assert data["first"]["workout"] == {"coachNames": ["Marcus"], "coaches": [{"name": "Marcus"}]}
    assert data["rename"]["coach"] == {"name": "Renamed", "version": 2}
    second = data["second"]["workout"]
    assert second["coachNames"] == ["Renamed"] and second["coaches"] == [{"name": "Renamed"}]
    stored = await demo_api.gql(
        "query($id: ID!) { viewer { workout(workoutId: $id) { coachNames } } }",
        {"id": second["workoutId"]},
    )
    assert stored["data"]["viewer"]["workout"] == {"coachNames": ["Renamed"]}


async def test_an_update_is_read_by_a_later_field(demo_api: Api) -> None:
    body = await demo_api.gql("""{ viewer { conversation(conversationId: "demo_conv_2") {
        version } } }""")
    version = body["data"]["viewer"]["conversation"]["version"]
    body = await demo_api.gql(
        """mutation($v: Int!) {
        before: saveConversationSummary(input: {conversationId: "demo_conv_2",
            coachId: "demo_coach_2", summaryText: "one"}) {
          summary { conversation { title } } }
        rename: updateConversation(input: {conversationId: "demo_conv_2",
            coachId: "demo_coach_2", expectedVersion: $v, title: "Renamed"}) {
          conversation { title } }
        after: saveConversationSummary(input: {conversationId: "demo_conv_2",
            coachId: "demo_coach_2", summaryText: "two"}) {
          summary { summaryText version conversation { title version } } } }""",
        {"v": version},
    )
    data = _data(body)
    assert data["before"]["summary"]["conversation"]["title"] != "Renamed"
    assert data["after"]["summary"] == {
        "summaryText": "two",
        "version": 3,  # the seeded summary, then "one", then "two"
        "conversation": {"title": "Renamed", "version": version + 1},
    }


async def test_a_coach_archived_is_seen_by_a_later_field(demo_api: Api) -> None:
    """deleteCoach archives the coach (as the app does); a later field of the same
    document sees it archived, not the copy it read before."""
    body = await demo_api.gql("""{ viewer { conversation(conversationId: "demo_conv_2") {
        version } } }""")
    version = body["data"]["viewer"]["conversation"]["version"]
    body = await demo_api.gql(
        """mutation($v: Int!, $w: Int!) {
        before: updateConversation(input: {conversationId: "demo_conv_2",
            coachId: "demo_coach_2", expectedVersion: $v, title: "x"}) {
          conversation { coach { name isArchived } } }
        gone: deleteCoach(input: {coachId: "demo_coach_2", expectedVersion: 1}) {
          archivedCoachId coach { isArchived } }
        after: updateConversation(input: {conversationId: "demo_conv_2",
            coachId: "demo_coach_2", expectedVersion: $w, title: "y"}) {
          conversation { coach { name isArchived } } } }""",
        {"v": version, "w": version + 1},
    )
    data = _data(body)
    assert data["before"]["conversation"]["coach"] == {"name": "Emma", "isArchived": False}
    assert data["gone"] == {"archivedCoachId": "demo_coach_2", "coach": {"isArchived": True}}
    assert data["after"]["conversation"]["coach"] == {"name": "Emma", "isArchived": True}


async def test_a_deleted_memory_cannot_be_used_later_in_the_document(demo_api: Api) -> None:
    body = await demo_api.gql("""mutation {
        gone: deleteMemory(input: {memoryId: "demo_memory_4", expectedVersion: 1}) {
          deletedMemoryId }
        use: recordMemoryUse(input: {memoryId: "demo_memory_4"}) { memory { usageCount } } }""")
    # Payloads are non-null (api.md), so the error nulls `data`; the delete still happened.
    assert body["data"] is None
    assert body["errors"][0]["path"] == ["use"]
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    after = await demo_api.gql('{ viewer { memory(memoryId: "demo_memory_4") { memoryId } } }')
    assert after["data"]["viewer"]["memory"] is None
