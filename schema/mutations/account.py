"""Account-level mutation inputs and payloads: contact form, data export, deletion."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.experimental.pydantic import input as pydantic_input

from datasources.inputs.account import DeleteAccount, RequestDataExport, SubmitContactForm
from schema.content import StoredContent
from schema.mutations.elsewhere import ACCOUNT_ELSEWHERE, UnreachableCopy


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
    not_deleted: list[UnreachableCopy] = strawberry.field(
        default_factory=lambda: list(ACCOUNT_ELSEWHERE),
        description="What NeonPanda's app keeps of the athlete outside this API's reach.",
    )
