"""createUploadUrls: presigned POST targets for the athlete's uploads."""

from __future__ import annotations

from datetime import datetime
from typing import cast

import strawberry
from strawberry.experimental.pydantic import input as pydantic_input
from strawberry.scalars import JSON

from datasources.errors import Invalid
from datasources.inputs.upload import CreateUploadUrls, UploadFileIn
from datasources.records import utcnow
from datasources.uploads import URL_SECONDS, UploadType, known_type
from datasources.uploads import UploadTarget as StoredTarget
from resolvers.context import Info
from schema.enums import UploadPurpose
from schema.mutations.common import validated


@pydantic_input(model=UploadFileIn, all_fields=True, name="UploadFileInput")
class UploadFileInput:
    pass


@pydantic_input(model=CreateUploadUrls, all_fields=True)
class CreateUploadUrlsInput:
    purpose: UploadPurpose = strawberry.field(
        default=UploadPurpose.MESSAGE,
        description="MESSAGE: images and documents; WORKOUT: images only.",
    )


@strawberry.type(
    description="Where to upload one file: an HTML-form POST to `url` with `fields` first and "
    "the file last (as `file`). S3 holds the upload to the key, the Content-Type and the "
    "size given, until expiresAt; then name `key` on a message or workout."
)
class UploadTarget:
    key: str = strawberry.field(description="user-uploads/<userId>/<id>.<ext>")
    url: str
    method: str = strawberry.field(description="POST.")
    fields: JSON = strawberry.field(description="Form fields to send before the file.")
    content_type: str
    max_bytes: int
    expires_at: datetime
    file_name: str | None

    @staticmethod
    def of(target: StoredTarget) -> UploadTarget:
        return UploadTarget(
            key=target.key,
            url=target.url,
            method="POST",
            fields=cast(JSON, dict(target.fields)),
            content_type=target.content_type,
            max_bytes=target.max_bytes,
            expires_at=target.expires_at,
            file_name=target.file_name,
        )


@strawberry.type
class CreateUploadUrlsPayload:
    uploads: list[UploadTarget] = strawberry.field(description="One per file, in input order.")
    expires_in_seconds: int


async def create_upload_urls(info: Info, input: CreateUploadUrlsInput) -> CreateUploadUrlsPayload:
    """Presigned POST targets under the caller's `user-uploads/<userId>/` (signed here: no
    AWS request). Nothing is stored: a key becomes an attachment when a message or workout
    names it after the upload."""
    user_id = info.context.require_user().user_id
    data = validated(input, CreateUploadUrls)
    files: list[tuple[UploadType, int, str | None]] = []
    for index, f in enumerate(data.files):
        kind = known_type(f.content_type)
        assert kind is not None  # validated
        if data.purpose is UploadPurpose.WORKOUT and kind.kind != "image":
            raise Invalid(
                "a workout takes images only", ("files", index, "contentType"), "UPLOAD_WRONG_TYPE"
            )
        files.append((kind, f.size, f.file_name))
    targets = await info.context.stores.uploads.targets(
        user_id, files, utcnow(), data.idempotency_key
    )
    return CreateUploadUrlsPayload(
        uploads=[UploadTarget.of(t) for t in targets], expires_in_seconds=URL_SECONDS
    )


MUTATIONS = {
    "create_upload_urls": strawberry.mutation(
        resolver=create_upload_urls,
        description="Presigned POST targets for up to 5 files under the caller's "
        "user-uploads/<userId>/, valid 5 minutes; S3 holds each upload to its key, type and "
        "size. Name the keys on sendMessage/startConversation (imageS3Keys, documentS3Keys) "
        "or logWorkout/updateWorkout (imageS3Keys) once uploaded.",
    ),
}
