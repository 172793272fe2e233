"""S3 content for fields: presigned URLs and checksum-verified reads."""

from __future__ import annotations

from typing import Any

from datasources.errors import ContentUnavailable
from resolvers.context import Info
from resolvers.errors import ApiError, Code, bad_input


async def presign(info: Info, key: str, expires_in: int, maximum: int) -> str:
    info.context.require_user()
    if not 1 <= expires_in <= maximum:
        raise bad_input(f"expiresInSeconds must be between 1 and {maximum}", ["expiresInSeconds"])
    return await info.context.stores.content.presign(key, expires_in)


async def load_content(info: Info, key: str, sha256: str | None) -> Any:
    """The document, or CONTENT_UNAVAILABLE on this field alone."""
    try:
        return await info.context.loaders.content.load((key, sha256))
    except ContentUnavailable as err:
        raise ApiError(
            Code.CONTENT_UNAVAILABLE, f"Stored content is unavailable ({err.reason})", key=key
        ) from err
