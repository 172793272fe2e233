"""Contact form (no token), data export, account deletion (resumable)."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from boto3.dynamodb.conditions import Key

from datasources.aws import AwsClients
from datasources.stores import contact
from tests.conftest import Api, cost
from tests.faults import FaultPlan

CONTACT = """mutation($input: SubmitContactFormInput!) { submitContactForm(input: $input) {
    submittedAt duplicate } }"""
EXPORT = """mutation { requestDataExport { itemCount objectCount
    export { key sizeBytes sha256 downloadUrl content } } }"""
DELETE = """mutation { deleteAccount(input: {confirm: "DELETE"}) {
    deletedItemCount deletedObjectCount } }"""


async def test_contact_form_needs_no_token_and_collapses_duplicates(demo_api: Api) -> None:
    form = {"email": "Fan@Example.com", "subject": "Hi", "message": "Love it", "firstName": "F"}
    first = await demo_api.gql(CONTACT, {"input": form}, user=None)
    assert first["data"]["submitContactForm"]["duplicate"] is False
    again = await demo_api.gql(CONTACT, {"input": {**form, "email": "fan@example.com"}}, user=None)
    assert again["data"]["submitContactForm"] == {
        "submittedAt": first["data"]["submitContactForm"]["submittedAt"],
        "duplicate": True,
    }
    other = await demo_api.gql(CONTACT, {"input": {**form, "message": "Another thing"}}, user=None)
    assert other["data"]["submitContactForm"]["duplicate"] is False
    runtime = demo_api.runtime
    page = await runtime.stores.table.query(Key("pk").eq("contactForm#fan@example.com"))
    assert sum(i["entityType"] == "contactForm" for i in page.items) == 2

    bad = await demo_api.gql(CONTACT, {"input": {"email": "nope", "message": "x"}}, user=None)
    assert bad["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": ["input", "email"]}


async def test_contact_forms_in_the_same_millisecond_are_both_stored(
    demo_api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The submission's key is `timestamp#<ms>` (the app's format): a second message for
    the same email in the same millisecond moves to the next free millisecond instead of
    failing (it answered INTERNAL_SERVER_ERROR when two workers took two at once)."""
    frozen = datetime(2026, 11, 26, 12, 0, 0, 123000, tzinfo=UTC)
    monkeypatch.setattr(contact, "utcnow", lambda: frozen)
    form = {"email": "same@example.com", "subject": "Hi"}
    answers = [
        await demo_api.gql(CONTACT, {"input": {**form, "message": f"m{n}"}}, user=None)
        for n in range(3)
    ]
    assert [a.get("errors") for a in answers] == [None] * 3
    stamps = [a["data"]["submitContactForm"]["submittedAt"] for a in answers]
    assert stamps == [
        "2026-11-26T12:00:00.123Z",
        "2026-11-26T12:00:00.124Z",
        "2026-11-26T12:00:00.125Z",
    ]
    page = await demo_api.runtime.stores.table.query(Key("pk").eq("contactForm#same@example.com"))
    stored = {
        i["sk"]: i["attributes"]["message"] for i in page.items if i["entityType"] == "contactForm"
    }
    assert stored == {f"timestamp#{stamp}": f"m{n}" for n, stamp in enumerate(stamps)}
    # The same message again is still a duplicate of the first, not a fourth submission.
    again = await demo_api.gql(CONTACT, {"input": {**form, "message": "m0"}}, user=None)
    assert again["data"]["submitContactForm"] == {"submittedAt": stamps[0], "duplicate": True}


async def test_other_mutations_need_a_token(demo_api: Api) -> None:
    body = await demo_api.gql(EXPORT, user=None)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_export_holds_every_item_and_object(demo_api: Api) -> None:
    body = await demo_api.gql(EXPORT)
    assert "errors" not in body, body["errors"]
    result = body["data"]["requestDataExport"]
    # profile + 2 coaches + 4 conversations + 3 summaries + 32 workouts + 5 memories + 3 sessions
    # + 1 program + 9 exercise rows (of the strength workouts' sets) + 3 of the app's reports
    assert result["itemCount"] == 63
    # 32 workout logs + 4 transcripts + 2 archive chunks + 3 session histories + the
    # program's details (its one current version)
    assert result["objectCount"] == 42
    export = result["export"]
    assert export["key"].startswith("athletes/demo/exports/") and export["key"].endswith(
        "_full_history.json"
    )
    assert {i["sk"] for i in export["content"]["items"]} >= {"profile", "coach#demo_coach_1"}
    assert all(k.startswith("athletes/demo/") for k in export["content"]["objects"])
    async with httpx.AsyncClient() as http:  # the presigned URL works against the engine
        response = await http.get(export["downloadUrl"])
    assert response.status_code == 200


async def test_delete_account_removes_everything_and_resumes(
    demo_api: Api, aws: AwsClients
) -> None:
    runtime = demo_api.runtime
    # Interrupted: the item deletes fail after the objects are gone.
    with FaultPlan(runtime.clients.dynamodb, {"BatchWriteItem": ["5xx", "5xx", "5xx"]}):
        broken = await demo_api.gql(DELETE)
    assert broken["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
    still = await demo_api.gql("{ viewer { username } }")
    assert still["data"]["viewer"] == {"username": "demo"}

    body = await demo_api.gql(DELETE)
    assert "errors" not in body, body["errors"]
    assert body["data"]["deleteAccount"]["deletedItemCount"] >= 50
    assert cost(body)["s3"]["byOperation"].get("DeleteObjects", 0) <= 1

    gone = await demo_api.gql("{ viewer { username } }")
    assert gone["data"]["viewer"] is None
    listed = await aws.s3.list_objects_v2(Bucket=demo_api.settings.bucket, Prefix="athletes/demo/")
    assert listed["KeyCount"] == 0
    free = await demo_api.gql('{ usernameAvailable(username: "demo") }', user="someone")
    assert free["data"]["usernameAvailable"] is True
    other = await demo_api.gql("{ viewer { username workouts { totalCount } } }", user="demo2")
    assert other["data"]["viewer"] == {"username": "demo2", "workouts": {"totalCount": 6}}
