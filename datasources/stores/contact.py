"""Contact form submissions (the one write open without a token)."""

from __future__ import annotations

import hashlib
import time

from boto3.dynamodb.conditions import Attr

from datasources import keys
from datasources.errors import Cancelled
from datasources.inputs.account import SubmitContactForm
from datasources.records import ContactFormAttributes, ContactFormRecord, utcnow
from datasources.records.base import format_timestamp
from datasources.table import Table
from datasources.transaction import Transaction

DUPLICATE_WINDOW_SECONDS = 10 * 60
KEYED_WINDOW_SECONDS = 24 * 3600


class ContactStore:
    def __init__(self, table: Table) -> None:
        self.table = table

    async def submit(self, data: SubmitContactForm) -> tuple[str, bool]:
        """(submittedAt, duplicate). The same email sending the same message again within
        ten minutes (or reusing an idempotency key within a day) collapses into one."""
        pk = keys.contact_pk(data.email)
        if data.idempotency_key:
            dedupe = keys.contact_dedupe_sk(idempotency_key=data.idempotency_key)
            window = KEYED_WINDOW_SECONDS
        else:
            digest = hashlib.sha256(f"{data.subject}\n{data.message}".encode()).hexdigest()[:32]
            dedupe, window = keys.contact_dedupe_sk(digest=digest), DUPLICATE_WINDOW_SECONDS
        now = utcnow()
        stamp = format_timestamp(now)
        record = ContactFormRecord.create(
            pk=pk,
            sk=keys.contact_sk(stamp),
            entity_type=keys.CONTACT_FORM,
            created_at=now,
            updated_at=now,
            attributes=ContactFormAttributes.model_validate(
                data.model_dump(exclude={"idempotency_key"})
            ),
        )
        epoch = int(time.time())
        marker = {
            "pk": pk,
            "sk": dedupe,
            "entityType": keys.CONTACT_DEDUPE,
            "ttl": epoch + window,
            "attributes": {"submittedAt": stamp},
        }
        # An expired marker (TTL deletes late) no longer blocks a new submission.
        tx = Transaction().put(
            "dedupe", marker, condition=Attr("pk").not_exists() | Attr("ttl").lt(epoch)
        )
        tx.create("submission", record)
        try:
            await self.table.transact(tx)
        except Cancelled as err:
            existing = err.failed("dedupe")
            if existing is not None and existing.item is not None:
                return str(existing.item["attributes"]["submittedAt"]), True
            raise
        return stamp, False
