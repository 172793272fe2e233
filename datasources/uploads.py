"""Attachments as NeonPanda's app takes them: files uploaded straight to S3 under
`user-uploads/<userId>/<nanoid>.<ext>` (amplify/functions/generate-upload-urls/handler.ts),
then named by their keys on a message (`imageS3Keys`, `documentS3Keys`) or a workout
(`imageS3Keys`).

Upload targets are presigned POST forms (signed locally, nothing is stored): the signed
policy holds S3 to the one key, the declared Content-Type and at most the declared size,
for five minutes. The app signs PUT URLs that fix the key and Content-Type but not the size;
a POST policy can bound the size too.

An attachment is accepted only when its key is under the caller's own prefix, its extension
is of the slot's kind, and the object exists with the type its extension stands for and a
size within the kind's limit: one HeadObject per distinct key, all at once. S3 enforces the
policy on upload; the check at attach time also holds objects uploaded another way (the
app's PUT URLs) and engines that do not enforce policies (moto) to the same limits.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from datasources import cost, keys
from datasources.content import ContentStore, ObjectHead
from datasources.errors import Invalid

Kind = Literal["image", "document"]
Path = tuple[str | int, ...]

# The app's own limits: five files per request (generate-upload-urls/handler.ts:60), URLs
# valid five minutes (:92-96); images up to 20 MB as its client accepts them
# (src/utils/imageProcessing.js:82), documents up to 2 MB (src/hooks/useFileUpload.js:9).
MAX_FILES = 5
URL_SECONDS = 300
MAX_IMAGE_BYTES = 20 * 1024 * 1024
MAX_DOCUMENT_BYTES = 2 * 1024 * 1024
# Per message, as the app's client allows: 5 images (src/hooks/useImageUpload.js:119),
# 3 documents (src/hooks/useFileUpload.js:10).
MAX_MESSAGE_IMAGES = 5
MAX_MESSAGE_DOCUMENTS = 3

NOT_OWNED = "UPLOAD_NOT_OWNED"
NOT_FOUND = "UPLOAD_NOT_FOUND"
TOO_LARGE = "UPLOAD_TOO_LARGE"
WRONG_TYPE = "UPLOAD_WRONG_TYPE"


@dataclass(frozen=True)
class UploadType:
    content_type: str
    extension: str
    kind: Kind

    @property
    def max_bytes(self) -> int:
        return MAX_IMAGE_BYTES if self.kind == "image" else MAX_DOCUMENT_BYTES


def _types(kind: Kind, pairs: dict[str, str]) -> list[UploadType]:
    return [UploadType(content_type, ext, kind) for ext, content_type in pairs.items()]


# generate-upload-urls/handler.ts:11-35 (its CONTENT_TYPE_MAP), by content type.
UPLOAD_TYPES: dict[str, UploadType] = {
    t.content_type: t
    for t in [
        *_types(
            "image",
            {
                "jpg": "image/jpeg",
                "png": "image/png",
                "webp": "image/webp",
                "gif": "image/gif",
                "heic": "image/heic",
                "heif": "image/heif",
            },
        ),
        *_types(
            "document",
            {
                "pdf": "application/pdf",
                "csv": "text/csv",
                "txt": "text/plain",
                "md": "text/markdown",
                "doc": "application/msword",
                "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "xls": "application/vnd.ms-excel",
                "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "html": "text/html",
            },
        ),
    ]
}
BY_EXTENSION = {t.extension: t for t in UPLOAD_TYPES.values()}


def known_type(content_type: str) -> UploadType | None:
    """The upload type of a Content-Type as a client may send it (any case, parameters
    such as `; charset=utf-8` ignored; `image/jpg` for `image/jpeg`)."""
    bare = content_type.split(";", 1)[0].strip().lower()
    return UPLOAD_TYPES.get("image/jpeg" if bare == "image/jpg" else bare)


@dataclass(frozen=True)
class UploadTarget:
    key: str
    url: str
    fields: dict[str, str]
    content_type: str
    max_bytes: int
    expires_at: datetime
    file_name: str | None


@dataclass(frozen=True)
class Attachment:
    """A key the input names, where (its path inside the input), and for which slot."""

    path: Path
    key: str
    kind: Kind


_NANOID = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"


def _token(seed: bytes | None) -> str:
    """21 characters of nanoid's alphabet, as the app's keys (handler.ts:90): random, or
    derived from `seed` (a client's idempotency key: a retry gets the same keys)."""
    raw = hashlib.sha256(seed).digest() if seed is not None else secrets.token_bytes(32)
    return "".join(_NANOID[b % 64] for b in raw[:21])


class Uploads:
    def __init__(self, content: ContentStore) -> None:
        self.content = content

    async def targets(
        self,
        user_id: str,
        files: list[tuple[UploadType, int, str | None]],
        now: datetime,
        idempotency_key: str | None = None,
    ) -> list[UploadTarget]:
        """One POST target per (type, declared size, file name); no request is sent."""
        found = []
        for index, (kind, size, name) in enumerate(files):
            seed = f"{user_id}\n{idempotency_key}\n{index}".encode() if idempotency_key else None
            key = keys.upload_key(user_id, _token(seed), kind.extension)
            url, fields = await self.content.presign_post(key, kind.content_type, size, URL_SECONDS)
            found.append(
                UploadTarget(
                    key=key,
                    url=url,
                    fields=fields,
                    content_type=kind.content_type,
                    max_bytes=size,
                    expires_at=now + timedelta(seconds=URL_SECONDS),
                    file_name=name,
                )
            )
        return found

    async def check(self, user_id: str, attachments: list[Attachment]) -> None:
        """Every attachment is the caller's upload, of its slot's kind, there, of the type
        its extension stands for and within its kind's size; else Invalid naming the first
        that is not (in input order), with a stable `reason`. The keys' prefixes and
        extensions are checked before any request; then one HeadObject per distinct key,
        concurrently."""
        prefix = keys.upload_prefix(user_id)
        for a in attachments:
            if not a.key.startswith(prefix) or len(a.key) == len(prefix):
                raise Invalid(
                    f"{a.key!r} is not one of your uploads (they are under {prefix})",
                    a.path,
                    NOT_OWNED,
                )
            expected = _type_of(a.key)
            if expected is None or expected.kind != a.kind:
                raise Invalid(f"{a.key!r} is not an {a.kind} upload", a.path, WRONG_TYPE)
        distinct = list(dict.fromkeys(a.key for a in attachments))
        found = await cost.gather(*map(self.content.head, distinct))
        heads = dict(zip(distinct, found, strict=True))
        for a in attachments:
            _check_head(a, heads[a.key])


def _type_of(key: str) -> UploadType | None:
    name = key.rsplit("/", 1)[-1]
    if "." not in name:
        return None
    return BY_EXTENSION.get(name.rsplit(".", 1)[-1].lower())


def _check_head(a: Attachment, head: ObjectHead | None) -> None:
    expected = _type_of(a.key)
    assert expected is not None  # checked before the requests
    if head is None:
        raise Invalid(f"{a.key!r} has not been uploaded (or was deleted)", a.path, NOT_FOUND)
    if head.size_bytes > expected.max_bytes:
        raise Invalid(
            f"{a.key!r} is {head.size_bytes:,} bytes; {expected.kind}s are at most "
            f"{expected.max_bytes:,}",
            a.path,
            TOO_LARGE,
        )
    stored = known_type(head.content_type or "")
    if stored is None or stored.content_type != expected.content_type:
        raise Invalid(
            f"{a.key!r} was uploaded as {head.content_type or 'no type'}, not "
            f"{expected.content_type}",
            a.path,
            WRONG_TYPE,
        )


def message_attachments(
    index: int, images: list[str] | None, documents: list[str] | None
) -> list[Attachment]:
    """The attachments of the input's `messages[index]`."""
    return [
        *(
            Attachment(("messages", index, "imageS3Keys", n), k, "image")
            for n, k in enumerate(images or [])
        ),
        *(
            Attachment(("messages", index, "documentS3Keys", n), k, "document")
            for n, k in enumerate(documents or [])
        ),
    ]


def workout_attachments(
    images: list[str] | None, already: list[str] | None = None
) -> list[Attachment]:
    """A workout's images that are not attached already (those were checked when they were)."""
    kept = set(already or [])
    return [
        Attachment(("imageS3Keys", n), k, "image")
        for n, k in enumerate(images or [])
        if k not in kept
    ]
