"""Opaque, tamper-checked cursors bound to one user and one filter."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from resolvers.errors import bad_input

DEFAULT_PAGE = 20
MAX_PAGE = 100


class CursorCodec:
    def __init__(self, secret: bytes) -> None:
        self.secret = secret

    def _mac(self, payload: bytes) -> bytes:
        return hmac.new(self.secret, payload, hashlib.sha256).digest()[:16]

    def encode(self, scope: str, position: dict[str, Any]) -> str:
        """`scope` names the user, the list and its filter; the cursor is valid only there."""
        payload = json.dumps({"s": _scope_hash(scope), "p": position}, separators=(",", ":"))
        raw = payload.encode()
        return base64.urlsafe_b64encode(self._mac(raw) + raw).decode().rstrip("=")

    def decode(self, scope: str, cursor: str, argument: str = "after") -> dict[str, Any]:
        try:
            blob = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            mac, raw = blob[:16], blob[16:]
            if not hmac.compare_digest(mac, self._mac(raw)):
                raise ValueError("bad signature")
            payload = json.loads(raw)
        except (ValueError, TypeError) as err:
            raise bad_input("Invalid cursor", [argument]) from err
        if payload.get("s") != _scope_hash(scope):
            raise bad_input("Cursor belongs to another list or filter", [argument])
        position: dict[str, Any] = payload["p"]
        return position


def _scope_hash(scope: str) -> str:
    return hashlib.sha256(scope.encode()).hexdigest()[:16]


def page_size(first: int | None, argument: str = "first") -> int:
    if first is None:
        return DEFAULT_PAGE
    if first < 0 or first > MAX_PAGE:
        raise bad_input(f"{argument} must be between 0 and {MAX_PAGE}", [argument])
    return first
