"""submitContactForm, requestDataExport, deleteAccount."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import time
from typing import Any

from boto3.dynamodb.conditions import Attr, Key

from datasources import keys
from datasources.content import StoredObject
from datasources.errors import ConditionFailed, ContentUnavailable, TransactionConflict
from datasources.records import ContactFormAttributes, ContactFormRecord, utcnow
from datasources.records.base import format_timestamp
from datasources.stores.idempotency import ENTITY_TYPE as MARKER_TYPE
from datasources.stores.user import UNIQUE_SK, unique_pk
from datasources.table import TransactAction
from resolvers.context import Info

DUPLICATE_WINDOW_SECONDS = 10 * 60
KEYED_WINDOW_SECONDS = 24 * 3600
EXPORT_CONCURRENCY = 16


async def submit_contact_form(info: Info, data: Any) -> tuple[str, bool]:
    """(submittedAt, duplicate). The same email sending the same message again within
    ten minutes (or reusing an idempotency key within a day) collapses into one."""
    table = info.context.stores.table
    email = data.email.lower()
    pk = keys.contact_pk(email)
    if data.idempotency_key:
        dedupe, window = f"dedupe#key#{data.idempotency_key}", KEYED_WINDOW_SECONDS
    else:
        digest = hashlib.sha256(f"{data.subject}\n{data.message}".encode()).hexdigest()[:32]
        dedupe, window = f"dedupe#{digest}", DUPLICATE_WINDOW_SECONDS
    now = utcnow()
    stamp = format_timestamp(now)
    record = ContactFormRecord.create(
        pk=pk,
        sk=keys.contact_sk(stamp),
        entity_type=keys.CONTACT_FORM,
        created_at=now,
        updated_at=now,
        attributes=ContactFormAttributes.model_validate(
            {**data.model_dump(exclude={"idempotency_key"}), "email": data.email}
        ),
    )
    epoch = int(time.time())
    marker = {
        "pk": pk,
        "sk": dedupe,
        "entityType": "contactFormDedupe",
        "ttl": epoch + window,
        "attributes": {"submittedAt": stamp},
    }
    try:
        await table.transact_write(
            [
                # An expired marker (TTL deletes late) no longer blocks a new submission.
                TransactAction(
                    "Put",
                    pk,
                    dedupe,
                    item=marker,
                    condition=Attr("pk").not_exists() | Attr("ttl").lt(epoch),
                ),
                TransactAction(
                    "Put", *record.key, item=record.to_item(), condition=Attr("pk").not_exists()
                ),
            ]
        )
    except TransactionConflict as err:
        existing = err.items[0]
        if err.reasons[0] == "ConditionalCheckFailed" and existing:
            return str(existing["attributes"]["submittedAt"]), True
        raise
    return stamp, False


async def request_data_export(info: Info) -> tuple[StoredObject, int, int]:
    """Every item of the athlete's partition and every object under their prefix, as one
    JSON document in S3. Returns (the export, items, objects)."""
    user_id = info.context.require_user().user_id
    stores = info.context.stores
    page = await stores.table.query(Key("pk").eq(keys.user_pk(user_id)), consistent=True)
    items = [i for i in page.items if i.get("entityType") != MARKER_TYPE]
    prefix = keys.athlete_prefix(user_id)
    keys_to_read = [
        k for k in await stores.content.list_keys(prefix) if not k.startswith(f"{prefix}exports/")
    ]
    limit = asyncio.Semaphore(EXPORT_CONCURRENCY)

    async def read(key: str) -> Any:
        async with limit:
            try:
                return await stores.content.get_json(key)
            except ContentUnavailable as err:
                return {"unavailable": err.reason}

    # Concurrently (bounded): an export of ~50 objects is a few waves, not 50.
    documents = await asyncio.gather(*(read(k) for k in keys_to_read))
    objects = dict(zip(keys_to_read, documents, strict=True))
    now = utcnow()
    document = {
        "exportedAt": format_timestamp(now),
        "userId": user_id,
        "items": items,
        "objects": objects,
    }
    stored = await stores.content.put_json(
        keys.export_key(user_id, now.strftime("%Y-%m-%d")), document
    )
    return stored, len(items), len(objects)


async def delete_account(info: Info) -> tuple[int, int]:
    """Objects first, then items, uniqueness markers, and the profile last: a call that is
    interrupted leaves the profile, so calling again resumes. Returns (items, objects)."""
    user_id = info.context.require_user().user_id
    stores = info.context.stores
    profile = await stores.users.get_by_key(keys.user_pk(user_id), keys.PROFILE_SK, consistent=True)
    if profile is not None:
        await stores.table.update(
            profile.pk,
            profile.sk,
            set_values={"attributes.metadata.deletionStartedAt": format_timestamp(utcnow())},
        )
    objects = await stores.content.delete_many(
        await stores.content.list_keys(keys.athlete_prefix(user_id))
    )
    page = await stores.table.query(Key("pk").eq(keys.user_pk(user_id)), consistent=True)
    others = [(i["pk"], i["sk"]) for i in page.items if i["sk"] != keys.PROFILE_SK]
    deleted = await stores.table.batch_delete(others)
    if profile is not None:
        for kind, value in (
            ("username", profile.attributes.username),
            ("email", profile.attributes.email),
        ):
            # Only a claim this user still owns is released.
            with contextlib.suppress(ConditionFailed):
                await stores.table.delete(
                    unique_pk(kind, value),
                    UNIQUE_SK,
                    condition=Attr("attributes.userId").eq(user_id),
                )
        await stores.table.delete(profile.pk, profile.sk)
        deleted += 1
    return deleted, objects
