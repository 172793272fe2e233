"""Account-level inputs: the contact form (no token), export, deletion."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from datasources.inputs.common import EMAIL_PATTERN, WriteInput


class SubmitContactForm(WriteInput):
    email: str = Field(max_length=254, pattern=EMAIL_PATTERN)
    message: str = Field(min_length=1, max_length=5000)
    first_name: str | None = Field(default=None, max_length=80)
    last_name: str | None = Field(default=None, max_length=80)
    subject: str | None = Field(default=None, max_length=200)
    contact_type: str | None = Field(default=None, max_length=40)


class RequestDataExport(WriteInput):
    pass


class DeleteAccount(WriteInput):
    confirm: Literal["DELETE"]
