"""`StoredContent`: an S3 object that is cheap until its bytes are asked for."""

from __future__ import annotations

from typing import Any, cast

import strawberry
from strawberry.scalars import JSON

from datasources.content import StoredObject
from resolvers.content import load_content, presign
from resolvers.context import Info

MAX_URL_SECONDS = 7 * 24 * 3600


@strawberry.type(description="An S3 object. Only `content` reads it; the rest is in DynamoDB.")
class StoredContent:
    key: str
    size_bytes: int | None
    content_type: str | None
    sha256: str | None

    @strawberry.field(description="A presigned GET URL (no S3 request is made to build it).")
    async def download_url(self, info: Info, expires_in_seconds: int = 300) -> str:
        return await presign(info, self.key, expires_in_seconds, MAX_URL_SECONDS)

    @strawberry.field(description="The decoded document (one S3 GET, checksum verified).")
    async def content(self, info: Info) -> JSON | None:
        return cast(JSON, await load_content(info, self.key, self.sha256))

    @staticmethod
    def from_keys(keys: list[str] | None) -> list[StoredContent]:
        """Objects named by key alone (the app's attachments): no size or checksum known."""
        return [
            StoredContent(key=k, size_bytes=None, content_type=None, sha256=None)
            for k in keys or []
            if isinstance(k, str) and k
        ]

    @staticmethod
    def from_stored(stored: StoredObject) -> StoredContent:
        return StoredContent(
            key=stored.key,
            size_bytes=stored.size_bytes,
            content_type=stored.content_type,
            sha256=stored.sha256,
        )

    @staticmethod
    def from_pointer(pointer: dict[str, Any] | None) -> StoredContent | None:
        if not pointer or not pointer.get("s3Key"):
            return None
        return StoredContent(
            key=pointer["s3Key"],
            size_bytes=pointer.get("sizeBytes"),
            content_type=pointer.get("contentType"),
            sha256=pointer.get("sha256"),
        )
