"""DynamoDB's JSON, read fast.

Two shortcuts on the read path, both exact:

- `RawItemsParserFactory`: for the item-carrying read operations (GetItem, BatchGetItem,
  Query, Scan, TransactGetItems), a successful response body is taken with `json.loads`
  as it is: botocore's generic parser would walk the output shape member by member
  (thousands of calls for a page of workouts) only to produce the same dicts. Errors,
  other operations and other services keep botocore's parser, so retries, error codes
  and signing are unchanged. Binary values stay base64 text here; `unwrap` decodes them.
- `unwrap`: an AttributeValue to a plain Python value directly (numbers to int/float,
  sets to sorted lists), instead of boto3's `TypeDeserializer` plus a second pass.
"""

from __future__ import annotations

import base64
import json
from decimal import Decimal
from typing import Any

from aiobotocore.parsers import AioJSONParser, AioResponseParserFactory

RAW_OUTPUTS = frozenset(
    {"GetItemOutput", "BatchGetItemOutput", "QueryOutput", "ScanOutput", "TransactGetItemsOutput"}
)


class RawItemsJSONParser(AioJSONParser):  # type: ignore[misc]
    async def _do_parse(self, response: dict[str, Any], shape: Any) -> dict[str, Any]:
        if shape is None or shape.name not in RAW_OUTPUTS:
            parsed: dict[str, Any] = await super()._do_parse(response, shape)
            return parsed
        body = response["body"]
        parsed = json.loads(body) if body else {}
        self._inject_response_metadata(parsed, response["headers"])
        return parsed


class RawItemsParserFactory(AioResponseParserFactory):  # type: ignore[misc]
    def create_parser(self, protocol_name: str) -> Any:
        if protocol_name == "json":
            return RawItemsJSONParser(**self._defaults)
        return super().create_parser(protocol_name)


def install(client: Any) -> None:
    """Give a DynamoDB client the raw read path (aiobotocore keeps the factory on the
    client's endpoint; there is no public setter for one client)."""
    client._endpoint._response_parser_factory = RawItemsParserFactory()


def _number(text: str) -> int | float:
    try:
        return int(text)
    except ValueError:
        value = Decimal(text)
        return int(value) if value == value.to_integral_value() else float(value)


def _binary(value: Any) -> bytes:
    return bytes(value) if isinstance(value, bytes | bytearray) else base64.b64decode(value)


def unwrap(value: dict[str, Any]) -> Any:
    """One AttributeValue (`{"S": "x"}`, `{"M": {...}}`, ...) as a plain value."""
    ((kind, inner),) = value.items()
    if kind == "S":
        return inner
    if kind == "N":
        return _number(inner)
    if kind == "M":
        return {k: unwrap(v) for k, v in inner.items()}
    if kind == "L":
        return [unwrap(v) for v in inner]
    if kind == "BOOL":
        return inner
    if kind == "NULL":
        return None
    if kind == "SS":
        return sorted(inner)
    if kind == "NS":
        return sorted(_number(n) for n in inner)
    if kind == "B":
        return _binary(inner)
    if kind == "BS":
        return sorted(_binary(b) for b in inner)
    raise ValueError(f"unknown DynamoDB type {kind!r}")


def unwrap_item(raw: dict[str, Any]) -> dict[str, Any]:
    return {k: unwrap(v) for k, v in raw.items()}
