"""Account-level mutations: contact form (no token), data export, account deletion."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import strawberry
from pydantic import BaseModel, Field
from strawberry.experimental.pydantic import input as pydantic_input

from resolvers.context import Info
from resolvers.mutations import account as writes
from schema.content import StoredContent
from schema.mutations.common import IdempotencyKey, to_model
from schema.mutations.profile import EMAIL


class SubmitContactForm(BaseModel):
    email: str = Field(max_length=254, pattern=EMAIL)
    message: str = Field(min_length=1, max_length=5000)
    first_name: str | None = Field(default=None, max_length=80)
    last_name: str | None = Field(default=None, max_length=80)
    subject: str | None = Field(default=None, max_length=200)
    contact_type: str | None = Field(default=None, max_length=40)
    idempotency_key: IdempotencyKey | None = None


class RequestDataExport(BaseModel):
    idempotency_key: IdempotencyKey | None = None


class DeleteAccount(BaseModel):
    confirm: Literal["DELETE"]
    idempotency_key: IdempotencyKey | None = None


@pydantic_input(model=SubmitContactForm, all_fields=True)
class SubmitContactFormInput:
    pass


@pydantic_input(model=RequestDataExport, all_fields=True)
class RequestDataExportInput:
    pass


@pydantic_input(model=DeleteAccount, all_fields=True)
class DeleteAccountInput:
    confirm: str = strawberry.field(description='Must be "DELETE".')


@strawberry.type
class SubmitContactFormPayload:
    submitted_at: datetime
    duplicate: bool = strawberry.field(
        description="True when this repeated a recent submission, which was kept instead."
    )


@strawberry.type
class RequestDataExportPayload:
    export: StoredContent
    item_count: int
    object_count: int


@strawberry.type
class DeleteAccountPayload:
    deleted_item_count: int
    deleted_object_count: int


async def submit_contact_form(
    info: Info, input: SubmitContactFormInput
) -> SubmitContactFormPayload:
    """The one operation open without a token."""
    stamp, duplicate = await writes.submit_contact_form(info, to_model(input, SubmitContactForm))
    return SubmitContactFormPayload(submitted_at=datetime.fromisoformat(stamp), duplicate=duplicate)


async def request_data_export(
    info: Info, input: RequestDataExportInput | None = None
) -> RequestDataExportPayload:
    if input is not None:
        to_model(input, RequestDataExport)
    stored, items, objects = await writes.request_data_export(info)
    export = StoredContent.from_pointer(stored.to_pointer())
    assert export is not None
    return RequestDataExportPayload(export=export, item_count=items, object_count=objects)


async def delete_account(info: Info, input: DeleteAccountInput) -> DeleteAccountPayload:
    to_model(input, DeleteAccount)
    items, objects = await writes.delete_account(info)
    return DeleteAccountPayload(deleted_item_count=items, deleted_object_count=objects)
