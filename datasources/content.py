"""S3 content store: gzip JSON, server-side encryption, SHA-256 recorded and verified."""

from __future__ import annotations

import gzip
import hashlib
import json
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from datasources.cost import track
from datasources.errors import BackendUnavailable, ContentUnavailable

CONTENT_TYPE = "application/json"
SHA256_METADATA = "sha256"


@dataclass(frozen=True)
class StoredObject:
    """What a DynamoDB pointer records about an S3 object."""

    key: str
    size_bytes: int
    sha256: str
    content_type: str = CONTENT_TYPE

    def to_pointer(self) -> dict[str, Any]:
        return {
            "s3Key": self.key,
            "sizeBytes": self.size_bytes,
            "sha256": self.sha256,
            "contentType": self.content_type,
        }


@dataclass(frozen=True)
class ObjectHead:
    """What HeadObject says of an object (no bytes read)."""

    key: str
    size_bytes: int
    content_type: str | None


def encode_json(document: Any) -> bytes:
    """Deterministic gzip JSON, so a retried put writes identical bytes (same checksum)."""
    raw = json.dumps(document, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    return gzip.compress(raw.encode("utf-8"), mtime=0)


def encode_plain_json(document: Any) -> bytes:
    """Pretty, uncompressed JSON in the document's own key order: what NeonPanda's app writes
    and reads for objects it shares (`putObjectAsJson(..., {pretty: true})`; its S3 client
    does not undo a Content-Encoding). Deterministic for the same document."""
    return json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8")


class ContentStore:
    def __init__(self, client: Any, bucket: str) -> None:
        self.client = client
        self.bucket = bucket
        self.write_generation = 0

    async def put_json(
        self, key: str | Callable[[str], str], document: Any, *, plain: bool = False
    ) -> StoredObject:
        """Store `document`; `key` may be a function of the content's SHA-256, which makes
        the object content-addressed: a retry writes the same bytes to the same key, and
        different content never lands on a key another pointer names. `plain`: as the app
        writes objects it reads too (`encode_plain_json`), not gzip."""
        body = encode_plain_json(document) if plain else encode_json(document)
        digest = hashlib.sha256(body).hexdigest()
        if callable(key):
            key = key(digest)
        encoding = {} if plain else {"ContentEncoding": "gzip"}
        with track("s3", "PutObject"):
            try:
                await self.client.put_object(
                    Bucket=self.bucket,
                    Key=key,
                    Body=body,
                    ContentType=CONTENT_TYPE,
                    ServerSideEncryption="AES256",
                    Metadata={SHA256_METADATA: digest},
                    **encoding,
                )
            except (ClientError, BotoCoreError) as err:
                raise BackendUnavailable(f"S3 PutObject {key}: {err}") from err
        self.write_generation += 1
        return StoredObject(key=key, size_bytes=len(body), sha256=digest)

    async def get_json(self, key: str, expected_sha256: str | None = None) -> Any:
        """The decoded document; ContentUnavailable if missing, unreadable or tampered with."""
        with track("s3", "GetObject"):
            try:
                response = await self.client.get_object(Bucket=self.bucket, Key=key)
                async with response["Body"] as stream:
                    body = await stream.read()
            except ClientError as err:
                code = str(err.response.get("Error", {}).get("Code", ""))
                if code in {"NoSuchKey", "404", "NotFound"}:
                    raise ContentUnavailable(key, "object is missing") from err
                raise ContentUnavailable(key, f"S3 error {code}") from err
            except (TimeoutError, BotoCoreError) as err:
                raise ContentUnavailable(key, "S3 did not answer") from err
        digest = hashlib.sha256(body).hexdigest()
        recorded = expected_sha256 or response.get("Metadata", {}).get(SHA256_METADATA)
        if recorded and digest != recorded:
            raise ContentUnavailable(key, "checksum mismatch")
        try:
            text = gzip.decompress(body) if body[:2] == b"\x1f\x8b" else body
            return json.loads(text)
        except (OSError, EOFError, zlib.error, ValueError) as err:
            raise ContentUnavailable(key, "object is not valid gzip JSON") from err

    async def delete(self, key: str) -> None:
        with track("s3", "DeleteObject"):
            try:
                await self.client.delete_object(Bucket=self.bucket, Key=key)
            except (ClientError, BotoCoreError) as err:
                raise BackendUnavailable(f"S3 DeleteObject {key}: {err}") from err
        self.write_generation += 1

    async def delete_many(self, object_keys: list[str]) -> int:
        """DeleteObjects in batches of 1,000; returns how many were deleted."""
        deleted = 0
        for start in range(0, len(object_keys), 1000):
            chunk = object_keys[start : start + 1000]
            with track("s3", "DeleteObjects"):
                try:
                    response = await self.client.delete_objects(
                        Bucket=self.bucket,
                        Delete={"Objects": [{"Key": k} for k in chunk], "Quiet": True},
                    )
                except (ClientError, BotoCoreError) as err:
                    raise BackendUnavailable(f"S3 DeleteObjects: {err}") from err
            if response.get("Errors"):
                raise BackendUnavailable(f"S3 DeleteObjects failed for {response['Errors'][0]}")
            deleted += len(chunk)
        self.write_generation += 1
        return deleted

    async def presign(self, key: str, expires_in: int) -> str:
        """A presigned GET URL; signing is local, no request is sent."""
        url: str = await self.client.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=expires_in
        )
        return url

    async def head(self, key: str) -> ObjectHead | None:
        """The object's size and type (one HeadObject), or None when there is none."""
        with track("s3", "HeadObject"):
            try:
                response = await self.client.head_object(Bucket=self.bucket, Key=key)
            except ClientError as err:
                code = str(err.response.get("Error", {}).get("Code", ""))
                if code in {"NoSuchKey", "404", "NotFound"}:
                    return None
                raise BackendUnavailable(f"S3 HeadObject {key}: {code}") from err
            except BotoCoreError as err:
                raise BackendUnavailable(f"S3 HeadObject {key}: {err}") from err
        return ObjectHead(
            key=key,
            size_bytes=int(response.get("ContentLength", 0)),
            content_type=response.get("ContentType"),
        )

    async def presign_post(
        self, key: str, content_type: str, max_bytes: int, expires_in: int
    ) -> tuple[str, dict[str, str]]:
        """A browser-form upload target for exactly `key`: (url, the form's fields). Its
        signed policy holds S3 to this key, this Content-Type and 1..`max_bytes` bytes
        until it expires. Signing is local: no request is sent."""
        target: dict[str, Any] = await self.client.generate_presigned_post(
            self.bucket,
            key,
            Fields={"Content-Type": content_type},
            Conditions=[
                {"Content-Type": content_type},
                ["content-length-range", 1, max_bytes],
            ],
            ExpiresIn=expires_in,
        )
        return str(target["url"]), {str(k): str(v) for k, v in target["fields"].items()}

    async def list_keys(self, prefix: str) -> list[str]:
        return [obj["Key"] for obj in await self.list_objects(prefix)]

    async def list_objects(self, prefix: str) -> list[dict[str, Any]]:
        """Every object under `prefix` (Key, LastModified, Size, ...), all pages."""
        objects: list[dict[str, Any]] = []
        token: str | None = None
        while True:
            params: dict[str, Any] = {"Bucket": self.bucket, "Prefix": prefix}
            if token:
                params["ContinuationToken"] = token
            with track("s3", "ListObjectsV2"):
                response = await self.client.list_objects_v2(**params)
            objects.extend(response.get("Contents", []))
            token = response.get("NextContinuationToken")
            if not token:
                return objects
