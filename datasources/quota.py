"""Limits every server process shares: sliding-window counters held in the table.

A counter is one item per subject and window, `pk = quota#<scope>#<digest of the
subject>`, `sk = window#<window start, epoch s>`, with `n` (what was spent) and a TTL an
hour after the window ends. Raising it is one conditional UpdateItem (`ADD n :amount`
only while `n` stays within what is left), so concurrent processes can never spend more
than the limit between them. No `entityType`: the counters stay out of GSI3.

**Sliding, not fixed.** What is left at time t of a window is the limit, less this
window's count, less the previous window's count weighted by how much of it still
overlaps the last `seconds` (`previous * (1 - elapsed / seconds)`): a burst at the end of
one window is still counted at the start of the next, so no span of `seconds` spends
much more than one limit (a fixed window let a burst across its edge spend two). The
previous window's count is read once (GetItem) and kept for the window.

Two uses:

- **Anonymous writes** (the contact form): the address's and the email's counters are
  raised inside the submission's own transaction, so a refused submission stores
  nothing and a stored one is always counted (`window_update`).
- **Query cost per caller** (`CostQuota`): each process takes a *lease* (a slice of the
  caller's window budget) from the shared counter and spends it locally, returning to the
  table only when the lease runs out; one UpdateItem per lease, not per request. Leased
  but unspent budget is lost at the window's end, which makes the shared limit a little
  stricter, never looser.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections import OrderedDict
from dataclasses import dataclass

from boto3.dynamodb.conditions import Attr

from datasources.cost import CostRecorder, current_cost
from datasources.errors import ConditionFailed
from datasources.table import Table
from datasources.transaction import Transaction, Update

QUOTA_PREFIX = "quota#"
TTL_AFTER_WINDOW_SECONDS = 3600
MAX_LOCAL_LEASES = 100_000


@dataclass(frozen=True)
class Window:
    limit: int
    seconds: int

    def start(self, now: float) -> int:
        return int(now - now % self.seconds)

    def retry_after(self, now: float) -> int:
        """Whole seconds until the current window ends (at least 1)."""
        return max(1, math.ceil(self.start(now) + self.seconds - now))

    def carried(self, previous: int, now: float) -> int:
        """The previous window's count that still weighs at `now`."""
        overlap = 1 - (now - self.start(now)) / self.seconds
        return math.ceil(previous * overlap) if previous else 0

    def left(self, previous: int, now: float) -> int:
        """What this window may still count in all at `now` (before its own count)."""
        return self.limit - self.carried(previous, now)

    def wait(self, previous: int, current: int, need: int, now: float) -> int:
        """Whole seconds until `need` more fits, if nobody spends meanwhile (at least 1)."""
        start = self.start(now)
        free = self.limit - current - need  # what the previous window may still weigh
        if free >= 0 and previous:
            at = start + self.seconds * (1 - free / previous)
        elif free >= 0:
            at = now
        elif need <= self.limit and current:
            # Not in this window: in the next, this window is the previous one.
            at = start + self.seconds * (2 - (self.limit - need) / current)
        else:
            at = start + self.seconds
        return max(1, math.ceil(at - now))


def counter_key(scope: str, subject: str, window_start: int) -> tuple[str, str]:
    digest = hashlib.sha256(subject.strip().lower().encode()).hexdigest()[:32]
    return f"{QUOTA_PREFIX}{scope}#{digest}", f"window#{window_start}"


async def previous_count(table: Table, scope: str, subject: str, window: Window, now: float) -> int:
    """The previous window's count for `subject` (0 when it has none): one GetItem."""
    pk, sk = counter_key(scope, subject, window.start(now) - window.seconds)
    item = await table.get(pk, sk, consistent=True)
    count = (item or {}).get("n", 0)
    return int(count) if isinstance(count, int | float) else 0


def window_update(
    tx: Transaction,
    label: str,
    scope: str,
    subject: str,
    window: Window,
    now: float,
    previous: int = 0,
) -> None:
    """Raise `subject`'s counter by one inside `tx`; the action (and so the transaction)
    fails when the window, with `previous` (the last window's count) carried into it,
    has nothing left."""
    start = window.start(now)
    tx.update(
        label,
        counter_key(scope, subject, start),
        Update(
            add={("n",): 1},
            set={("ttl",): start + window.seconds + TTL_AFTER_WINDOW_SECONDS},
        ),
        condition=Attr("n").not_exists() | Attr("n").lt(window.left(previous, now)),
    )


async def spend_one(table: Table, scope: str, subject: str, window: Window) -> int:
    """Count one more for `subject` (a GetItem of the last window, an UpdateItem): 0 when
    it fitted, else the seconds until it would."""
    now = time.time()
    previous = await previous_count(table, scope, subject, window, now)
    start = window.start(now)
    try:
        await table.update(
            counter_key(scope, subject, start),
            Update(
                add={("n",): 1},
                set={("ttl",): start + window.seconds + TTL_AFTER_WINDOW_SECONDS},
            ),
            condition=Attr("n").not_exists() | Attr("n").lt(window.left(previous, now)),
        )
    except ConditionFailed as failed:
        count = (failed.item or {}).get("n", 0)
        return window.wait(previous, int(count) if isinstance(count, int | float) else 0, 1, now)
    return 0


@dataclass
class _Lease:
    window_start: int
    remaining: int = 0
    previous: int | None = None  # the previous window's count, once read


class CostQuota:
    """A caller's query cost per sliding window, shared by every process through the
    table."""

    def __init__(self, table: Table, window: Window, lease: int | None = None) -> None:
        self.table = table
        self.window = window
        # A lease: a fiftieth of the window's budget (one table write per fifty such
        # slices spent), never less than one request's cost.
        self.lease = lease or max(1, window.limit // 50)
        self._leases: OrderedDict[str, _Lease] = OrderedDict()

    async def charge(self, caller: str, cost: int, now: float | None = None) -> tuple[int, int]:
        """Spend `cost` for `caller`: (0 if allowed, else seconds until it would be; the
        DynamoDB calls it took)."""
        now = time.time() if now is None else now
        start = self.window.start(now)
        lease = self._leases.pop(caller, None)
        if lease is None or lease.window_start != start:
            lease = _Lease(start)
        if cost <= lease.remaining:
            lease.remaining -= cost
            self._keep(caller, lease)
            return 0, 0
        need = cost - lease.remaining
        # The quota's own calls are not the query's: counted apart (quota_calls).
        token = current_cost.set(CostRecorder())
        calls = 0
        try:
            if lease.previous is None:
                lease.previous = await previous_count(self.table, "cost", caller, self.window, now)
                calls += 1
            left = self.window.left(lease.previous, now)
            current = 0
            for take in dict.fromkeys((max(need, self.lease), need)):  # a lease, else enough
                if take > left:
                    continue
                calls += 1
                spent = await self._reserve(caller, start, take, left)
                if spent is None:
                    lease.remaining += take - cost
                    self._keep(caller, lease)
                    return 0, calls
                current = spent
        finally:
            current_cost.reset(token)
        self._keep(caller, lease)
        return self.window.wait(lease.previous, current, need, now), calls

    def _keep(self, caller: str, lease: _Lease) -> None:
        self._leases[caller] = lease
        while len(self._leases) > MAX_LOCAL_LEASES:
            self._leases.popitem(last=False)

    async def _reserve(self, caller: str, start: int, amount: int, left: int) -> int | None:
        """Add `amount` to the window's count while it stays within `left`: None when it
        did, else the count as it stands."""
        key = counter_key("cost", caller, start)
        update = Update(
            add={("n",): amount},
            set={("ttl",): start + self.window.seconds + TTL_AFTER_WINDOW_SECONDS},
        )
        condition = Attr("n").not_exists() | Attr("n").lte(left - amount)
        try:
            await self.table.update(key, update, condition=condition)
        except ConditionFailed as failed:
            count = (failed.item or {}).get("n", 0)
            return int(count) if isinstance(count, int | float) else 0
        return None
