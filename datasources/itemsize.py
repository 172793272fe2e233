"""DynamoDB's item size, computed before a write is sent (the limit is 400 KB).

Sizes follow DynamoDB's documented rules: names and strings are their UTF-8 bytes,
binaries their length, numbers about one byte per two significant digits plus one,
booleans and nulls one byte, lists and maps three bytes plus one per element plus their
elements (map keys count as names).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

MAX_ITEM_BYTES = 400 * 1024


def _number(value: int | float | Decimal) -> int:
    digits = Decimal(str(value)).normalize().as_tuple().digits
    return min(21, (len(digits) + 1) // 2 + 1)


def value_size(value: Any) -> int:
    """Iterative (a value may nest deep): the bytes DynamoDB counts for `value`."""
    total = 0
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            total += len(node.encode())
        elif isinstance(node, bool) or node is None:
            total += 1
        elif isinstance(node, int | float | Decimal):
            total += _number(node)
        elif isinstance(node, bytes | bytearray):
            total += len(node)
        elif isinstance(node, Mapping):
            total += 3 + len(node)
            for key, child in node.items():
                total += len(str(key).encode())
                stack.append(child)
        elif isinstance(node, list | tuple | set | frozenset):
            total += 3 + len(node)
            stack.extend(node)
        else:
            total += len(str(node).encode())
    return total


def item_size(item: Mapping[str, Any]) -> int:
    return sum(len(name.encode()) + value_size(value) for name, value in item.items())


def largest_path(item: Mapping[str, Any]) -> list[str]:
    """Where most of an item's bytes are: from the top, into the biggest attribute while
    it holds most of its parent (e.g. `attributes.preferences`)."""
    path: list[str] = []
    node: Any = item
    while isinstance(node, Mapping) and node:
        sizes = {str(k): value_size(v) for k, v in node.items()}
        name = max(sizes, key=lambda k: sizes[k])
        if path and sizes[name] * 2 < sum(sizes.values()):
            break
        path.append(name)
        node = node[name]
    return path
