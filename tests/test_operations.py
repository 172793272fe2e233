"""What the suite's write capture (the app-contract check's input) counts as a write."""

from __future__ import annotations

from datasources.aws_calls import _written_keys


def _key(pk: str, sk: str) -> dict[str, dict[str, str]]:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def test_a_condition_check_is_not_a_write() -> None:
    params = {
        "TransactItems": [
            {"Put": {"TableName": "t", "Item": {**_key("user#a", "workout#w"), "x": {"N": "1"}}}},
            {"ConditionCheck": {"TableName": "t", "Key": _key("user#a", "coach#c")}},
            {"Delete": {"TableName": "t", "Key": _key("user#a", "exercise#e")}},
            {"Update": {"TableName": "t", "Key": _key("user#a", "counts")}},
        ]
    }
    assert _written_keys("TransactWriteItems", params) == {
        ("t", "user#a", "workout#w"),
        ("t", "user#a", "exercise#e"),
        ("t", "user#a", "counts"),
    }
