"""Limits every server process shares: fixed-window counters held in the table.

A counter is one item per subject and window, `pk = quota#<scope>#<digest of the
subject>`, `sk = window#<window start, epoch s>`, with `n` (what was spent) and a TTL an
hour after the window ends. Raising it is one conditional UpdateItem (`ADD n :amount`
only while `n` stays within the limit), so concurrent processes can never spend more
than the limit between them. No `entityType`: the counters stay out of GSI3.

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


def counter_key(scope: str, subject: str, window_start: int) -> tuple[str, str]:
    digest = hashlib.sha256(subject.strip().lower().encode()).hexdigest()[:32]
    return f"{QUOTA_PREFIX}{scope}#{digest}", f"window#{window_start}"


def window_update(
    tx: Transaction, label: str, scope: str, subject: str, window: Window, now: float
) -> None:
    """Raise `subject`'s counter by one inside `tx`; the action (and so the transaction)
    fails when the window's limit is already reached."""
    start = window.start(now)
    tx.update(
        label,
        counter_key(scope, subject, start),
        Update(
            add={("n",): 1},
            set={("ttl",): start + window.seconds + TTL_AFTER_WINDOW_SECONDS},
        ),
        condition=Attr("n").not_exists() | Attr("n").lt(window.limit),
    )


class CostQuota:
    """A caller's query cost per window, shared by every process through the table."""

    def __init__(self, table: Table, window: Window, lease: int | None = None) -> None:
        self.table = table
        self.window = window
        # A lease: a fiftieth of the window's budget (one table write per fifty such
        # slices spent), never less than one request's cost.
        self.lease = lease or max(1, window.limit // 50)
        self._leases: OrderedDict[str, tuple[int, int]] = OrderedDict()

    async def charge(self, caller: str, cost: int, now: float | None = None) -> tuple[int, int]:
        """Spend `cost` for `caller`: (0 if allowed, else seconds until it would be; the
        UpdateItems it took)."""
        now = time.time() if now is None else now
        start = self.window.start(now)
        window_start, remaining = self._leases.pop(caller, (start, 0))
        if window_start != start:
            remaining = 0
        if cost <= remaining:
            self._keep(caller, start, remaining - cost)
            return 0, 0
        need = cost - remaining
        calls = 0
        for take in dict.fromkeys((max(need, self.lease), need)):  # a lease, else just enough
            if take > self.window.limit:
                continue
            calls += 1
            if await self._reserve(caller, start, take):
                self._keep(caller, start, remaining + take - cost)
                return 0, calls
        self._keep(caller, start, remaining)
        return self.window.retry_after(now), calls

    def _keep(self, caller: str, start: int, remaining: int) -> None:
        self._leases[caller] = (start, remaining)
        while len(self._leases) > MAX_LOCAL_LEASES:
            self._leases.popitem(last=False)

    async def _reserve(self, caller: str, start: int, amount: int) -> bool:
        key = counter_key("cost", caller, start)
        update = Update(
            add={("n",): amount},
            set={("ttl",): start + self.window.seconds + TTL_AFTER_WINDOW_SECONDS},
        )
        condition = Attr("n").not_exists() | Attr("n").lte(self.window.limit - amount)
        # The quota's own call is not the query's: counted apart (CostRecorder.quota_calls).
        token = current_cost.set(CostRecorder())
        try:
            await self.table.update(key, update, condition=condition)
        except ConditionFailed:
            return False
        finally:
            current_cost.reset(token)
        return True
