"""Conversations: start, append (with the S3 archive past the size limit), edit, delete,
summaries."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from datasources.aws import AwsClients
from tests.conftest import Api, cost

START = """mutation($input: StartConversationInput!) { startConversation(input: $input) {
    conversation { conversationId title totalMessages version coach { name } } } }"""
SEND = """mutation($input: SendMessageInput!) { sendMessage(input: $input) {
    conversation { totalMessages lastActivity } messages { messageId role } } }"""
READ = """query($id: ID!, $first: Int, $after: String, $last: Int) { viewer {
    conversation(conversationId: $id) { totalMessages
      messages(first: $first, after: $after, last: $last) { totalCount
        edges { node { messageId content } } pageInfo { hasNextPage endCursor } } } } }"""


async def _start(api: Api, **extra: Any) -> dict[str, Any]:
    body = await api.gql(START, {"input": {"coachId": "demo_coach_1", "title": "New", **extra}})
    assert "errors" not in body, body["errors"]
    conversation: dict[str, Any] = body["data"]["startConversation"]["conversation"]
    return conversation


def _batch(start: int, n: int, size: int = 20) -> list[dict[str, Any]]:
    return [
        {
            "messageId": f"m{i:05d}",
            "role": "USER" if i % 2 == 0 else "ASSISTANT",
            "content": f"message {i} " + "x" * size,
        }
        for i in range(start, start + n)
    ]


async def test_start_and_send_update_counts_and_order(demo_api: Api) -> None:
    conv = await _start(demo_api, messages=_batch(0, 2))
    assert conv["totalMessages"] == 2 and conv["coach"] == {"name": "Marcus"}
    body = await demo_api.gql(
        SEND,
        {
            "input": {
                "conversationId": conv["conversationId"],
                "coachId": "demo_coach_1",
                "messages": _batch(2, 3),
            }
        },
    )
    assert body["data"]["sendMessage"]["conversation"]["totalMessages"] == 5
    assert [m["messageId"] for m in body["data"]["sendMessage"]["messages"]] == [
        "m00002",
        "m00003",
        "m00004",
    ]
    # Most recently active first: the new conversation leads the list now.
    listed = await demo_api.gql(
        "{ viewer { conversations(first: 1) { edges { node { "
        'conversationId } } } coach(coachId: "demo_coach_1") { '
        "totalConversations } } }"
    )
    viewer = listed["data"]["viewer"]
    assert viewer["conversations"]["edges"][0]["node"]["conversationId"] == conv["conversationId"]
    assert viewer["coach"]["totalConversations"] == 2 + 1  # two seeded, one new


async def test_concurrent_writers_lose_no_message(demo_api: Api) -> None:
    conv = await _start(demo_api)
    sends = [
        demo_api.gql(
            SEND,
            {
                "input": {
                    "conversationId": conv["conversationId"],
                    "coachId": "demo_coach_1",
                    "messages": _batch(i * 5, 5),
                }
            },
        )
        for i in range(6)
    ]
    results = await asyncio.gather(*sends)
    assert all("errors" not in r for r in results), [r.get("errors") for r in results]
    body = await demo_api.gql(READ, {"id": conv["conversationId"], "first": 100})
    conversation = body["data"]["viewer"]["conversation"]
    assert conversation["totalMessages"] == 30
    ids = [e["node"]["messageId"] for e in conversation["messages"]["edges"]]
    assert sorted(ids) == [f"m{i:05d}" for i in range(30)]


@pytest.mark.slow(seconds=70)
async def test_five_thousand_messages_spill_into_the_archive(
    demo_api: Api, aws: AwsClients
) -> None:
    conv = await _start(demo_api)
    puts = 0
    for start in range(0, 5000, 50):
        body = await demo_api.gql(
            SEND,
            {
                "input": {
                    "conversationId": conv["conversationId"],
                    "coachId": "demo_coach_1",
                    "messages": _batch(start, 50, size=200),
                }
            },
        )
        assert "errors" not in body, body["errors"]
        puts += cost(body)["s3"]["puts"]
    assert puts >= 9  # the oldest messages moved to S3 chunks along the way

    item = await aws.dynamodb.get_item(
        TableName=demo_api.settings.table_name,
        Key={
            "pk": {"S": "user#demo"},
            "sk": {"S": f"coachConversation#demo_coach_1#{conv['conversationId']}"},
        },
    )
    assert len(item["Item"]["attributes"]["M"]["messages"]["L"]) <= 500
    assert len(str(item["Item"])) < 400_000

    first = await demo_api.gql(READ, {"id": conv["conversationId"], "first": 3})
    messages = first["data"]["viewer"]["conversation"]["messages"]
    assert messages["totalCount"] == 5000
    assert [e["node"]["messageId"] for e in messages["edges"]] == ["m00000", "m00001", "m00002"]
    last = await demo_api.gql(READ, {"id": conv["conversationId"], "last": 2})
    tail = last["data"]["viewer"]["conversation"]["messages"]["edges"]
    assert [e["node"]["messageId"] for e in tail] == ["m04998", "m04999"]

    seen: list[str] = []
    after = None
    while True:
        page = await demo_api.gql(
            READ, {"id": conv["conversationId"], "first": 100, "after": after}
        )
        conn = page["data"]["viewer"]["conversation"]["messages"]
        seen += [e["node"]["messageId"] for e in conn["edges"]]
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
    assert seen == [f"m{i:05d}" for i in range(5000)]


async def test_update_and_delete_with_versions(demo_api: Api, aws: AwsClients) -> None:
    update = """mutation($input: UpdateConversationInput!) { updateConversation(input: $input) {
        conversation { title isActive tags version } } }"""
    seeded = await demo_api.gql(
        '{ viewer { conversation(conversationId: "demo_conv_1") { version } } }'
    )
    version = seeded["data"]["viewer"]["conversation"]["version"]
    body = await demo_api.gql(
        update,
        {
            "input": {
                "conversationId": "demo_conv_1",
                "coachId": "demo_coach_1",
                "expectedVersion": version,
                "title": "Renamed",
                "isActive": True,
                "tags": ["x"],
            }
        },
    )
    assert body["data"]["updateConversation"]["conversation"] == {
        "title": "Renamed",
        "isActive": True,
        "tags": ["x"],
        "version": version + 1,
    }

    delete = """mutation($input: DeleteConversationInput!) { deleteConversation(input: $input) {
        deletedConversationId } }"""
    stale = await demo_api.gql(
        delete,
        {
            "input": {
                "conversationId": "demo_conv_1",
                "coachId": "demo_coach_1",
                "expectedVersion": version,
            }
        },
    )
    assert stale["errors"][0]["extensions"]["code"] == "CONFLICT"
    assert stale["errors"][0]["extensions"]["currentVersion"] == version + 1
    body = await demo_api.gql(
        delete,
        {
            "input": {
                "conversationId": "demo_conv_1",
                "coachId": "demo_coach_1",
                "expectedVersion": version + 1,
            }
        },
    )
    assert body["data"]["deleteConversation"] == {"deletedConversationId": "demo_conv_1"}
    after = await demo_api.gql("""{ viewer { conversations { totalCount }
        conversationSummaries { totalCount } } }""")
    assert after["data"]["viewer"] == {
        "conversations": {"totalCount": 3},
        "conversationSummaries": {"totalCount": 2},
    }
    listed = await aws.s3.list_objects_v2(
        Bucket=demo_api.settings.bucket, Prefix="athletes/demo/conversations/demo_conv_1"
    )
    assert listed["KeyCount"] == 0


async def test_save_summary_replaces_and_needs_the_conversation(demo_api: Api) -> None:
    save = """mutation($input: SaveConversationSummaryInput!) {
        saveConversationSummary(input: $input) { summary { summaryId summaryText confidence
          version structuredData { keyFacts { currentGoals } } messageRange { totalMessages }
          conversation { conversationId } } } }"""
    body = await demo_api.gql(
        save,
        {
            "input": {
                "conversationId": "demo_conv_4",
                "coachId": "demo_coach_2",
                "summaryText": "First",
                "confidence": 0.7,
                "structuredData": {"keyFacts": {"currentGoals": ["run 10k"]}},
                "messageRange": {"totalMessages": 12},
            }
        },
    )
    first = body["data"]["saveConversationSummary"]["summary"]
    assert first["version"] == 1 and first["conversation"] == {"conversationId": "demo_conv_4"}
    body = await demo_api.gql(
        save,
        {
            "input": {
                "conversationId": "demo_conv_4",
                "coachId": "demo_coach_2",
                "summaryText": "Second",
            }
        },
    )
    second = body["data"]["saveConversationSummary"]["summary"]
    assert second["summaryId"] == first["summaryId"] and second["version"] == 2
    missing = await demo_api.gql(
        save, {"input": {"conversationId": "nope", "coachId": "demo_coach_2", "summaryText": "x"}}
    )
    assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"
