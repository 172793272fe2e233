"""Which S3 objects an item names, whoever wrote it.

This API's pointers (`{s3Key, sha256, ...}`: detailed logs, transcripts, histories,
archive chunks) and what NeonPanda's app stores: attachment keys on messages, workouts
and sessions (`imageS3Keys`, `documentS3Keys`, `imageRefs`), program details
(`s3DetailKey`), analytics reports (`s3Location`, a full `s3://bucket/key` URL), avatars.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

_SINGLE = {"s3Key", "s3DetailKey"}
_MANY = {"imageS3Keys", "documentS3Keys", "imageRefs"}
_URL = "s3Location"


def object_keys(item: Any, bucket: str) -> set[str]:
    """Keys in `bucket` that the item names anywhere in it (URLs naming other buckets are
    not this bucket's objects)."""
    return {key for key in _walk(item, bucket) if key}


def _walk(value: Any, bucket: str) -> Iterator[str]:
    if isinstance(value, dict):
        for name, inner in value.items():
            if name in _SINGLE and isinstance(inner, str):
                yield inner
            elif name in _MANY and isinstance(inner, list):
                yield from (k for k in inner if isinstance(k, str))
            elif name == _URL and isinstance(inner, str):
                yield from _in_bucket(inner, bucket)
            else:
                yield from _walk(inner, bucket)
    elif isinstance(value, list):
        for inner in value:
            yield from _walk(inner, bucket)


def _in_bucket(url: str, bucket: str) -> Iterator[str]:
    prefix = f"s3://{bucket}/"
    if url.startswith(prefix):
        yield url[len(prefix) :]
