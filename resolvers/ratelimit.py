"""Per-caller rate limiting by query cost, shared by every server process.

Each request is charged its estimated cost (schema/limits.py) before execution against
the caller's budget for the current window (datasources/quota.py: a counter in the table,
spent through per-process leases). Over budget: RATE_LIMITED with `retryAfterSeconds`
(when the window ends). Anonymous callers are limited by their address.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from strawberry.extensions import SchemaExtension

from resolvers.errors import ApiError, Code


class RateLimit(SchemaExtension):
    """Charges the request's cost (computed by QueryLimits, which runs first)."""

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context.context
        caller = context.principal.user_id if context.principal else f"anon:{context.client}"
        charge = max(1, context.query_cost)
        wait, calls = await context.stores.quota.charge(caller, charge)
        context.cost.quota_calls += calls
        if wait == 0:
            context.cost.quota_charged = charge
        else:
            raise ApiError(
                Code.RATE_LIMITED,
                f"Too many requests: retry in {wait} s",
                retryAfterSeconds=wait,
            )
        yield
