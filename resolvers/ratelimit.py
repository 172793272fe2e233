"""Per-user rate limiting by query cost: a token bucket per caller, in process memory.

Each request is charged its estimated cost (schema/limits.py) before execution; an
empty bucket answers RATE_LIMITED with `retryAfterSeconds`. Buckets live in this
process: behind several processes, each enforces the limit on its own share (a shared
store such as DynamoDB or Redis would make it global).
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Iterator

from strawberry.extensions import SchemaExtension

from resolvers.errors import ApiError, Code

MAX_TRACKED_CALLERS = 100_000


class RateLimiter:
    def __init__(self, capacity: float, refill_per_second: float) -> None:
        self.capacity = capacity
        self.refill = refill_per_second
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def charge(self, caller: str, cost: float, now: float | None = None) -> float:
        """Take `cost` from the caller's bucket; 0 if allowed, else seconds to wait."""
        now = time.monotonic() if now is None else now
        tokens, last = self._buckets.pop(caller, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - last) * self.refill)
        wait = 0.0
        if cost > tokens:
            wait = (cost - tokens) / self.refill if self.refill > 0 else math.inf
        else:
            tokens -= cost
        self._buckets[caller] = (tokens, now)
        while len(self._buckets) > MAX_TRACKED_CALLERS:
            self._buckets.popitem(last=False)
        return wait


class RateLimit(SchemaExtension):
    """Charges the request's cost (computed by QueryLimits, which runs first)."""

    def __init__(self, limiter: RateLimiter) -> None:
        super().__init__()
        self.limiter = limiter

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context.context
        caller = context.principal.user_id if context.principal else f"anon:{context.client}"
        wait = self.limiter.charge(caller, max(1, context.query_cost))
        if wait > 0:
            seconds = max(1, math.ceil(wait))
            raise ApiError(
                Code.RATE_LIMITED,
                f"Too many requests: retry in {seconds} s",
                retryAfterSeconds=seconds,
            )
        yield
