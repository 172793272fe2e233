"""The fast read path gives exactly what boto3's would."""

from __future__ import annotations

from contextlib import AsyncExitStack
from decimal import Decimal
from pathlib import Path
from typing import Any

from boto3.dynamodb.types import TypeDeserializer
from hypothesis import given, settings
from hypothesis import strategies as st

from datasources.aws import AwsClients, open_clients
from datasources.raw_reads import RawItemsJSONParser, unwrap
from datasources.table import serialize_item
from devserver.engine import ENGINE_CREDENTIALS, EmbeddedEngine
from settings import Settings

_boto = TypeDeserializer()


def _plain(value: Any) -> Any:
    """boto3's result as this project stores it (the former path): numbers to int/float,
    sets to sorted lists, binaries to bytes."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted(_plain(v) for v in value)
    if hasattr(value, "value"):  # boto3's Binary
        return bytes(value.value)
    return value


numbers = st.one_of(
    st.integers(min_value=-(10**20), max_value=10**20),
    st.decimals(allow_nan=False, allow_infinity=False, places=6, min_value=-1e9, max_value=1e9),
)
leaves = st.one_of(st.text(max_size=20), numbers, st.booleans(), st.none(), st.binary(max_size=8))
values = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.text(min_size=1, max_size=5), inner, max_size=4),
        st.frozensets(st.text(max_size=5), min_size=1, max_size=3),
    ),
    max_leaves=20,
)


@settings(max_examples=300, derandomize=True)
@given(values)
def test_unwrap_matches_boto3(value: Any) -> None:
    wire = serialize_item({"v": value})["v"]
    assert unwrap(wire) == _plain(_boto.deserialize(wire))


async def test_raw_parser_gives_botocore_s_documents(
    engine: EmbeddedEngine, tmp_path: Path
) -> None:
    """One client with the raw read path, one without, the same table: every item-read
    answer is the same once binaries (base64 text here, bytes there) are unwrapped."""
    engine.reset()
    item = {
        "pk": "user#a",
        "sk": "workout#1",
        "n": 1.5,
        "blob": b"\x00\xff",
        "tags": {"x", "y"},
        "m": {"l": [1, "two", None, True]},
    }
    async with AsyncExitStack() as stack:
        config = Settings(data_dir=tmp_path)
        fast: AwsClients = await open_clients(
            stack, config, engine.endpoint_url, ENGINE_CREDENTIALS
        )
        session_client = await stack.enter_async_context(
            __import__("aioboto3")
            .Session(region_name="us-east-1", **ENGINE_CREDENTIALS)
            .client("dynamodb", endpoint_url=engine.endpoint_url)
        )
        await fast.dynamodb.create_table(
            TableName="t",
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
            ],
            KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
        )
        await fast.dynamodb.put_item(TableName="t", Item=serialize_item(item))
        key = serialize_item({"pk": "user#a", "sk": "workout#1"})
        calls: list[tuple[str, dict[str, Any]]] = [
            ("get_item", {"TableName": "t", "Key": key}),
            (
                "query",
                {
                    "TableName": "t",
                    "KeyConditionExpression": "pk = :p",
                    "ExpressionAttributeValues": {":p": {"S": "user#a"}},
                },
            ),
            ("scan", {"TableName": "t"}),
            ("batch_get_item", {"RequestItems": {"t": {"Keys": [key]}}}),
            ("transact_get_items", {"TransactItems": [{"Get": {"TableName": "t", "Key": key}}]}),
        ]
        parsed_raw = []
        original = RawItemsJSONParser._do_parse

        async def spy(self: Any, response: Any, shape: Any) -> Any:
            parsed_raw.append(shape.name)
            return await original(self, response, shape)

        RawItemsJSONParser._do_parse = spy  # type: ignore[method-assign]
        try:
            for operation, params in calls:
                mine = await getattr(fast.dynamodb, operation)(**params)
                theirs = await getattr(session_client, operation)(**params)
                for answer in (mine, theirs):
                    answer.pop("ResponseMetadata")
                assert _unwrapped(mine) == _unwrapped(theirs), operation
        finally:
            RawItemsJSONParser._do_parse = original  # type: ignore[method-assign]
        assert parsed_raw == [
            "GetItemOutput",
            "QueryOutput",
            "ScanOutput",
            "BatchGetItemOutput",
            "TransactGetItemsOutput",
        ]


def _unwrapped(value: Any) -> Any:
    """Every AttributeValue in an answer, unwrapped (so base64 text and bytes compare)."""
    if isinstance(value, dict):
        if len(value) == 1 and next(iter(value)) in {
            "S",
            "N",
            "B",
            "M",
            "L",
            "BOOL",
            "NULL",
            "SS",
            "NS",
            "BS",
        }:
            return unwrap(value)
        return {k: _unwrapped(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unwrapped(v) for v in value]
    return value
