"""Per-request accounting of backend calls, reported as `extensions.cost`.

The table wrapper and the content store record every API call they make (operation,
start/end time, items read, capacity); a botocore `before-send` hook counts the HTTP
attempts actually sent, so retries show up. The recorder of the current request lives in
a context variable, which asyncio copies into every task the request spawns.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Call:
    service: str
    operation: str
    start: float
    end: float = 0.0
    items_read: int = 0
    read_units: float = 0.0
    write_units: float = 0.0


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
        call = Call(service, operation, time.perf_counter())
        try:
            yield call
        finally:
            call.end = time.perf_counter()
            self.calls.append(call)

    def count(self, service: str, operation: str | None = None) -> int:
        """HTTP requests sent to a service (retries included), optionally for one operation."""
        return sum(
            n
            for (svc, op), n in self.attempts.items()
            if svc == service and (operation is None or op == operation)
        )

    @staticmethod
    def _waves(calls: list[Call]) -> int:
        """Sequential rounds: the longest chain of calls each started after the last ended."""
        depth: list[int] = []
        ordered = sorted(calls, key=lambda c: c.start)
        for i, call in enumerate(ordered):
            before = [depth[j] for j in range(i) if ordered[j].end <= call.start]
            depth.append(1 + max(before, default=0))
        return max(depth, default=0)

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
