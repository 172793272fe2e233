"""Idempotency markers: one item per (user, key) written in the same transaction as the effect.

A replay (the client's, or botocore's after a lost response) finds the marker, compares the
request fingerprint and is answered from what the first call did, with no second effect.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from typing import Any

from boto3.dynamodb.conditions import Attr

from datasources import keys
from datasources.table import Table, TransactAction

MARKER_TTL_SECONDS = 24 * 3600
ENTITY_TYPE = "idempotency"


def fingerprint(mutation: str, payload: Any) -> str:
    raw = json.dumps([mutation, payload], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class Marker:
    pk: str
    sk: str
    mutation: str
    fingerprint: str
    result_key: tuple[str, str] | None

    def action(self) -> TransactAction:
        item: dict[str, Any] = {
            "pk": self.pk,
            "sk": self.sk,
            "entityType": ENTITY_TYPE,
            "ttl": int(time.time()) + MARKER_TTL_SECONDS,
            "attributes": {
                "mutation": self.mutation,
                "fingerprint": self.fingerprint,
                "resultKey": list(self.result_key) if self.result_key else None,
            },
        }
        return TransactAction("Put", self.pk, self.sk, item=item, condition=Attr("pk").not_exists())


def marker(
    owner_pk: str, key: str, mutation: str, payload: Any, result_key: tuple[str, str] | None
) -> Marker:
    return Marker(
        pk=owner_pk,
        sk=f"{keys.IDEMPOTENCY_SK}{key}",
        mutation=mutation,
        fingerprint=fingerprint(mutation, payload),
        result_key=result_key,
    )


async def find(table: Table, m: Marker) -> dict[str, Any] | None:
    item = await table.get(m.pk, m.sk, consistent=True)
    return item if item and item.get("entityType") == ENTITY_TYPE else None
