"""submitContactForm (no token), requestDataExport, deleteAccount."""

from __future__ import annotations

from datetime import datetime

from datasources.inputs.account import DeleteAccount, RequestDataExport, SubmitContactForm
from resolvers.context import Info
from schema.content import StoredContent
from schema.mutations.account import (
    DeleteAccountInput,
    DeleteAccountPayload,
    RequestDataExportInput,
    RequestDataExportPayload,
    SubmitContactFormInput,
    SubmitContactFormPayload,
)
from schema.mutations.common import validated


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
