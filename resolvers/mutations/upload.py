"""createUploadUrls."""

from __future__ import annotations

from datasources.enums import UploadPurpose
from datasources.errors import Invalid
from datasources.inputs.upload import CreateUploadUrls
from datasources.records import utcnow
from datasources.uploads import URL_SECONDS, UploadType, known_type
from resolvers.context import Info
from schema.mutations.common import validated
from schema.mutations.upload import (
    CreateUploadUrlsInput,
    CreateUploadUrlsPayload,
    UploadTarget,
)


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
