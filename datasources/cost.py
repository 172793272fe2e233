"""Per-request accounting of backend calls, reported as `extensions.cost`.

The table wrapper and the content store record every API call they make (operation,
start/end time, items read, capacity); a botocore `before-send` hook counts the HTTP
attempts actually sent, so retries show up. The recorder of the current request lives in
a context variable, which asyncio copies into every task the request spawns.

Waves are causal, not timed: each call remembers the deepest call whose result the code
issuing it had seen (`after`), so "the longest chain of calls, each waiting for the one
before" does not depend on how fast the machine is. What was seen travels with the code
(a context variable) and, where a result crosses from one task to another (the loaders'
batches), with the result (`saw`).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from typing import Any, TypeVar, overload


@dataclass
class Call:
    service: str
    operation: str
    start: float
    end: float = 0.0
    items_read: int = 0
    read_units: float = 0.0
    write_units: float = 0.0
    # The deepest call of the same request whose result the code issuing this one had
    # seen, and the chain's length through it (this call included). Only calls of one
    # recorder are chained: a background task's calls (each on a throwaway recorder) never
    # keep the ones before them alive.
    after: Call | None = field(default=None, repr=False, compare=False)
    depth: int = 1
    owner: CostRecorder | None = field(default=None, repr=False, compare=False)


@dataclass
class CostRecorder:
    calls: list[Call] = field(default_factory=list)
    attempts: Counter[tuple[str, str]] = field(default_factory=Counter)
    # The shared rate limit (datasources/quota.py): what this request was charged against
    # the caller's budget (its estimated cost), and the limit's own UpdateItems (not the
    # query's calls; reported beside them).
    quota_charged: int = 0
    quota_calls: int = 0

    @contextmanager
    def track(self, service: str, operation: str) -> Iterator[Call]:
        after = _seen.get()
        if after is not None and after.owner is not self:
            after = None  # another request's, or the rate limit's: not this chain
        depth = 1 + (after.depth if after is not None else 0)
        call = Call(service, operation, time.perf_counter(), after=after, depth=depth, owner=self)
        try:
            yield call
        finally:
            call.end = time.perf_counter()
            self.calls.append(call)
            saw(call)

    def count(self, service: str, operation: str | None = None) -> int:
        """HTTP requests sent to a service (retries included), optionally for one operation."""
        return sum(
            n
            for (svc, op), n in self.attempts.items()
            if svc == service and (operation is None or op == operation)
        )

    @staticmethod
    def _waves(calls: list[Call]) -> int:
        """Sequential rounds: the longest chain of these calls, each issued by code that had
        seen the result of the one before (calls outside `calls` in a chain, such as the
        rate limit's or another service's, are not counted)."""
        members = {id(c) for c in calls}
        longest = 0
        for call in calls:
            length = 0
            link: Call | None = call
            while link is not None:
                length += id(link) in members
                link = link.after
            longest = max(longest, length)
        return longest

    def _service(self, service: str) -> tuple[list[Call], dict[str, int], dict[str, int]]:
        calls = [c for c in self.calls if c.service == service]
        api_calls = Counter(c.operation for c in calls)
        sent = {op: n for (svc, op), n in self.attempts.items() if svc == service}
        # Calls that never reached the hook (none in practice) still count once.
        by_op = {op: max(sent.get(op, 0), api_calls[op]) for op in set(sent) | set(api_calls)}
        retries = {op: by_op[op] - api_calls[op] for op in by_op if by_op[op] > api_calls[op]}
        return calls, dict(sorted(by_op.items())), retries

    def to_dict(self) -> dict[str, Any]:
        ddb_calls, ddb_ops, ddb_retries = self._service("dynamodb")
        s3_calls, s3_ops, s3_retries = self._service("s3")
        return {
            "dynamodb": {
                "calls": sum(ddb_ops.values()),
                "waves": self._waves(ddb_calls),
                "byOperation": ddb_ops,
                "retries": ddb_retries,
                "itemsRead": sum(c.items_read for c in ddb_calls),
                "consumedReadUnits": round(sum(c.read_units for c in ddb_calls), 3),
                "consumedWriteUnits": round(sum(c.write_units for c in ddb_calls), 3),
            },
            "s3": {
                "calls": sum(s3_ops.values()),
                "waves": self._waves(s3_calls),
                "gets": s3_ops.get("GetObject", 0),
                "puts": s3_ops.get("PutObject", 0),
                "byOperation": s3_ops,
                "retries": s3_retries,
            },
            "waves": self._waves(ddb_calls + s3_calls),
            "quota": {"charged": self.quota_charged, "dynamodbCalls": self.quota_calls},
        }


current_cost: ContextVar[CostRecorder | None] = ContextVar("neonpanda_cost", default=None)
# The deepest call whose result the code running now has seen (see the module's doc).
_seen: ContextVar[Call | None] = ContextVar("neonpanda_seen_call", default=None)


def last_seen() -> Call | None:
    return _seen.get()


def deeper(a: Call | None, b: Call | None) -> Call | None:
    """The later link of a chain: the deeper of two calls of one recorder; of two
    recorders', the current request's (else `b`, the one seen last)."""
    if a is None:
        return b
    if b is None:
        return a
    if a.owner is not b.owner:
        return a if a.owner is current_cost.get() else b
    return b if b.depth > a.depth else a


def saw(call: Call | None) -> None:
    """The code running now has seen `call`'s result (a loader's batch read it in its own
    task, or a list query primed the loader with it)."""
    current = _seen.get()
    if call is not None and call is not current and deeper(current, call) is call:
        _seen.set(call)


T1 = TypeVar("T1")
T2 = TypeVar("T2")
T3 = TypeVar("T3")


@overload
async def gather(a1: Awaitable[T1], a2: Awaitable[T2], /) -> tuple[T1, T2]: ...
@overload
async def gather(
    a1: Awaitable[T1], a2: Awaitable[T2], a3: Awaitable[T3], /
) -> tuple[T1, T2, T3]: ...
@overload
async def gather(*aws: Awaitable[T1]) -> tuple[T1, ...]: ...
async def gather(*aws: Awaitable[Any]) -> tuple[Any, ...]:
    """`asyncio.gather`, after which the caller has seen every call the awaitables made
    (each runs in a task of its own, whose context the caller never sees)."""
    ends: list[Call | None] = []

    async def traced(awaitable: Awaitable[Any]) -> Any:
        try:
            return await awaitable
        finally:
            ends.append(_seen.get())

    results = await asyncio.gather(*(traced(a) for a in aws))
    for call in ends:
        saw(call)
    return tuple(results)


def forget_seen() -> Token[Call | None]:
    """A new operation starts with nothing seen (reset with the token afterwards)."""
    return _seen.set(None)


def reset_seen(token: Token[Call | None]) -> None:
    _seen.reset(token)


@contextmanager
def track(service: str, operation: str) -> Iterator[Call]:
    """Record one API call on the current request's recorder (a throwaway one outside requests)."""
    recorder = current_cost.get() or CostRecorder()
    with recorder.track(service, operation) as call:
        yield call


def count_attempt(service: str, operation: str) -> None:
    recorder = current_cost.get()
    if recorder is not None:
        recorder.attempts[(service, operation)] += 1


def add_capacity(call: Call, consumed: Any) -> None:
    """Add ConsumedCapacity (one dict or a list of them) to a call."""
    if not consumed:
        return
    for entry in consumed if isinstance(consumed, list) else [consumed]:
        call.read_units += float(entry.get("ReadCapacityUnits", 0) or 0)
        call.write_units += float(entry.get("WriteCapacityUnits", 0) or 0)
        if not entry.get("ReadCapacityUnits") and not entry.get("WriteCapacityUnits"):
            # Engines that report only the total (moto) do not split read from write.
            units = float(entry.get("CapacityUnits", 0) or 0)
            if call.operation in _WRITE_OPERATIONS:
                call.write_units += units
            else:
                call.read_units += units


_WRITE_OPERATIONS = {
    "PutItem",
    "UpdateItem",
    "DeleteItem",
    "BatchWriteItem",
    "TransactWriteItems",
}
