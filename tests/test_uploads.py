"""Uploads end to end: createUploadUrls signs POST targets under the athlete's own
`user-uploads/<userId>/`, a real multipart POST puts the file in the engine's bucket, and a
message or workout that names the key is accepted only when the object is the athlete's and
there, of its slot's kind, type and size (one HeadObject per key, all in one wave).

The embedded engine (moto) does not enforce POST policies: an upload over the signed size
or with another Content-Type is stored anyway (asserted below, so the day it starts
enforcing them this test says so). The signed policy is checked as a document here, and
tests/test_upload_policy.py has an S3 that enforces it refuse those uploads; attaching
re-checks size and type whatever stored the object."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

import httpx

from devserver.engine import EmbeddedEngine
from tests.conftest import Api, cost

URLS = """mutation($i: CreateUploadUrlsInput!) { createUploadUrls(input: $i) {
  expiresInSeconds uploads { key url method fields contentType maxBytes expiresAt fileName } } }"""
SEND = """mutation($i: SendMessageInput!) { sendMessage(input: $i) {
  messages { messageId messageType images { key downloadUrl } documents { key } } } }"""
READ = """query { viewer { conversation(conversationId: "demo_conv_2") {
  messages(last: 1) { edges { node { role messageType images { key downloadUrl }
    documents { key } } } } } } }"""
LOG = """mutation($i: LogWorkoutInput!) { logWorkout(input: $i) {
  workout { workoutId version images { key } } } }"""
UPDATE = """mutation($i: UpdateWorkoutInput!) { updateWorkout(input: $i) {
  workout { version images { key } } } }"""

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 60
PDF = b"%PDF-1.4\n%%EOF\n"


async def _targets(api: Api, files: list[dict[str, Any]], **extra: Any) -> list[dict[str, Any]]:
    body = await api.gql(URLS, {"i": {"files": files, **extra}})
    assert "errors" not in body, body["errors"]
    payload = body["data"]["createUploadUrls"]
    assert payload["expiresInSeconds"] == 300
    targets: list[dict[str, Any]] = payload["uploads"]
    return targets


async def _post(target: dict[str, Any], content: bytes, **override: str) -> httpx.Response:
    """The browser's form upload: the signed fields first, the file last."""
    fields = {**target["fields"], **override}
    async with httpx.AsyncClient() as client:
        return await client.post(
            target["url"], data=fields, files={"file": ("upload", content, target["contentType"])}
        )


async def _upload(api: Api, content_type: str, content: bytes) -> str:
    (target,) = await _targets(api, [{"contentType": content_type, "size": len(content)}])
    response = await _post(target, content)
    assert response.status_code == 204, response.text
    key: str = target["key"]
    return key


def _message(**attachments: Any) -> dict[str, Any]:
    return {
        "conversationId": "demo_conv_2",
        "coachId": "demo_coach_2",
        "messages": [{"role": "USER", "content": "Here is my whiteboard", **attachments}],
    }


def _refusal(body: dict[str, Any]) -> tuple[str, list[Any], str | None]:
    (error,) = body["errors"]
    ext = error["extensions"]
    return ext["code"], ext.get("field"), ext.get("reason")


async def test_upload_through_the_presigned_post_attach_and_read_back(
    demo_api: Api, engine: EmbeddedEngine
) -> None:
    before = datetime.now(UTC)
    image, document = await _targets(
        demo_api,
        [
            {"contentType": "image/png", "size": len(PNG), "fileName": "board.png"},
            {"contentType": "application/pdf", "size": len(PDF)},
        ],
    )
    # Under the athlete's own prefix, the app's key shape, on the configured endpoint.
    for target, ext in ((image, "png"), (document, "pdf")):
        assert target["key"].startswith("user-uploads/demo/") and target["key"].endswith(ext)
        assert len(target["key"].rsplit("/", 1)[1]) == 21 + 1 + len(ext)  # nanoid(21).ext
        assert target["url"] == f"{engine.endpoint_url}/{demo_api.settings.bucket}"
        assert target["method"] == "POST"
        expires = datetime.fromisoformat(target["expiresAt"])
        assert 295 <= (expires - before).total_seconds() <= 330
    assert image["fileName"] == "board.png" and image["maxBytes"] == len(PNG)
    # The signed policy: this key, this type, 1..size bytes, five minutes.
    policy = json.loads(base64.b64decode(image["fields"]["policy"]))
    conditions = policy["conditions"]
    assert {"key": image["key"]} in conditions
    assert {"Content-Type": "image/png"} in conditions
    assert ["content-length-range", 1, len(PNG)] in conditions
    assert {"bucket": demo_api.settings.bucket} in conditions
    expiration = datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
    assert 295 <= (expiration - before).total_seconds() <= 330
    assert image["fields"]["Content-Type"] == "image/png"

    for target, content in ((image, PNG), (document, PDF)):
        response = await _post(target, content)
        assert response.status_code == 204, response.text

    body = await demo_api.gql(
        SEND, {"i": _message(imageS3Keys=[image["key"]], documentS3Keys=[document["key"]])}
    )
    assert "errors" not in body, body["errors"]
    (sent,) = body["data"]["sendMessage"]["messages"]
    assert sent["messageType"] == "text_with_attachments"  # message-utils.ts:101-103
    assert [i["key"] for i in sent["images"]] == [image["key"]]
    # Both objects checked with one HeadObject each, in one wave, before the write.
    s3 = cost(body)["s3"]
    assert s3["byOperation"] == {"HeadObject": 2} and s3["waves"] == 1

    read = await demo_api.gql(READ)
    (edge,) = read["data"]["viewer"]["conversation"]["messages"]["edges"]
    node = edge["node"]
    assert node["role"] == "USER" and node["messageType"] == "text_with_attachments"
    assert [d["key"] for d in node["documents"]] == [document["key"]]
    # The download URL (presigned GET, as every stored content's) gives the bytes back.
    async with httpx.AsyncClient() as client:
        downloaded = await client.get(node["images"][0]["downloadUrl"])
    assert downloaded.status_code == 200 and downloaded.content == PNG
    # As the app stores it (CoachMessage: imageS3Keys, documentS3Keys, messageType).
    item = await demo_api.runtime.stores.table.get(
        "user#demo", "coachConversation#demo_coach_2#demo_conv_2", consistent=True
    )
    assert item is not None
    stored = item["attributes"]["messages"][-1]
    assert stored["imageS3Keys"] == [image["key"]]
    assert stored["documentS3Keys"] == [document["key"]]
    assert stored["messageType"] == "text_with_attachments"


async def test_images_only_is_text_with_images_and_the_check_is_one_wave(demo_api: Api) -> None:
    keys = [await _upload(demo_api, "image/jpeg", b"\xff\xd8\xff" + bytes([n])) for n in range(3)]
    body = await demo_api.gql(SEND, {"i": _message(imageS3Keys=keys)})
    assert "errors" not in body, body["errors"]
    assert body["data"]["sendMessage"]["messages"][0]["messageType"] == "text_with_images"
    s3 = cost(body)["s3"]
    assert s3["byOperation"] == {"HeadObject": 3} and s3["waves"] == 1
    # The same key twice is one HeadObject.
    again = await demo_api.gql(SEND, {"i": _message(imageS3Keys=[keys[0], keys[0]])})
    assert "errors" not in again and cost(again)["s3"]["byOperation"] == {"HeadObject": 1}


async def test_refusals_name_the_key_and_why(demo_api: Api) -> None:
    path = ["input", "messages", 0, "imageS3Keys", 0]
    # Another athlete's key, or one outside user-uploads/: refused before any request.
    for key in ("user-uploads/demo2/abc.png", "athletes/demo/x.png", "user-uploads/demo/"):
        body = await demo_api.gql(SEND, {"i": _message(imageS3Keys=[key])})
        assert _refusal(body) == ("BAD_USER_INPUT", path, "UPLOAD_NOT_OWNED"), body
        assert cost(body)["s3"]["calls"] == 0
    # A document in the images: refused by its extension, before any request.
    pdf = await _upload(demo_api, "application/pdf", PDF)
    body = await demo_api.gql(SEND, {"i": _message(imageS3Keys=[pdf])})
    assert _refusal(body) == ("BAD_USER_INPUT", path, "UPLOAD_WRONG_TYPE")
    # Never uploaded (or deleted since).
    body = await demo_api.gql(SEND, {"i": _message(imageS3Keys=["user-uploads/demo/none.png"])})
    assert _refusal(body) == ("BAD_USER_INPUT", path, "UPLOAD_NOT_FOUND")
    # The second attachment is the one named.
    good = await _upload(demo_api, "image/png", PNG)
    body = await demo_api.gql(
        SEND, {"i": _message(imageS3Keys=[good, "user-uploads/demo/gone.png"])}
    )
    assert _refusal(body) == ("BAD_USER_INPUT", [*path[:-1], 1], "UPLOAD_NOT_FOUND")
    # Only the athlete's own messages carry uploads.
    assistant = _message(imageS3Keys=[good])
    assistant["messages"][0]["role"] = "ASSISTANT"
    body = await demo_api.gql(SEND, {"i": assistant})
    assert _refusal(body)[:2] == ("BAD_USER_INPUT", ["input", "messages", 0, "imageS3Keys"])
    # Nothing was appended by any of them.
    read = await demo_api.gql(READ)
    (edge,) = read["data"]["viewer"]["conversation"]["messages"]["edges"]
    assert edge["node"]["images"] == []


async def test_what_the_engine_lets_past_the_policy_is_refused_on_attach(demo_api: Api) -> None:
    """moto stores what S3 would refuse (over the signed size, another Content-Type); the
    attach check refuses it by what HeadObject says."""
    big = b"%PDF" + b"0" * (2 * 1024 * 1024)  # over the 2 MB of documents
    (target,) = await _targets(demo_api, [{"contentType": "application/pdf", "size": 1024}])
    response = await _post(target, big)
    assert response.status_code == 204  # moto: no content-length-range (S3: EntityTooLarge)
    body = await demo_api.gql(SEND, {"i": _message(documentS3Keys=[target["key"]])})
    path = ["input", "messages", 0, "documentS3Keys", 0]
    assert _refusal(body) == ("BAD_USER_INPUT", path, "UPLOAD_TOO_LARGE")

    (target,) = await _targets(demo_api, [{"contentType": "image/png", "size": len(PNG)}])
    response = await _post(target, PNG, **{"Content-Type": "text/html"})
    assert response.status_code == 204  # moto: no Content-Type condition (S3: AccessDenied)
    body = await demo_api.gql(SEND, {"i": _message(imageS3Keys=[target["key"]])})
    path = ["input", "messages", 0, "imageS3Keys", 0]
    assert _refusal(body) == ("BAD_USER_INPUT", path, "UPLOAD_WRONG_TYPE")


async def test_create_upload_urls_refusals(demo_api: Api) -> None:
    png = {"contentType": "image/png", "size": 10}
    cases: list[tuple[dict[str, Any], list[Any] | None]] = [
        ({"files": [png] * 6}, ["input", "files"]),
        ({"files": []}, ["input", "files"]),
        ({"files": [{"contentType": "application/zip", "size": 10}]}, ["input", "files", 0]),
        ({"files": [png, {"contentType": "image/png", "size": 21 * 1024 * 1024}]}, None),
        ({"files": [{"contentType": "text/csv", "size": 3 * 1024 * 1024}]}, None),
        ({"files": [{"contentType": "image/png", "size": 0}]}, ["input", "files", 0, "size"]),
        (
            {"files": [png, {"contentType": "application/pdf", "size": 10}], "purpose": "WORKOUT"},
            ["input", "files", 1, "contentType"],
        ),
    ]
    for given, field in cases:
        body = await demo_api.gql(URLS, {"i": given})
        code, where, _ = _refusal(body)
        assert code == "BAD_USER_INPUT", body
        if field is not None:
            assert where[: len(field)] == field, (given, where)
        else:
            assert where[-1] == "size", (given, where)
    # A type given another way is the app's: image/jpg and parameters are normalised.
    (target,) = await _targets(demo_api, [{"contentType": "IMAGE/JPG; q=1", "size": 5}])
    assert target["contentType"] == "image/jpeg" and target["key"].endswith(".jpg")
    # Without a token: refused before anything runs.
    anonymous = await demo_api.gql(URLS, {"i": {"files": [png]}}, user=None)
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_an_idempotency_key_gives_the_same_keys(demo_api: Api) -> None:
    files = [{"contentType": "image/png", "size": 5}, {"contentType": "image/gif", "size": 5}]
    first = await _targets(demo_api, files, idempotencyKey="upload-1")
    again = await _targets(demo_api, files, idempotencyKey="upload-1")
    other = await _targets(demo_api, files, idempotencyKey="upload-2")
    assert [t["key"] for t in first] == [t["key"] for t in again]
    assert len({t["key"] for t in first + other}) == 4
    anonymous_keys = {t["key"] for t in await _targets(demo_api, files)}
    assert not anonymous_keys & {t["key"] for t in first}


async def test_workout_photos(demo_api: Api) -> None:
    photo = await _upload(demo_api, "image/webp", b"RIFF....WEBP")
    logged = await demo_api.gql(
        LOG,
        {
            "i": {
                "completedAt": "2026-05-01T07:00:00Z",
                "workoutName": "Fran",
                "discipline": "CROSSFIT",
                "imageS3Keys": [photo],
            }
        },
    )
    assert "errors" not in logged, logged["errors"]
    workout = logged["data"]["logWorkout"]["workout"]
    assert workout["images"] == [{"key": photo}]
    assert cost(logged)["s3"]["byOperation"] == {"HeadObject": 1}
    item = await demo_api.runtime.stores.table.get(
        "user#demo", f"workout#{workout['workoutId']}", consistent=True
    )
    assert item is not None and item["attributes"]["imageS3Keys"] == [photo]

    # A second photo: only the new key is checked.
    second = await _upload(demo_api, "image/heic", b"\x00\x00\x00\x18ftypheic")
    update = {"workoutId": workout["workoutId"], "expectedVersion": 1}
    body = await demo_api.gql(UPDATE, {"i": {**update, "imageS3Keys": [photo, second]}})
    assert "errors" not in body, body["errors"]
    assert [i["key"] for i in body["data"]["updateWorkout"]["workout"]["images"]] == [
        photo,
        second,
    ]
    assert cost(body)["s3"]["byOperation"] == {"HeadObject": 1}
    # Another athlete's key, and a document: refused with the field's path.
    update["expectedVersion"] = 2
    body = await demo_api.gql(
        UPDATE, {"i": {**update, "imageS3Keys": [photo, "user-uploads/demo2/x.png"]}}
    )
    assert _refusal(body) == ("BAD_USER_INPUT", ["input", "imageS3Keys", 1], "UPLOAD_NOT_OWNED")
    pdf = await _upload(demo_api, "application/pdf", PDF)
    body = await demo_api.gql(UPDATE, {"i": {**update, "imageS3Keys": [pdf]}})
    assert _refusal(body) == ("BAD_USER_INPUT", ["input", "imageS3Keys", 0], "UPLOAD_WRONG_TYPE")
    # null removes the photos (the key, not a null).
    body = await demo_api.gql(UPDATE, {"i": {**update, "imageS3Keys": None}})
    assert "errors" not in body and body["data"]["updateWorkout"]["workout"]["images"] == []
    item = await demo_api.runtime.stores.table.get(
        "user#demo", f"workout#{workout['workoutId']}", consistent=True
    )
    assert item is not None and "imageS3Keys" not in item["attributes"]
