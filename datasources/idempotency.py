"""Idempotency: a marker item per (athlete, key), written in the same transaction as the
effect it stands for.

A replay (the client's, or botocore's after a lost response) finds the marker, compares the
request's fingerprint and is answered from what the first call did, with no second effect.
A write without a client key still gets a marker under a fresh key: botocore retrying a
transaction whose response was lost then finds it instead of a false condition failure.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from datasources import keys
from datasources.errors import Invalid
from datasources.transaction import Transaction, absent

MARKER_TTL_SECONDS = 24 * 3600
LABEL = "idempotency"
ResultKey = tuple[str, str]


def fingerprint(operation: str, payload: Any) -> str:
    raw = json.dumps([operation, payload], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class Intent:
    """One write, once: where its marker lives, under which key, and what it asked for."""

    owner_pk: str
    key: str
    from_client: bool
    operation: str
    fingerprint: str

    @classmethod
    def of(cls, user_id: str, data: BaseModel) -> Intent:
        """The intent of a validated input (its `idempotency_key`, if any, is the key)."""
        client_key: str | None = getattr(data, "idempotency_key", None)
        operation = type(data).__name__
        # A partial update (`inputs.common.Patch`) is what it names: a field left out and
        # one sent as null do different things, so they fingerprint differently.
        partial = bool(getattr(data, "FINGERPRINT_UNSET", False))
        body = data.model_dump(mode="json", exclude={"idempotency_key"}, exclude_unset=partial)
        return cls(
            owner_pk=keys.user_pk(user_id),
            key=client_key or f"auto-{uuid.uuid4().hex}",
            from_client=client_key is not None,
            operation=operation,
            fingerprint=fingerprint(operation, body),
        )

    @property
    def marker_key(self) -> tuple[str, str]:
        return (self.owner_pk, keys.idempotency_sk(self.key))

    def add_marker(
        self,
        tx: Transaction,
        result_key: ResultKey | None,
        outcome: dict[str, Any] | None = None,
    ) -> None:
        """The marker, put in `tx` only if absent; `outcome` is what a replay reports that
        the stored items cannot tell (how many rows a deletion removed)."""
        pk, sk = self.marker_key
        tx.put(
            LABEL,
            {
                "pk": pk,
                "sk": sk,
                "entityType": keys.IDEMPOTENCY,
                "ttl": int(time.time()) + MARKER_TTL_SECONDS,
                "attributes": {
                    "mutation": self.operation,
                    "fingerprint": self.fingerprint,
                    "resultKey": list(result_key) if result_key else None,
                    **({"outcome": outcome} if outcome is not None else {}),
                },
            },
            condition=absent(),
        )

    def result_of(self, marker: dict[str, Any]) -> ResultKey | None:
        """What the earlier call with this key produced; refuses another payload."""
        attrs = marker.get("attributes", {})
        if attrs.get("fingerprint") != self.fingerprint:
            raise Invalid(
                "idempotencyKey was already used with a different request", "idempotencyKey"
            )
        key = attrs.get("resultKey")
        return (key[0], key[1]) if key else None

    @staticmethod
    def outcome_of(marker: dict[str, Any]) -> dict[str, Any]:
        outcome = marker.get("attributes", {}).get("outcome")
        return dict(outcome) if isinstance(outcome, dict) else {}
