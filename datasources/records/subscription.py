"""The athlete's plan: NeonPanda's app's subscription item, `user#<userId>` / `subscription`
(amplify/dynamodb/subscription.ts:21-51; libs/subscription/types.ts). Written by the app's
billing webhooks (Stripe) only: this API reads it, never writes it."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from pydantic import Field

from datasources import keys
from datasources.records.base import CamelModel, ItemRecord


class PlanMetadata(CamelModel):
    founding_member: bool | None = None
    price_locked: bool | None = None


class PlanAttributes(CamelModel):
    user_id: str | None = None
    tier: str | None = None  # "free" | "electric"
    status: str | None = None  # "active" | "canceled" | "past_due" | "incomplete" | "trialing"
    current_period_start: float | None = None  # epoch seconds (Stripe's)
    current_period_end: float | None = None
    cancel_at_period_end: bool | None = None
    canceled_at: float | None = None
    metadata: PlanMetadata = Field(default_factory=PlanMetadata)
    # Stripe's ids (stripeSubscriptionId, stripeCustomerId, stripePriceId) stay as extras:
    # server-side only, never exposed.


class SubscriptionRecord(ItemRecord):
    ENTITY_TYPE: ClassVar[str] = keys.SUBSCRIPTION
    SK_OF: ClassVar[Callable[..., str]] = staticmethod(keys.subscription_sk)
    ADMIN_LISTED: ClassVar[bool] = False  # its Stripe ids stay server-side
    attributes: PlanAttributes
