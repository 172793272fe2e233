"""NeonPanda's app's coach templates (`template#global` / `coachTemplate#<id>`): listed as
the app lists them, and copied into a coach with the popularity moved in the same
transaction, once per idempotency key."""

from __future__ import annotations

from typing import Any

from tests import app_items
from tests.conftest import Api, cost

DANA = app_items.ATHLETE
TEMPLATE = app_items.TEMPLATE_ID
CREATE = """mutation($i: CreateCoachFromTemplateInput!) { createCoachFromTemplate(input: $i) {
    coach { coachId name personality { primaryTemplate } isArchived } } }"""
LIST = """{ coachTemplates { templateId name popularity isActive coachName targetAudience
    personality { primaryTemplate } } }"""


async def _popularity(api: Api) -> int:
    item = await api.runtime.stores.table.get(
        "template#global", f"coachTemplate#{TEMPLATE}", consistent=True
    )
    assert item is not None
    value: Any = item["attributes"]["metadata"]["popularity_score"]
    return int(value)


async def test_templates_are_listed_and_read_as_the_app_has_them(app_api: Api) -> None:
    body = await app_api.gql(LIST, user=DANA)
    (template,) = body["data"]["coachTemplates"]
    stored = next(i for i in app_items.all_items() if i["entityType"] == "coachTemplate")
    assert template["templateId"] == TEMPLATE
    assert template["name"] == stored["attributes"]["template_name"]
    assert template["popularity"] == stored["attributes"]["metadata"]["popularity_score"]
    assert template["coachName"] == stored["attributes"]["base_config"]["coach_name"]
    assert cost(body)["dynamodb"]["calls"] == 1
    one = await app_api.gql(
        "query($id: ID!) { coachTemplate(templateId: $id) { name } missing: coachTemplate("
        'templateId: "nope") { name } }',
        {"id": TEMPLATE},
        user=DANA,
    )
    assert one["data"]["coachTemplate"]["name"] == template["name"]
    assert one["data"]["missing"] is None
    anonymous = await app_api.gql(LIST, user=None)
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_coach_from_a_template_moves_its_popularity_once(app_api: Api) -> None:
    before = await _popularity(app_api)
    variables = {"i": {"templateId": TEMPLATE, "idempotencyKey": "from-template-1"}}
    first = await app_api.gql(CREATE, variables, user=DANA)
    assert "errors" not in first, first
    coach = first["data"]["createCoachFromTemplate"]["coach"]
    assert coach["coachId"].startswith(f"user_{DANA}_coach_")
    assert coach["isArchived"] is False
    # One transaction: the coach, the template's popularity, the marker, the counter.
    assert cost(first)["dynamodb"]["byOperation"].get("TransactWriteItems") == 1
    assert await _popularity(app_api) == before + 1
    # The same key again: the same coach, counted once.
    again = await app_api.gql(CREATE, variables, user=DANA)
    assert again["data"]["createCoachFromTemplate"]["coach"] == coach
    assert await _popularity(app_api) == before + 1
    # The coach is the template's config, as the app copies it, and in the athlete's list.
    listed = await app_api.gql(
        "{ viewer { coaches(first: 50) { edges { node { coachId } } } } }", user=DANA
    )
    ids = [e["node"]["coachId"] for e in listed["data"]["viewer"]["coaches"]["edges"]]
    assert coach["coachId"] in ids
    stored = await app_api.runtime.stores.table.get(
        f"user#{DANA}", f"coach#{coach['coachId']}", consistent=True
    )
    assert stored is not None
    assert stored["attributes"]["metadata"]["total_conversations"] == 0
    assert stored["attributes"]["generated_prompts"]  # the template's own prompts


async def test_an_unknown_or_inactive_template_makes_nothing(app_api: Api) -> None:
    missing = await app_api.gql(CREATE, {"i": {"templateId": "tmpl_nope"}}, user=DANA)
    assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    table = app_api.runtime.stores.table
    key = ("template#global", f"coachTemplate#{TEMPLATE}")
    item = await table.get(*key, consistent=True)
    assert item is not None
    item["attributes"]["metadata"]["is_active"] = False
    await table.put(item)
    inactive = await app_api.gql(CREATE, {"i": {"templateId": TEMPLATE}}, user=DANA)
    assert inactive["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    listed = await app_api.gql(LIST, user=DANA)
    assert listed["data"]["coachTemplates"] == []
