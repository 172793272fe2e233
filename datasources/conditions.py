"""boto3 conditions evaluated on an item in Python, for the operators the stores' list
filters use. This lets one condition say both what a list query filters on (sent to
DynamoDB) and whether an item a transaction writes counts toward that list
(`datasources/counts.py`): one definition, two uses, so they cannot drift apart."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from boto3.dynamodb.conditions import AttributeBase, ConditionBase

_MISSING = object()

_TYPES = {
    "S": lambda v: isinstance(v, str),
    "N": lambda v: isinstance(v, int | float | Decimal) and not isinstance(v, bool),
    "BOOL": lambda v: isinstance(v, bool),
    "NULL": lambda v: v is None,
    "M": lambda v: isinstance(v, Mapping),
    "L": lambda v: isinstance(v, list),
    "B": lambda v: isinstance(v, bytes | bytearray),
}


def _value(item: Mapping[str, Any], operand: Any) -> Any:
    if not isinstance(operand, AttributeBase):
        return operand
    here: Any = item
    for part in operand.name.split("."):
        if not isinstance(here, Mapping) or part not in here:
            return _MISSING
        here = here[part]
    return here


def evaluate(condition: ConditionBase, item: Mapping[str, Any]) -> bool:
    """Whether `item` (deserialized: NULL is None) satisfies `condition`."""
    expression = condition.get_expression()
    operator = expression["operator"]
    values = expression["values"]
    if operator == "AND":
        return all(evaluate(c, item) for c in values)
    if operator == "OR":
        return any(evaluate(c, item) for c in values)
    if operator == "NOT":
        return not evaluate(values[0], item)
    left = _value(item, values[0])
    rest = [_value(item, v) for v in values[1:]]
    if operator == "attribute_exists":
        return left is not _MISSING
    if operator == "attribute_not_exists":
        return left is _MISSING
    if left is _MISSING or any(v is _MISSING for v in rest):
        return False  # DynamoDB: a comparison with a missing attribute is false
    if operator == "attribute_type":
        return _TYPES[rest[0]](left)
    if operator == "=":
        return bool(left == rest[0])
    if operator == "<>":
        return bool(left != rest[0])
    if operator == "begins_with":
        return isinstance(left, str) and left.startswith(rest[0])
    if operator == "contains":
        return isinstance(left, str | list | set) and rest[0] in left
    try:
        if operator == "<":
            return bool(left < rest[0])
        if operator == "<=":
            return bool(left <= rest[0])
        if operator == ">":
            return bool(left > rest[0])
        if operator == ">=":
            return bool(left >= rest[0])
        if operator == "BETWEEN":
            return bool(rest[0] <= left <= rest[1])
    except TypeError:
        return False  # values of different types never compare true in DynamoDB
    if operator == "IN":
        return left in rest
    raise ValueError(f"cannot evaluate condition operator {operator!r}")


def paths(condition: ConditionBase) -> list[tuple[str, ...]]:
    """The attribute paths `condition` reads (a projection that suffices to evaluate it)."""
    out: list[tuple[str, ...]] = []
    for value in condition.get_expression()["values"]:
        if isinstance(value, ConditionBase):
            out += paths(value)
        elif isinstance(value, AttributeBase):
            out.append(tuple(value.name.split(".")))
    return list(dict.fromkeys(out))
