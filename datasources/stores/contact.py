"""Contact form submissions (the one write open without a token)."""

from __future__ import annotations

import hashlib
import time
from datetime import datetime, timedelta

from boto3.dynamodb.conditions import Attr

from datasources import keys
from datasources.errors import Busy, Cancelled, RateLimited
from datasources.inputs.account import SubmitContactForm
from datasources.quota import Window, previous_count, window_update
from datasources.records import ContactFormAttributes, ContactFormRecord, utcnow
from datasources.records.base import format_timestamp
from datasources.table import Table
from datasources.transaction import Transaction

DUPLICATE_WINDOW_SECONDS = 10 * 60
KEYED_WINDOW_SECONDS = 24 * 3600
# Submissions for one email in one millisecond before the answer is "retry" (CONFLICT).
MAX_SAME_MILLISECOND = 8
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
        if data.idempotency_key:
            dedupe = keys.contact_dedupe_sk(idempotency_key=data.idempotency_key)
            window = KEYED_WINDOW_SECONDS
        else:
            digest = hashlib.sha256(f"{data.subject}\n{data.message}".encode()).hexdigest()[:32]
            dedupe, window = keys.contact_dedupe_sk(digest=digest), DUPLICATE_WINDOW_SECONDS
        now = utcnow()
        epoch = int(time.time())  # one clock for the marker's TTL and the windows
        # The last windows' counts, carried into the current ones (sliding windows).
        previous = (
            await previous_count(self.table, "contact-address", address, self.per_address, epoch),
            await previous_count(self.table, "contact-email", data.email, self.per_email, epoch),
        )
        # The submission's key is its timestamp (`timestamp#<ms>`, as the app writes it):
        # two different messages for one email in the same millisecond would share it, so
        # the later one moves on to the next free millisecond.
        for shift in range(MAX_SAME_MILLISECOND):
            when = now + timedelta(milliseconds=shift)
            stamp = format_timestamp(when)
            try:
                await self.table.transact(
                    self._submission(data, address, when, dedupe, epoch + window, epoch, previous)
                )
            except Cancelled as err:
                existing = err.failed("dedupe")
                if existing is not None and existing.item is not None:
                    return str(existing.item["attributes"]["submittedAt"]), True
                for label, cap, what, before in (
                    ("cap:address", self.per_address, "from this address", previous[0]),
                    ("cap:email", self.per_email, "for this email", previous[1]),
                ):
                    if (failed := err.failed(label)) is not None:
                        count = (failed.item or {}).get("n", 0)
                        raise RateLimited(
                            f"Too many contact form submissions {what}: at most {cap.limit} "
                            f"per {cap.seconds // 60} minutes",
                            cap.wait(before, int(count), 1, time.time()),
                        ) from err
                if set(err.failures) == {"submission"}:
                    continue  # that millisecond is taken: nothing was written, try the next
                if err.contended:
                    raise Busy("Concurrent submissions for this email; retry") from err
                raise
            return stamp, False
        raise Busy("Too many submissions for this email at once; retry")

    def _submission(
        self,
        data: SubmitContactForm,
        address: str,
        when: datetime,
        dedupe: str,
        expires: int,
        epoch: int,
        previous: tuple[int, int],
    ) -> Transaction:
        """One transaction: the dedupe marker (until `expires`), the submission at `when`,
        both counters."""
        pk, stamp = keys.contact_pk(data.email), format_timestamp(when)
        marker = {
            "pk": pk,
            "sk": dedupe,
            "entityType": keys.CONTACT_DEDUPE,
            "ttl": expires,
            "attributes": {"submittedAt": stamp},
        }
        record = ContactFormRecord.create(
            pk=pk,
            sk=keys.contact_sk(stamp),
            entity_type=keys.CONTACT_FORM,
            created_at=when,
            updated_at=when,
            attributes=ContactFormAttributes.model_validate(
                data.model_dump(exclude={"idempotency_key"})
            ),
        )
        # An expired marker (TTL deletes late) no longer blocks a new submission.
        tx = Transaction().put(
            "dedupe", marker, condition=Attr("pk").not_exists() | Attr("ttl").lt(epoch)
        )
        tx.create("submission", record)
        window_update(
            tx, "cap:address", "contact-address", address, self.per_address, epoch, previous[0]
        )
        window_update(
            tx, "cap:email", "contact-email", data.email, self.per_email, epoch, previous[1]
        )
        return tx
