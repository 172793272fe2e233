"""What a write changed in a stored item, as dotted paths: for the round-trip tests on
items shaped as NeonPanda's app writes them (a mutation must change nothing outside the
keys it names)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any


def _same(a: Any, b: Any) -> bool:
    """Equal as stored: numbers by value whatever their Python type (int, float, Decimal),
    booleans only to booleans, everything else by type and value."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, int | float | Decimal) and isinstance(b, int | float | Decimal):
        return Decimal(str(a)) == Decimal(str(b))
    return type(a) is type(b) and bool(a == b)


def changed_paths(old: Any, new: Any, path: str = "") -> set[str]:
    """Dotted paths (`attributes.technical_config.methodology`) whose value differs between
    `old` and `new`: maps are compared key by key at every level (a key added or removed
    is its own path); anything else, lists included, as a whole."""
    if isinstance(old, dict) and isinstance(new, dict):
        found: set[str] = set()
        for key in old.keys() | new.keys():
            here = f"{path}.{key}" if path else str(key)
            if key not in old or key not in new:
                found.add(here)
            else:
                found |= changed_paths(old[key], new[key], here)
        return found
    return set() if _same(old, new) else {path}


def outside(changed: set[str], allowed: set[str]) -> set[str]:
    """The changed paths that are not at or under one of `allowed` (dotted prefixes)."""
    return {p for p in changed if not any(p == a or p.startswith(a + ".") for a in allowed)}
