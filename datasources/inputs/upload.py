"""Upload inputs: the files an athlete is about to upload (createUploadUrls)."""

from __future__ import annotations

from pydantic import ConfigDict, Field, ValidationInfo, field_validator

from datasources.enums import UploadPurpose
from datasources.inputs.common import Strict, WriteInput
from datasources.uploads import MAX_FILES, UPLOAD_TYPES, known_type


class UploadFileIn(Strict):
    content_type: str = Field(
        min_length=1,
        max_length=200,
        description="image/jpeg, image/png, image/webp, image/gif, image/heic, image/heif "
        "(images, up to 20 MB), or application/pdf, text/csv, text/plain, text/markdown, "
        "text/html, Word or Excel (documents, up to 2 MB).",
    )
    size: int = Field(ge=1, description="Its size in bytes: the most S3 will accept.")
    file_name: str | None = Field(
        default=None, max_length=255, description="Echoed back on its target; not stored."
    )

    @field_validator("content_type")
    @classmethod
    def _known(cls, value: str) -> str:
        found = known_type(value)
        if found is None:
            allowed = ", ".join(sorted(UPLOAD_TYPES))
            raise ValueError(f"is not a type the app takes ({allowed})")
        return found.content_type

    @field_validator("size")
    @classmethod
    def _fits(cls, value: int, info: ValidationInfo) -> int:
        found = known_type(str(info.data.get("content_type", "")))
        if found is not None and value > found.max_bytes:
            raise ValueError(f"must be at most {found.max_bytes:,} bytes for {found.kind}s")
        return value


class CreateUploadUrls(WriteInput):
    """Up to the app's five files per call (generate-upload-urls/handler.ts:60)."""

    model_config = ConfigDict(extra="forbid")

    files: list[UploadFileIn] = Field(min_length=1, max_length=MAX_FILES)
    purpose: UploadPurpose = UploadPurpose.MESSAGE
