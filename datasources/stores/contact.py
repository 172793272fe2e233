"""Contact form submissions (the one write open without a token)."""

from __future__ import annotations

import hashlib
import time

from boto3.dynamodb.conditions import Attr

from datasources import keys
from datasources.errors import Cancelled, RateLimited
from datasources.inputs.account import SubmitContactForm
from datasources.quota import Window, window_update
from datasources.records import ContactFormAttributes, ContactFormRecord, utcnow
from datasources.records.base import format_timestamp
from datasources.table import Table
from datasources.transaction import Transaction

DUPLICATE_WINDOW_SECONDS = 10 * 60
KEYED_WINDOW_SECONDS = 24 * 3600
# Defaults of NEONPANDA_CONTACT_MAX_PER_ADDRESS / _PER_EMAIL (per hour).
PER_ADDRESS = Window(limit=10, seconds=3600)
PER_EMAIL = Window(limit=3, seconds=3600)


class ContactStore:
    def __init__(
        self, table: Table, per_address: Window = PER_ADDRESS, per_email: Window = PER_EMAIL
    ) -> None:
        self.table = table
        self.per_address = per_address
        self.per_email = per_email

    async def submit(self, data: SubmitContactForm, address: str) -> tuple[str, bool]:
        """(submittedAt, duplicate). The same email sending the same message again within
        ten minutes (or reusing an idempotency key within a day) collapses into one.

        Capped per sending address and per email (shared counters in the table, raised
        in the same transaction): over either cap, RateLimited and nothing is stored. A
        duplicate is answered as before and counts against neither."""
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
        epoch = int(time.time())  # one clock for the marker's TTL and the windows
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
        window_update(tx, "cap:address", "contact-address", address, self.per_address, epoch)
        window_update(tx, "cap:email", "contact-email", data.email, self.per_email, epoch)
        try:
            await self.table.transact(tx)
        except Cancelled as err:
            existing = err.failed("dedupe")
            if existing is not None and existing.item is not None:
                return str(existing.item["attributes"]["submittedAt"]), True
            for label, cap, what in (
                ("cap:address", self.per_address, "from this address"),
                ("cap:email", self.per_email, "for this email"),
            ):
                if err.failed(label) is not None:
                    raise RateLimited(
                        f"Too many contact form submissions {what}: at most {cap.limit} "
                        f"per {cap.seconds // 60} minutes",
                        cap.retry_after(time.time()),
                    ) from err
            raise
        return stamp, False
