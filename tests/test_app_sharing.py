"""Sharing the table with NeonPanda's app: no write of this API may silently drop one of
the app's, and what the app reads stays whole.

NeonPanda's app writes by reading an item and putting it back whole, with no condition and
without moving `version`, but always with a new `updatedAt`
(amplify/dynamodb/coach-conversation.ts:258-354). These tests land such a write between
this API's read and its write (a botocore hook on the API's own read) and check that the
app's change survives.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from app import create_app
from datasources.aws import AwsClients
from devserver.engine import ENGINE_CREDENTIALS, EmbeddedEngine
from tests import app_items
from tests.conftest import Api, _serve, cost, make_settings
from tests.faults import after_call
from tests.item_diff import changed_paths, outside

START = """mutation($input: StartConversationInput!) { startConversation(input: $input) {
    conversation { conversationId version } } }"""
SEND = """mutation($input: SendMessageInput!) { sendMessage(input: $input) {
    conversation { totalMessages } } }"""
READ = """query($id: ID!, $first: Int, $after: String) { viewer {
    conversation(conversationId: $id) { totalMessages title
      messages(first: $first, after: $after) {
        edges { node { messageId content } } pageInfo { hasNextPage endCursor } } } } }"""
UPDATE = """mutation($input: UpdateConversationInput!) { updateConversation(input: $input) {
    conversation { title version } } }"""

_serializer, _deserializer = TypeSerializer(), TypeDeserializer()


class AppWriter:
    """NeonPanda's app's way of writing, with a plain boto3 client on the engine: read the
    item, change it, put it back whole (no condition, `version` untouched, a new
    `updatedAt`)."""

    def __init__(self, engine: EmbeddedEngine, table: str) -> None:
        self.table = table
        self.client = boto3.client(
            "dynamodb",
            endpoint_url=engine.endpoint_url,
            region_name="us-east-1",
            **ENGINE_CREDENTIALS,
        )

    def rewrite(self, key: tuple[str, str], change: Callable[[dict[str, Any]], None]) -> None:
        found = self.client.get_item(
            TableName=self.table, Key={"pk": {"S": key[0]}, "sk": {"S": key[1]}}
        )
        item = {k: _deserializer.deserialize(v) for k, v in found["Item"].items()}
        change(item)
        item["updatedAt"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
        self.client.put_item(
            TableName=self.table, Item={k: _serializer.serialize(v) for k, v in item.items()}
        )

    def append_message(self, key: tuple[str, str], message_id: str, content: str) -> None:
        def append(item: dict[str, Any]) -> None:
            attributes = item["attributes"]
            attributes["messages"].append(
                {
                    "id": message_id,
                    "role": "assistant",
                    "content": content,
                    "timestamp": "2026-12-01T10:00:00.000Z",
                }
            )
            attributes["metadata"]["totalMessages"] = len(attributes["messages"])

        self.rewrite(key, append)


@contextmanager
def between_read_and_write(
    api: Api, key: tuple[str, str], action: Callable[[], None]
) -> Iterator[list[int]]:
    """Run `action` once, right after the API's first read of `key` (before its write)."""
    fired: list[int] = []

    def mutate(parsed: dict[str, Any]) -> None:
        item = parsed.get("Item") or {}
        here = (item.get("pk", {}).get("S"), item.get("sk", {}).get("S"))
        if here == key and not fired:
            fired.append(1)
            action()

    with after_call(api.runtime.stores.table.client, "GetItem", mutate):
        yield fired


def _message_batch(start: int, n: int, size: int) -> list[dict[str, Any]]:
    return [
        {"messageId": f"m{i:05d}", "role": "USER", "content": f"message {i} " + "x" * size}
        for i in range(start, start + n)
    ]


async def _all_messages(api: Api, conversation_id: str) -> list[str]:
    seen: list[str] = []
    after = None
    while True:
        page = await api.gql(READ, {"id": conversation_id, "first": 100, "after": after})
        connection = page["data"]["viewer"]["conversation"]["messages"]
        seen += [e["node"]["messageId"] for e in connection["edges"]]
        if not connection["pageInfo"]["hasNextPage"]:
            return seen
        after = connection["pageInfo"]["endCursor"]


async def _start(api: Api) -> tuple[str, tuple[str, str]]:
    body = await api.gql(START, {"input": {"coachId": "demo_coach_1", "title": "Long"}})
    conversation_id = body["data"]["startConversation"]["conversation"]["conversationId"]
    return conversation_id, ("user#demo", f"coachConversation#demo_coach_1#{conversation_id}")


async def _send(api: Api, conversation_id: str, messages: list[dict[str, Any]]) -> dict[str, Any]:
    body = await api.gql(
        SEND,
        {
            "input": {
                "conversationId": conversation_id,
                "coachId": "demo_coach_1",
                "messages": messages,
            }
        },
    )
    return body


async def test_an_app_append_between_the_archives_read_and_write_is_kept(
    demo_api: Api, engine: EmbeddedEngine
) -> None:
    """The archive rewrites the message list: had it been conditioned on `version` alone
    (which the app never moves), the app's message appended meanwhile would be lost."""
    conversation_id, key = await _start(demo_api)
    for start in range(0, 500, 50):
        assert "errors" not in await _send(demo_api, conversation_id, _message_batch(start, 50, 20))
    app = AppWriter(engine, demo_api.settings.table_name)
    with between_read_and_write(
        demo_api, key, lambda: app.append_message(key, "from-the-app", "written by the app")
    ) as fired:
        # The 501st message: past ARCHIVE_COUNT, so this send archives.
        body = await _send(demo_api, conversation_id, _message_batch(500, 1, 20))
    assert fired == [1]
    assert "errors" not in body, body
    assert cost(body)["s3"]["puts"] >= 1  # it did archive (after a second read)
    messages = await _all_messages(demo_api, conversation_id)
    assert "from-the-app" in messages and "m00500" in messages
    assert len(messages) == 502


async def test_without_the_archive_the_item_holds_every_message(
    engine: EmbeddedEngine, aws: AwsClients, tmp_path: Path, demo_snapshot: Path
) -> None:
    """Where the app shares the table (the default with AWS settings) no message leaves the
    item: the app's chat context and totals see every one; past DynamoDB's limit a send
    is refused, nothing written."""
    from datasources.content import ContentStore
    from datasources.table import Table
    from devserver.snapshot import Snapshotter

    settings = make_settings(tmp_path, message_archive=False)
    await Snapshotter(
        Table(aws.dynamodb, settings.table_name),
        ContentStore(aws.s3, settings.bucket),
        demo_snapshot,
    ).restore()
    async for api in _serve(create_app(settings, engine=engine), settings):
        conversation_id, key = await _start(api)
        for start in range(0, 600, 50):
            body = await _send(api, conversation_id, _message_batch(start, 50, 20))
            assert "errors" not in body, body
            assert cost(body)["s3"]["puts"] == 0
        stored = await aws.dynamodb.get_item(
            TableName=settings.table_name, Key={"pk": {"S": key[0]}, "sk": {"S": key[1]}}
        )
        attributes = stored["Item"]["attributes"]["M"]
        assert len(attributes["messages"]["L"]) == 600
        assert "messageArchive" not in attributes
        # Past 400 KB: refused, with the input named, and nothing written.
        big = await _send(api, conversation_id, _message_batch(600, 50, 9_000))
        error = big["errors"][0]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", error
        after = await api.gql(READ, {"id": conversation_id, "first": 1})
        assert after["data"]["viewer"]["conversation"]["totalMessages"] == 600


async def test_an_app_write_between_read_and_write_is_a_conflict_not_an_overwrite(
    demo_api: Api, engine: EmbeddedEngine
) -> None:
    conversation_id, key = await _start(demo_api)
    app = AppWriter(engine, demo_api.settings.table_name)

    def app_renames() -> None:
        app.rewrite(key, lambda item: item["attributes"].update(title="Renamed by the app"))

    update = {
        "conversationId": conversation_id,
        "coachId": "demo_coach_1",
        "expectedVersion": 1,
        "tags": ["strength"],
    }
    with between_read_and_write(demo_api, key, app_renames) as fired:
        body = await demo_api.gql(UPDATE, {"input": update})
    assert fired == [1]
    assert body["errors"][0]["extensions"] == {"code": "CONFLICT", "currentVersion": 1}
    # The retry (same expected version: the app never moves it) lands, keeping the app's
    # title beside the API's tags.
    retried = await demo_api.gql(UPDATE, {"input": update})
    assert retried["data"]["updateConversation"]["conversation"] == {
        "title": "Renamed by the app",
        "version": 2,
    }


async def test_new_conversations_carry_the_apps_keys(demo_api: Api, aws: AwsClients) -> None:
    body = await demo_api.gql(START, {"input": {"coachId": "demo_coach_1"}})
    conversation_id = body["data"]["startConversation"]["conversation"]["conversationId"]
    stored = await aws.dynamodb.get_item(
        TableName=demo_api.settings.table_name,
        Key={
            "pk": {"S": "user#demo"},
            "sk": {"S": f"coachConversation#demo_coach_1#{conversation_id}"},
        },
    )
    attributes = {
        k: _deserializer.deserialize(v) for k, v in stored["Item"]["attributes"]["M"].items()
    }
    # create-coach-conversation/handler.ts:38-70: startedAt, chat mode, a default title.
    assert attributes["metadata"]["startedAt"] == attributes["metadata"]["createdAt"]
    assert attributes["mode"] == "chat" and attributes["title"] == "New Conversation"
    assert json.dumps(attributes, default=str).count("null") == 0


@pytest.mark.parametrize("archive", [None, False, True])
def test_the_archive_is_on_only_where_no_app_shares_the_table(
    tmp_path: Path, archive: bool | None
) -> None:
    embedded = make_settings(tmp_path, message_archive=archive)
    aws_like = make_settings(tmp_path, message_archive=archive, use_aws=True, dev_auth=False)
    expected_embedded = True if archive is None else archive
    expected_aws = False if archive is None else archive
    assert embedded.message_archive_enabled is expected_embedded
    assert aws_like.message_archive_enabled is expected_aws


# -- round trips on the app's own items ------------------------------------------------------

DANA = app_items.ATHLETE


async def _raw(api: Api, pk: str, sk: str) -> dict[str, Any]:
    table = api.runtime.stores.table
    item = await table.get(pk, sk, consistent=True)
    assert item is not None, (pk, sk)
    return item


def _app_item(entity_type: str, *, having: str | None = None) -> dict[str, Any]:
    """The first item of the athlete's of that type (and holding `having`, when given)."""
    return next(
        i
        for i in app_items.items_for(DANA)
        if i["entityType"] == entity_type and (having is None or having in i["attributes"])
    )


def _kept(old: dict[str, Any], new: dict[str, Any], allowed: set[str]) -> set[str]:
    """Paths of `old` that changed or went missing, outside `allowed` (new keys are
    allowed: this API's own bookkeeping beside the app's)."""
    gone_or_changed = {
        p for p in changed_paths(old, new) if _present(old, p) and not _grows(old, new, p)
    }
    return outside(gone_or_changed, allowed | {"updatedAt", "version", "listsk"})


def _present(item: Any, path: str) -> bool:
    for part in path.split("."):
        if not isinstance(item, dict) or part not in item:
            return False
        item = item[part]
    return True


def _grows(old: dict[str, Any], new: dict[str, Any], path: str) -> bool:
    """A list that only gained items at its end (an append)."""
    a: Any = old
    b: Any = new
    for part in path.split("."):
        a, b = (
            a.get(part) if isinstance(a, dict) else None,
            b.get(part) if isinstance(b, dict) else None,
        )
    return isinstance(a, list) and isinstance(b, list) and b[: len(a)] == a


async def test_update_profile_on_the_apps_profile_changes_only_what_it_names(
    app_api: Api,
) -> None:
    before = await _raw(app_api, f"user#{DANA}", "profile")
    body = await app_api.gql(
        "mutation($i: UpdateProfileInput!) { updateProfile(input: $i) { user { version } } }",
        {"i": {"expectedVersion": 1, "nickname": "D", "preferences": {"units": "metric"}}},
        user=DANA,
    )
    assert "errors" not in body, body
    after = await _raw(app_api, f"user#{DANA}", "profile")
    assert (
        outside(
            changed_paths(before, after),
            {"attributes.nickname", "attributes.preferences.units", "updatedAt", "version"},
        )
        == set()
    )


async def test_a_summary_saved_over_the_apps_keeps_what_it_does_not_name(app_api: Api) -> None:
    stored = _app_item("conversationSummary", having="narrative")
    key = (stored["pk"], stored["sk"])
    attributes = stored["attributes"]
    before = await _raw(app_api, *key)
    body = await app_api.gql(
        """mutation($i: SaveConversationSummaryInput!) { saveConversationSummary(input: $i) {
            summary { summaryText narrative structuredData { currentGoals keyInsights
              keyFacts { currentGoals } } complexityIndicators } } }""",
        {
            "i": {
                "conversationId": attributes["conversationId"],
                "coachId": attributes["coachId"],
                "summaryText": "A new narrative",
                "structuredData": {"currentGoals": ["sub-3 marathon"]},
                "confidence": 0.8,
            }
        },
        user=DANA,
    )
    assert "errors" not in body, body
    summary = body["data"]["saveConversationSummary"]["summary"]
    assert summary["summaryText"] == summary["narrative"] == "A new narrative"
    assert summary["structuredData"]["currentGoals"] == ["sub-3 marathon"]
    assert summary["structuredData"]["keyFacts"]["currentGoals"] == ["sub-3 marathon"]
    assert summary["structuredData"]["keyInsights"] == attributes["structuredData"]["key_insights"]
    after = await _raw(app_api, *key)
    assert (
        outside(
            changed_paths(before, after),
            {
                "attributes.narrative",
                "attributes.structuredData.current_goals",
                "attributes.metadata.createdAt",
                "attributes.metadata.confidence",
                "updatedAt",
                "version",
                "listsk",
            },
        )
        == set()
    )
    if "complexityIndicators" in attributes["metadata"]:
        assert summary["complexityIndicators"] == attributes["metadata"]["complexityIndicators"]


async def test_answering_in_the_apps_session_keeps_its_model(app_api: Api) -> None:
    stored = _app_item("coachCreatorSession")
    open_ = next(
        i
        for i in app_items.items_for(DANA)
        if i["entityType"] == "coachCreatorSession" and not i["attributes"].get("isComplete")
    )
    key = (open_["pk"], open_["sk"])
    before = await _raw(app_api, *key)
    body = await app_api.gql(
        """mutation($i: AnswerCoachCreatorQuestionInput!) { answerCoachCreatorQuestion(input: $i) {
            session { conversationHistory { role content } intake { field status } } } }""",
        {
            "i": {
                "sessionId": open_["attributes"]["sessionId"],
                "expectedVersion": 1,
                "questionId": 3,
                "userResponse": "Three mornings a week",
                "aiResponse": "Great, mornings it is.",
            }
        },
        user=DANA,
    )
    assert "errors" not in body, body
    session = body["data"]["answerCoachCreatorQuestion"]["session"]
    assert session["conversationHistory"][-2:] == [
        {"role": "USER", "content": "Three mornings a week"},
        {"role": "ASSISTANT", "content": "Great, mornings it is."},
    ]
    assert {i["field"] for i in session["intake"]} >= {"primaryGoals", "sessionDuration"}
    after = await _raw(app_api, *key)
    assert _kept(before, after, {"attributes.lastActivity"}) == set()
    assert stored is not None


async def test_the_apps_built_coach_is_the_sessions_generated_coach(app_api: Api) -> None:
    done = next(
        i
        for i in app_items.items_for(DANA)
        if i["entityType"] == "coachCreatorSession"
        and (i["attributes"].get("configGeneration") or {}).get("coachConfigId")
    )
    coach_id = done["attributes"]["configGeneration"]["coachConfigId"]
    body = await app_api.gql(
        """query($id: ID!) { viewer { coachCreatorSession(sessionId: $id) {
            generatedCoachId build { status coachId } generatedCoach { coachId } } } }""",
        {"id": done["attributes"]["sessionId"]},
        user=DANA,
    )
    session = body["data"]["viewer"]["coachCreatorSession"]
    assert session["generatedCoachId"] == coach_id == session["build"]["coachId"]
    assert session["generatedCoach"] == {"coachId": coach_id}


async def test_a_memory_delete_says_what_it_cannot_reach(app_api: Api) -> None:
    memory = _app_item("userMemory")
    body = await app_api.gql(
        """mutation($i: DeleteMemoryInput!) { deleteMemory(input: $i) {
            deletedMemoryId notDeleted { store what } } }""",
        {"i": {"memoryId": memory["attributes"]["memoryId"], "expectedVersion": 1}},
        user=DANA,
    )
    payload = body["data"]["deleteMemory"]
    assert payload["notDeleted"][0]["store"] == "Pinecone"


async def test_the_plan_is_the_apps_subscription_item(app_api: Api) -> None:
    """`plan` reads the app's billing item (never the profile's copy), beside the profile in
    one batch; no Stripe id leaves the server; an athlete without one is on the free plan."""
    query = """{ viewer { username plan { subscribed tier tierName status currentPeriodEnd
        cancelAtPeriodEnd foundingMember priceLocked } } }"""
    body = await app_api.gql(query, user=DANA)
    plan = body["data"]["viewer"]["plan"]
    assert plan == {
        "subscribed": True,
        "tier": "ELECTRIC",
        "tierName": "electric",
        "status": "ACTIVE",
        "currentPeriodEnd": "2026-06-01T12:00:00.000Z",
        "cancelAtPeriodEnd": False,
        "foundingMember": True,
        "priceLocked": True,
    }
    assert "stripe" not in json.dumps(body).lower()
    assert cost(body)["dynamodb"]["byOperation"] == {"BatchGetItem": 1}


async def test_without_a_subscription_item_the_plan_is_free(demo_api: Api) -> None:
    free = await demo_api.gql("{ viewer { plan { subscribed tier status } } }")
    assert free["data"]["viewer"]["plan"] == {"subscribed": False, "tier": "FREE", "status": None}
