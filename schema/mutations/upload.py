"""createUploadUrls: presigned POST targets for the athlete's uploads."""

from __future__ import annotations

from datetime import datetime
from typing import cast

import strawberry
from strawberry.experimental.pydantic import input as pydantic_input
from strawberry.scalars import JSON

from datasources.inputs.upload import CreateUploadUrls, UploadFileIn
from datasources.uploads import UploadTarget as StoredTarget
from schema.enums import UploadPurpose


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
