"""Account-level mutation inputs, payloads and resolvers: contact form, data export, deletion."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.experimental.pydantic import input as pydantic_input

from datasources.inputs.account import DeleteAccount, RequestDataExport, SubmitContactForm
from resolvers.context import Info
from schema.content import StoredContent
from schema.mutations.common import validated
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


async def submit_contact_form(
    info: Info, input: SubmitContactFormInput
) -> SubmitContactFormPayload:
    """The one operation open without a token."""
    data = validated(input, SubmitContactForm)
    stamp, duplicate = await info.context.stores.contacts.submit(data, info.context.client)
    return SubmitContactFormPayload(submitted_at=datetime.fromisoformat(stamp), duplicate=duplicate)


async def request_data_export(
    info: Info, input: RequestDataExportInput | None = None
) -> RequestDataExportPayload:
    user_id = info.context.require_user().user_id
    if input is not None:
        validated(input, RequestDataExport)
    export = await info.context.stores.accounts.export(user_id)
    return RequestDataExportPayload(
        export=StoredContent.from_stored(export.stored),
        item_count=export.item_count,
        object_count=export.object_count,
    )


async def delete_account(info: Info, input: DeleteAccountInput) -> DeleteAccountPayload:
    user_id = info.context.require_user().user_id
    validated(input, DeleteAccount)
    items, objects = await info.context.stores.accounts.delete(user_id)
    return DeleteAccountPayload(deleted_item_count=items, deleted_object_count=objects)


MUTATIONS = {
    "submit_contact_form": strawberry.mutation(resolver=submit_contact_form),
    "request_data_export": strawberry.mutation(resolver=request_data_export),
    "delete_account": strawberry.mutation(resolver=delete_account),
}
