"""NeonPanda's real table: the seed's exact table, holding items in the app's own shapes
(tests/app_items.py, each shape sourced from the app's code).

The whole read graph, the lookups, every mutation, the export and deleteAccount run over
HTTP against it: before the migration (correct, reading more) and after (the same
answers, at the round-trip floor).
"""

from __future__ import annotations

import asyncio
import copy
from typing import Any

import pytest

from datasources.indexer import Indexer
from datasources.migrate import migrate
from datasources.records.base import diff
from datasources.stream import Change
from datasources.table import Table
from tests import app_items
from tests.conftest import Api, cost

DANA, SAM = app_items.ATHLETE, app_items.OTHER
ADMIN = {"groups": ["admin"]}


async def _migrate(api: Api) -> None:
    """The migration command's code, then the running server picks the accelerators up."""
    await migrate(api.runtime.stores.table)
    assert api.runtime.background is not None
    await api.runtime.background.refresh()


GRAPH = """{ viewer {
  userId username email displayName
  athleteProfile livingProfile criticalTrainingDirective { content enabled }
  coaches(first: 10) { totalCount edges { node { coachId name description status isArchived } } }
  everyCoach: coaches(includeArchived: true) { totalCount }
  conversations(first: 10) { totalCount edges { node { conversationId title mode totalMessages
    messages(first: 10) { edges { node { role messageType content
      images { key } documents { key } } } } } } }
  chats: conversations(mode: "chat") { totalCount }
  conversationSummaries { totalCount edges { node { summaryText narrative details } } }
  workouts(first: 10) { totalCount edges { node { workoutId workoutName discipline
    disciplineName templateId groupId images { key } insights { coachNote }
    completedAt } } }
  may: workouts(filter: {completedFrom: "2026-05-06T00:00:00Z",
                         completedTo: "2026-05-13T00:00:00Z"}) {
    edges { node { disciplineName } } }
  memories(first: 10) { totalCount edges { node { memoryId memoryType memoryTypeName
    importance coachId lifecycle { state stability } prospective } } }
  allMemories: memories(filter: {includeArchived: true}) { totalCount }
  coachCreatorSessions { totalCount edges { node { sessionId title isDeleted todoList } } }
  allSessions: coachCreatorSessions(filter: {includeDeleted: true}) { totalCount }
} }"""


def _nodes(connection: dict[str, Any]) -> list[dict[str, Any]]:
    return [e["node"] for e in connection["edges"]]


def _check_graph(viewer: dict[str, Any]) -> None:
    assert viewer["username"] == "DanaDemo_88" and viewer["email"] == "Dana.Demo@Example.com"
    assert viewer["livingProfile"]["trainingIdentity"]["experienceLevel"]
    assert viewer["criticalTrainingDirective"]["enabled"] is True
    assert viewer["athleteProfile"]["version"] == 1
    # Coaches: the archived one only when asked for.
    coaches = _nodes(viewer["coaches"])
    assert viewer["coaches"]["totalCount"] == 2 and viewer["everyCoach"]["totalCount"] == 3
    assert {c["status"] for c in coaches} == {"active", None}
    assert not any(c["isArchived"] for c in coaches)
    # Conversations: mode as a field and a filter; attachments as stored-content refs.
    conversations = _nodes(viewer["conversations"])
    assert viewer["conversations"]["totalCount"] == 3 and viewer["chats"]["totalCount"] == 1
    assert {c["mode"] for c in conversations} == {"chat", "workout_edit", "workout_log"}
    messages = [m for c in conversations for m in _nodes(c["messages"])]
    assert {m["role"] for m in messages} == {"USER", "ASSISTANT"}
    with_images = [m for m in messages if m["images"]]
    assert with_images and with_images[0]["messageType"] == "text_with_images"
    assert with_images[0]["images"][0]["key"].startswith(f"user-uploads/{DANA}/")
    assert any(m["documents"] for m in messages)
    # Summaries in both shapes read as text.
    summaries = _nodes(viewer["conversationSummaries"])
    assert len(summaries) == 2 and all(s["summaryText"] for s in summaries)
    assert any(s["narrative"] for s in summaries)
    # Workouts: disciplines beyond the typed ones, the app's fields, newest first.
    workouts = _nodes(viewer["workouts"])
    assert [w["disciplineName"] for w in workouts] == [
        "hyrox",
        "olympic_weightlifting",
        "crossfit",
        "running",
    ]
    assert [w["discipline"] for w in workouts][:2] == ["HYROX", "OLYMPIC_WEIGHTLIFTING"]
    olympic = workouts[1]
    assert olympic["templateId"] and olympic["groupId"] and olympic["images"]
    assert olympic["insights"]["coachNote"]
    assert [w["disciplineName"] for w in _nodes(viewer["may"])] == [
        "olympic_weightlifting",
        "crossfit",
    ]
    # Memories of every type the app stores; the archived one hidden unless asked for.
    memories = _nodes(viewer["memories"])
    assert viewer["memories"]["totalCount"] == 6 and viewer["allMemories"]["totalCount"] == 7
    assert {m["memoryType"] for m in memories} >= {"PROSPECTIVE", "EPISODIC", "BEHAVIORAL"}
    assert all(m["memoryTypeName"] == m["memoryType"].lower() for m in memories)
    prospective = next(m for m in memories if m["memoryType"] == "PROSPECTIVE")
    assert prospective["prospective"]["status"] and prospective["lifecycle"]["state"] == "active"
    # Coach-creator sessions: no TTL, soft-deleted ones hidden unless asked for.
    sessions = _nodes(viewer["coachCreatorSessions"])
    assert viewer["coachCreatorSessions"]["totalCount"] == 1
    assert viewer["allSessions"]["totalCount"] == 2
    assert sessions[0]["title"] == "Hyrox race coach" and sessions[0]["todoList"]


async def test_the_read_graph_before_and_after_the_migration(app_api: Api) -> None:
    before = await app_api.gql(GRAPH, user=DANA)
    assert "errors" not in before, before["errors"]
    _check_graph(before["data"]["viewer"])

    health = (await app_api.http.get("/healthz")).json()
    assert health["accelerators"] == {"listsIndex": False, "claims": False, "stream": False}

    await _migrate(app_api)
    health = (await app_api.http.get("/healthz")).json()
    assert health["accelerators"] == {"listsIndex": True, "claims": True, "stream": True}
    after = await app_api.gql(GRAPH, user=DANA)
    assert "errors" not in after, after["errors"]
    assert after["data"] == before["data"]
    # The other athlete sees only their own.
    sam = await app_api.gql("{ viewer { username workouts { totalCount } } }", user=SAM)
    assert sam["data"]["viewer"] == {"username": "sam_second", "workouts": {"totalCount": 4}}


DASHBOARD = """{ viewer { userId displayName
    coaches(first: 10) { edges { node { coachId name } } }
    conversations(first: 10) { edges { node { conversationId title
        coach { name } summary { summaryText } } } }
    workouts(first: 2) { edges { node { workoutId workoutName coaches { name } } } }
    memories(first: 10) { edges { node { content coach { name } } } } } }"""


async def test_reads_cost_more_before_the_migration_and_the_floor_after(app_api: Api) -> None:
    before = await app_api.gql(DASHBOARD, user=DANA)
    assert "errors" not in before, before["errors"]
    # Without the lists index every workout is read for a page of two.
    read_before = cost(before)["dynamodb"]["itemsRead"]
    await _migrate(app_api)
    after = await app_api.gql(DASHBOARD, user=DANA)
    assert after["data"] == before["data"]
    dynamodb = cost(after)["dynamodb"]
    assert dynamodb["calls"] <= 6 and dynamodb["waves"] <= 2
    assert dynamodb["itemsRead"] < read_before


async def test_lookups_are_case_insensitive_with_and_without_claims(app_api: Api) -> None:
    admin = app_api.token("ops", **ADMIN)
    for migrated in (False, True):
        if migrated:
            await _migrate(app_api)
        by_email = await app_api.gql(
            '{ admin { userByEmail(email: "dana.demo@EXAMPLE.com") { userId } } }',
            headers={"Authorization": f"Bearer {admin}"},
        )
        assert by_email["data"]["admin"]["userByEmail"] == {"userId": DANA}
        public = await app_api.gql('{ publicProfile(username: "danademo_88") { username } }')
        assert public["data"]["publicProfile"] == {"username": "DanaDemo_88"}
        taken = await app_api.gql(
            '{ a: usernameAvailable(username: "DANADEMO_88") '
            'b: usernameAvailable(username: "nobody_yet") }',
            user=SAM,
        )
        assert taken["data"] == {"a": False, "b": True}
        # A sign-up cannot take a name a profile the app wrote holds, in any case.
        signup = await app_api.gql(
            """mutation { createProfile(input: {username: "danaDEMO_88",
                email: "someone@example.com"}) { user { userId } } }""",
            user=f"newcomer-{migrated}",
        )
        assert signup["errors"][0]["extensions"] == {
            "code": "BAD_USER_INPUT",
            "field": ["input", "username"],
        }


async def _item(api: Api, pk: str, sk: str) -> dict[str, Any]:
    item = await api.runtime.stores.table.get(pk, sk, consistent=True)
    assert item is not None
    return item


def _changed(before: dict[str, Any], after: dict[str, Any]) -> set[str]:
    """The stored paths a write changed (set or removed), dotted."""
    changes = diff(before, after)
    return {".".join(p) for p in [*changes.set, *changes.remove]}


def _first(entity_type: str, user: str = DANA, **where: Any) -> dict[str, Any]:
    for item in app_items.items_for(user):
        attrs = item["attributes"]
        if item["entityType"] == entity_type and all(attrs.get(k) == v for k, v in where.items()):
            return copy.deepcopy(item)
    raise LookupError(entity_type)


async def _mutate(api: Api, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    body = await api.gql(query, variables, user=DANA)
    assert "errors" not in body, body["errors"]
    data: dict[str, Any] = body["data"]
    return data


@pytest.mark.parametrize("migrated", [False, True], ids=["seed-table", "migrated"])
async def test_updates_of_app_items_change_only_what_they_say(app_api: Api, migrated: bool) -> None:
    """Everything the API does not model survives every update, byte for byte."""
    if migrated:
        await _migrate(app_api)
    pk = f"user#{DANA}"
    coach = _first("coachConfig", status="active")
    conversation = _first("coachConversation", mode="chat")
    workout = _first("workout", workoutId=_workout_id("olympic_weightlifting"))
    memory = _first("userMemory", memoryType="prospective")
    session = _first("coachCreatorSession", title="Hyrox race coach")
    profile = _first("user")
    # One (bookkeeping) attribute every write of ours maintains beside what it changes.
    ours = {"version", "updatedAt", "listsk"}

    cases: list[tuple[dict[str, Any], str, dict[str, Any], set[str]]] = [
        (
            profile,
            """mutation($i: UpdateProfileInput!) {
              updateProfile(input: $i) { user { nickname } } }""",
            {"expectedVersion": 1, "nickname": "DD", "preferences": {"unitSystem": "metric"}},
            {"attributes.nickname", "attributes.preferences.unitSystem"},
        ),
        (
            coach,
            """mutation($i: UpdateCoachInput!) { updateCoach(input: $i) { coach { name } } }""",
            {"coachId": coach["attributes"]["coach_id"], "expectedVersion": 1, "name": "Vesper 2"},
            {"attributes.coach_name"},
        ),
        (
            conversation,
            """mutation($i: UpdateConversationInput!) {
              updateConversation(input: $i) { conversation { title } } }""",
            {
                "conversationId": conversation["attributes"]["conversationId"],
                "coachId": conversation["attributes"]["coachId"],
                "expectedVersion": 1,
                "title": "Renamed",
            },
            {"attributes.title"},
        ),
        (
            workout,
            """mutation($i: UpdateWorkoutInput!) {
              updateWorkout(input: $i) { workout { location } } }""",
            {
                "workoutId": workout["attributes"]["workoutId"],
                "expectedVersion": 1,
                "location": "box",
            },
            {"attributes.workoutData.location"},
        ),
        (
            memory,
            """mutation($i: UpdateMemoryInput!) {
              updateMemory(input: $i) { memory { content } } }""",
            {"memoryId": memory["attributes"]["memoryId"], "expectedVersion": 1, "content": "x"},
            {"attributes.content"},
        ),
        (
            memory,
            """mutation($i: RecordMemoryUseInput!) { recordMemoryUse(input: $i) {
              memory { usageCount } } }""",
            {"memoryId": memory["attributes"]["memoryId"]},
            {
                "attributes.metadata.usageCount",
                "attributes.metadata.lastUsed",
                "attributes.content",
            },
        ),
        (
            session,
            """mutation($i: AnswerCoachCreatorQuestionInput!) {
              answerCoachCreatorQuestion(input: $i) { session { questionsAnswered } } }""",
            {
                "sessionId": session["attributes"]["sessionId"],
                "expectedVersion": 1,
                "questionId": 1,
                "userResponse": "Sub-75 Hyrox",
            },
            {
                "attributes.responses",
                "attributes.questionsAnswered",
                "attributes.currentQuestion",
                "attributes.questionHistoryCount",
                "attributes.lastActivity",
                "attributes.sessionProgress",
                "attributes.detectedSignals",
                "attributes.lastQuestionTopic",
                "attributes.nextQuestionTopic",
                "attributes.sophisticationLevel",
                "attributes.history",
                "attributes.s3Key",
                "attributes.s3Bucket",
                # The answer joins the app's transcript of the intake (its chat replays it).
                "attributes.conversationHistory",
            },
        ),
    ]
    for item, query, variables, allowed in cases:
        before = await _item(app_api, item["pk"], item["sk"])
        await _mutate(app_api, query, {"i": variables})
        after = await _item(app_api, item["pk"], item["sk"])
        changed = _changed(before, after) - ours
        assert changed <= allowed, (item["entityType"], changed - allowed)
        assert changed, item["entityType"]
    # The app's own top-level and nested extras are all still there.
    final = await _item(app_api, pk, workout["sk"])
    assert final["gsi1pk"] == workout["gsi1pk"] and final["gsi2pk"] == workout["gsi2pk"]
    assert final["attributes"]["insights"] == workout["attributes"]["insights"]


def _workout_id(discipline: str) -> str:
    for item in app_items.items_for(DANA):
        attrs = item["attributes"]
        if item["entityType"] == "workout" and attrs["workoutData"]["discipline"] == discipline:
            return str(attrs["workoutId"])
    raise LookupError(discipline)


async def test_creates_on_app_data_and_appends_to_app_conversations(app_api: Api) -> None:
    coach = _first("coachConfig", status="active")
    coach_id = coach["attributes"]["coach_id"]
    conversation = _first("coachConversation", mode="chat")
    before = await _item(app_api, coach["pk"], coach["sk"])
    data = await _mutate(
        app_api,
        """mutation($c: ID!) {
          log: logWorkout(input: {completedAt: "2026-05-20T07:00:00Z", workoutName: "Row",
              discipline: HYBRID, coachIds: [$c]}) { workout { coachNames } }
          memo: createMemory(input: {content: "Likes rowing", memoryType: PREFERENCE,
              coachId: $c}) { memory { coach { name } } }
          conv: startConversation(input: {coachId: $c, title: "New"}) {
              conversation { coach { name } } } }""",
        {"c": coach_id},
    )
    assert data["log"]["workout"]["coachNames"] == ["Vesper_The_Barbell_Architect"]
    assert data["memo"]["memory"]["coach"]["name"] == "Vesper_The_Barbell_Architect"
    after = await _item(app_api, coach["pk"], coach["sk"])
    # Starting a conversation counts it on the coach, and touches nothing else there.
    assert _changed(before, after) == {"attributes.metadata.total_conversations"}

    conv_before = await _item(app_api, conversation["pk"], conversation["sk"])
    await _mutate(
        app_api,
        """mutation($i: SendMessageInput!) { sendMessage(input: $i) { conversation {
            totalMessages } } }""",
        {
            "i": {
                "conversationId": conversation["attributes"]["conversationId"],
                "coachId": coach_id,
                "messages": [{"role": "USER", "content": "Done my row"}],
            }
        },
    )
    conv_after = await _item(app_api, conversation["pk"], conversation["sk"])
    old_messages = conv_before["attributes"]["messages"]
    assert conv_after["attributes"]["messages"][: len(old_messages)] == old_messages
    assert _changed(conv_before, conv_after) - {"version", "updatedAt", "listsk"} <= {
        "attributes.messages",
        "attributes.metadata.totalMessages",
        "attributes.metadata.lastActivity",
    }


async def test_export_and_delete_account_cover_everything_the_athlete_owns(
    app_api: Api,
) -> None:
    owned = app_items.items_for(DANA)
    body = await app_api.gql(
        "mutation { requestDataExport { itemCount objectCount export { content } } }", user=DANA
    )
    assert "errors" not in body, body["errors"]
    export = body["data"]["requestDataExport"]
    assert export["itemCount"] == len(owned)
    exported = {(i["pk"], i["sk"]) for i in export["export"]["content"]["items"]}
    assert exported == {(i["pk"], i["sk"]) for i in owned}  # unmodeled types included
    assert set(app_items.s3_objects(DANA)) <= set(export["export"]["content"]["objects"])

    deleted = await app_api.gql(
        'mutation { deleteAccount(input: {confirm: "DELETE"}) { deletedItemCount } }', user=DANA
    )
    assert "errors" not in deleted, deleted["errors"]
    table = app_api.runtime.stores.table
    for item in owned:
        assert await table.get(item["pk"], item["sk"], consistent=True) is None, item["sk"]
    s3 = app_api.runtime.clients.s3
    for key in app_items.s3_objects(DANA):
        listed = await s3.list_objects_v2(Bucket=app_api.settings.bucket, Prefix=key)
        assert listed["KeyCount"] == 0, key
    # Sam's data is untouched.
    for item in app_items.items_for(SAM):
        assert await table.get(item["pk"], item["sk"], consistent=True) is not None
    for key in app_items.s3_objects(SAM):
        listed = await s3.list_objects_v2(Bucket=app_api.settings.bucket, Prefix=key)
        assert listed["KeyCount"] == 1, key


async def _eventually(check: Any, tries: int = 200) -> None:
    """Poll (the indexer follows the stream); bounded so a test that fails does end."""
    for _ in range(tries):
        if await check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the indexer did not catch up")


async def test_the_indexer_keeps_accelerators_true_for_what_the_app_writes_later(
    app_api: Api,
) -> None:
    await _migrate(app_api)
    table = app_api.runtime.stores.table
    # The app logs a workout (no listsk) and signs a new athlete up (no claims).
    workout = _first("workout", workoutId=_workout_id("running"))
    workout["sk"] = "workout#workout_late"
    workout["attributes"]["workoutId"] = "workout_late"
    workout["attributes"]["completedAt"] = "2026-05-30T06:00:00.000Z"
    await table.put(workout)
    profile = _first("user", user=SAM)
    profile["pk"] = "user#late-joiner"
    profile["attributes"].update(userId="late-joiner", username="Late_Joiner", email="Late@X.io")
    profile["gsi1pk"], profile["gsi2pk"] = "email#Late@X.io", "username#Late_Joiner"
    await table.put(profile)

    async def listed() -> bool:
        body = await app_api.gql(
            "{ viewer { workouts(first: 1) { edges { node { workoutId } } } } }", user=DANA
        )
        return bool(
            body["data"]["viewer"]["workouts"]["edges"][0]["node"]["workoutId"] == "workout_late"
        )

    await _eventually(listed)

    async def claimed() -> bool:
        return await table.get("unique#username#late_joiner", "unique", consistent=True) is not None

    await _eventually(claimed)
    # The app renames the athlete: the old name is released, the new one claimed.
    profile["attributes"]["username"], profile["gsi2pk"] = "Early_Bird", "username#Early_Bird"
    await table.put(profile)

    async def moved() -> bool:
        old = await table.get("unique#username#late_joiner", "unique", consistent=True)
        new = await table.get("unique#username#early_bird", "unique", consistent=True)
        return old is None and new is not None

    await _eventually(moved)


async def test_the_indexer_never_claims_a_name_given_up_while_it_looked(app_api: Api) -> None:
    """The indexer reads the profile, then writes its claims: a rename committing in
    between (deterministically here, inside its read) must not leave the old name claimed."""
    await _migrate(app_api)
    stores = app_api.runtime.stores
    old_image = await stores.table.get(f"user#{SAM}", "profile", consistent=True)
    assert old_image is not None
    old_name = str(old_image["attributes"]["username"]).lower()

    class RenameDuringRead(Table):
        async def get(self, pk: str, sk: str, *, consistent: bool = False) -> Any:
            seen = await super().get(pk, sk, consistent=consistent)
            if sk == "profile" and pk == f"user#{SAM}":
                body = await app_api.gql(
                    "mutation($i: UpdateProfileInput!) { updateProfile(input: $i) { user { "
                    "username } } }",
                    {
                        "i": {
                            "expectedVersion": int((seen or {}).get("version", 1)),
                            "username": "renamed",
                        }
                    },
                    user=SAM,
                )
                assert "errors" not in body, body
            return seen

    table = RenameDuringRead(stores.table.client, stores.table.name)
    change = Change("INSERT", (f"user#{SAM}", "profile"), None, old_image, "1", 0.0)
    await Indexer(table).apply([change])
    assert await stores.table.get(f"unique#username#{old_name}", "unique", consistent=True) is None
    assert await stores.table.get("unique#username#renamed", "unique", consistent=True)
