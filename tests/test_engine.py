"""The embedded engine itself: the patched moto answers as moto does, and its journal
rebuilds exactly the state it acknowledged.

- Differential: one seeded random sequence of writes (puts, in-place updates that move
  index keys, deletes, transactions that commit or cancel) and reads (queries on the base
  table and every index, both directions, every key condition, paged to the end with
  Limit; scans paged with Limit) runs against the patched engine and against moto as
  released; every answer must be the same.
- Replay: a durable engine killed with -9 (no final snapshot) restarts to the same items,
  stream records, objects and versions it had; a torn journal tail is cut off.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from datasources.aws import AwsClients, open_clients
from datasources.definition import (
    ACCELERATOR_GSIS,
    accelerator_index_update,
    create_bucket,
    create_table,
)
from devserver.engine import ENGINE_CREDENTIALS, EmbeddedEngine
from settings import Settings

ROOT = Path(__file__).resolve().parent.parent
TABLE = "diff"
PARTITIONS = [f"user#u{n}" for n in range(4)]
SKS = [f"{kind}#{n:02d}" for kind in ("workout", "memory", "coach") for n in range(12)]
TYPES = ["workout", "userMemory", "coachConfig"]


@pytest.fixture(scope="module")
def unpatched(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedEngine]:
    log = tmp_path_factory.mktemp("unpatched") / "engine.log"
    with EmbeddedEngine(log_path=log, patched=False) as running:
        yield running


async def _clients(stack: AsyncExitStack, engine: EmbeddedEngine, tmp: Path) -> AwsClients:
    settings = Settings(data_dir=tmp, aws_total_max_attempts=1)
    return await open_clients(stack, settings, engine.endpoint_url, ENGINE_CREDENTIALS)


async def _table(dynamodb: Any) -> None:
    await create_table(dynamodb, TABLE)
    await dynamodb.update_table(TableName=TABLE, **accelerator_index_update(ACCELERATOR_GSIS[0]))


def _item(rng: random.Random, n: int) -> dict[str, Any]:
    item: dict[str, Any] = {
        "pk": {"S": rng.choice(PARTITIONS)},
        "sk": {"S": rng.choice(SKS)},
        "n": {"N": str(n)},
        "body": {"S": "x" * rng.randint(0, 50)},
    }
    if rng.random() < 0.8:
        item["entityType"] = {"S": rng.choice(TYPES)}
    if rng.random() < 0.7:
        item["listsk"] = {"S": f"{rng.choice(TYPES)}#{rng.randint(0, 30):03d}"}
    if rng.random() < 0.2:
        item["gsi1pk"] = {"S": f"email#{rng.randint(0, 3)}"}
        item["gsi1sk"] = {"S": "profile"}
    if rng.random() < 0.3:  # every attribute type, for the response encoding
        item["extra"] = {
            "M": {
                "blob": {"B": rng.randbytes(rng.randint(1, 20))},
                "blobs": {"BS": [rng.randbytes(4), rng.randbytes(5)]},
                "names": {"SS": ["a", "b", "ü"]},
                "numbers": {"NS": ["1", "2.5", "-3e2"]},
                "flag": {"BOOL": rng.random() < 0.5},
                "nothing": {"NULL": True},
                "list": {"L": [{"N": "0.1"}, {"S": "x\u2028y"}, {"M": {}}]},
            }
        }
    return item


def _key(rng: random.Random) -> dict[str, Any]:
    return {"pk": {"S": rng.choice(PARTITIONS)}, "sk": {"S": rng.choice(SKS)}}


def _write(rng: random.Random, n: int) -> tuple[str, dict[str, Any]]:
    roll = rng.random()
    if roll < 0.45:
        params = {"TableName": TABLE, "Item": _item(rng, n)}
        if rng.random() < 0.5:
            params["ReturnValues"] = "ALL_OLD"
        return "put_item", params
    if roll < 0.65:
        # In place: index keys move without a put (moto mutates the stored item).
        if rng.random() < 0.5:
            expression = "SET listsk = :l, n = :n"
            values = {":l": {"S": f"{rng.choice(TYPES)}#{rng.randint(0, 30):03d}"}}
        else:
            expression = "REMOVE listsk SET entityType = :t, n = :n"
            values = {":t": {"S": rng.choice(TYPES)}}
        values[":n"] = {"N": str(n)}
        update: dict[str, Any] = {
            "TableName": TABLE,
            "Key": _key(rng),
            "UpdateExpression": expression,
            "ExpressionAttributeValues": values,
        }
        if rng.random() < 0.5:
            update["ConditionExpression"] = "attribute_exists(pk)"
        update["ReturnValues"] = rng.choice(["NONE", "ALL_NEW", "ALL_OLD", "UPDATED_NEW"])
        return "update_item", update
    if roll < 0.8:
        return "delete_item", {
            "TableName": TABLE,
            "Key": _key(rng),
            "ReturnValues": rng.choice(["NONE", "ALL_OLD"]),
        }
    actions: list[dict[str, Any]] = []
    used: set[str] = set()
    for _ in range(rng.randint(2, 4)):
        item = _item(rng, n)
        marker = item["pk"]["S"] + item["sk"]["S"]
        if marker in used:
            continue
        used.add(marker)
        if rng.random() < 0.25:
            actions.append(
                {
                    "ConditionCheck": {
                        "TableName": TABLE,
                        "Key": {"pk": item["pk"], "sk": item["sk"]},
                        "ConditionExpression": "attribute_exists(pk)",
                    }
                }
            )
        elif rng.random() < 0.3:
            actions.append(
                {"Delete": {"TableName": TABLE, "Key": {"pk": item["pk"], "sk": item["sk"]}}}
            )
        else:
            actions.append({"Put": {"TableName": TABLE, "Item": item}})
    return "transact_write_items", {"TransactItems": actions}


def _read(rng: random.Random) -> tuple[str, dict[str, Any]]:
    roll = rng.random()
    if roll < 0.1:
        return "scan", {"TableName": TABLE, "Limit": rng.randint(1, 40)}
    if roll < 0.15:
        return "get_item", {"TableName": TABLE, "Key": _key(rng)}
    if roll < 0.2:
        wanted = list({str(k): k for k in (_key(rng) for _ in range(5))}.values())
        if rng.random() < 0.5:
            return "batch_get_item", {"RequestItems": {TABLE: {"Keys": wanted}}}
        return "transact_get_items", {
            "TransactItems": [{"Get": {"TableName": TABLE, "Key": k}} for k in wanted]
        }
    forward = rng.random() < 0.5
    limit = rng.randint(1, 15)
    pk = rng.choice(PARTITIONS)
    if roll < 0.5:
        prefix = rng.choice(["workout#", "memory#", "coach#", "w", ""])
        low, high = sorted(rng.sample(SKS, 2))
        condition, values = rng.choice(
            [
                ("pk = :h", {}),
                ("pk = :h AND begins_with(sk, :p)", {":p": {"S": prefix or "a"}}),
                ("pk = :h AND sk BETWEEN :a AND :b", {":a": {"S": low}, ":b": {"S": high}}),
                ("pk = :h AND sk > :a", {":a": {"S": low}}),
                ("pk = :h AND sk <= :a", {":a": {"S": high}}),
            ]
        )
        values[":h"] = {"S": pk}
        return "query", {
            "TableName": TABLE,
            "KeyConditionExpression": condition,
            "ExpressionAttributeValues": values,
            "ScanIndexForward": forward,
            "Limit": limit,
        }
    if roll < 0.75:
        index, condition, values = (
            "lists",
            "pk = :h AND begins_with(listsk, :p)",
            {":h": {"S": pk}, ":p": {"S": rng.choice(TYPES)}},
        )
    elif roll < 0.9:
        index, condition, values = (
            "gsi3",
            "entityType = :t",
            {":t": {"S": rng.choice(TYPES)}},
        )
    else:
        index, condition, values = (
            "gsi1",
            "gsi1pk = :e",
            {":e": {"S": f"email#{rng.randint(0, 3)}"}},
        )
    params = {
        "TableName": TABLE,
        "IndexName": index,
        "KeyConditionExpression": condition,
        "ExpressionAttributeValues": values,
        "ScanIndexForward": forward,
        "Limit": limit,
    }
    if rng.random() < 0.3:
        params["FilterExpression"] = "n > :min"
        params["ExpressionAttributeValues"] = {**values, ":min": {"N": str(rng.randint(0, 300))}}
    return "query", params


async def _answer(client: Any, operation: str, params: dict[str, Any]) -> Any:
    """The whole answer (every page for reads), minus request ids and the like."""
    try:
        if operation in ("query", "scan"):
            pages = []
            params = dict(params)
            while True:
                page = await getattr(client, operation)(**params)
                pages.append((page["Items"], page.get("LastEvaluatedKey"), page["Count"]))
                if "LastEvaluatedKey" not in page:
                    return pages
                params["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        response = await getattr(client, operation)(**params)
        response.pop("ResponseMetadata", None)
        return response
    except ClientError as err:
        return ("error", err.response["Error"]["Code"])


async def test_patched_engine_answers_as_moto_does(
    engine: EmbeddedEngine, unpatched: EmbeddedEngine, tmp_path: Path
) -> None:
    engine.reset()
    unpatched.reset()
    rng = random.Random(20261126)
    async with AsyncExitStack() as stack:
        ours = (await _clients(stack, engine, tmp_path)).dynamodb
        theirs = (await _clients(stack, unpatched, tmp_path)).dynamodb
        for side in (ours, theirs):
            await _table(side)
        compared = {"reads": 0, "writes": 0, "cancelled": 0, "pages": 0}
        for n in range(700):
            operation, params = _write(rng, n) if rng.random() < 0.55 else _read(rng)
            mine = await _answer(ours, operation, params)
            reference = await _answer(theirs, operation, params)
            assert mine == reference, (n, operation, params)
            if operation in ("query", "scan"):
                compared["reads"] += 1
                compared["pages"] += len(mine)
            elif operation.startswith(("get", "batch_get", "transact_get")):
                compared["reads"] += 1
            else:
                compared["writes"] += 1
                compared["cancelled"] += mine == ("error", "TransactionCanceledException")
        # The sequence exercised what it claims to.
        assert compared["reads"] > 200 and compared["writes"] > 250
        assert compared["cancelled"] > 5 and compared["pages"] > compared["reads"]


async def test_stream_records_are_bounded_by_the_size_of_their_images(
    engine: EmbeddedEngine, tmp_path: Path
) -> None:
    """Rewriting one big item many times keeps at most 16 MB of images in the stream (the
    newest ones, in order), where moto kept every record for ever."""
    async with AsyncExitStack() as stack:
        clients = await _clients(stack, engine, tmp_path)
        db = clients.dynamodb
        await create_table(db, "streamcap")
        await db.update_table(
            TableName="streamcap",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        )
        body = "x" * 150_000
        for n in range(80):
            await db.put_item(
                TableName="streamcap",
                Item={
                    "pk": {"S": "user#big"},
                    "sk": {"S": "memory#1"},
                    "n": {"N": str(n)},
                    "body": {"S": body},
                },
            )
        arn = (await db.describe_table(TableName="streamcap"))["Table"]["LatestStreamArn"]
        shard = (await clients.streams.describe_stream(StreamArn=arn))["StreamDescription"][
            "Shards"
        ][0]["ShardId"]
        iterator = (
            await clients.streams.get_shard_iterator(
                StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON"
            )
        )["ShardIterator"]
        records = (await clients.streams.get_records(ShardIterator=iterator, Limit=1000))["Records"]
        await db.delete_table(TableName="streamcap")
    kept = [int(r["dynamodb"]["NewImage"]["n"]["N"]) for r in records]
    assert 20 < len(kept) < 80  # each record holds two 150 KB images: ~55 fit in 16 MB
    assert kept == list(range(80 - len(kept), 80))
    assert sum(r["dynamodb"]["SizeBytes"] for r in records) <= 16 * 1024 * 1024


async def test_a_projected_query_copies_only_what_it_selects(
    engine: EmbeddedEngine, tmp_path: Path
) -> None:
    """A projected Query answers the selected parts (moto copied every whole matched item
    before projecting; the engine copies only what the projection keeps), and what it
    answered does not share anything with what is stored: later reads see the items as
    written, after projections of overlapping paths."""
    async with AsyncExitStack() as stack:
        clients = await _clients(stack, engine, tmp_path)
        db = clients.dynamodb
        await create_table(db, "projected")
        items: list[dict[str, Any]] = [
            {
                "pk": {"S": "user#p"},
                "sk": {"S": f"coachConversation#c#{n}"},
                "attributes": {
                    "M": {
                        "title": {"S": f"t{n}"},
                        "messages": {"L": [{"M": {"id": {"S": str(i)}}} for i in range(50)]},
                        "metadata": {"M": {"n": {"N": str(n)}, "tags": {"L": [{"S": "a"}]}}},
                    }
                },
            }
            for n in range(5)
        ]
        for item in items:
            await db.put_item(TableName="projected", Item=item)
        for paths in ("attributes.title, attributes.metadata", "attributes.metadata.tags", "pk"):
            page = await db.query(
                TableName="projected",
                KeyConditionExpression="pk = :p",
                ExpressionAttributeValues={":p": {"S": "user#p"}},
                ProjectionExpression=paths,
                Limit=3,
            )
            assert len(page["Items"]) == 3 and "LastEvaluatedKey" in page
            for got, stored in zip(page["Items"], items, strict=False):
                if paths == "pk":
                    assert got == {"pk": stored["pk"]}
                    continue
                attributes = stored["attributes"]["M"]
                if paths.startswith("attributes.title"):
                    want = {k: attributes[k] for k in ("title", "metadata")}
                else:
                    want = {"metadata": {"M": {"tags": attributes["metadata"]["M"]["tags"]}}}
                assert got == {"attributes": {"M": want}}
        whole = await db.query(
            TableName="projected",
            KeyConditionExpression="pk = :p",
            ExpressionAttributeValues={":p": {"S": "user#p"}},
        )
        assert whole["Items"] == items
        await db.delete_table(TableName="projected")


async def test_a_page_is_cut_by_the_size_items_have_now(
    engine: EmbeddedEngine, tmp_path: Path
) -> None:
    """The engine keeps each item's size between reads (patch 9); an update that grows or
    shrinks an item in place, alone or in a transaction, moves where the 1 MB page ends."""
    big = "x" * 200_000
    key = {"pk": {"S": "user#s"}, "sk": {"S": "item#0"}}

    async with AsyncExitStack() as stack:
        clients = await _clients(stack, engine, tmp_path)
        db = clients.dynamodb
        await create_table(db, "sized")

        async def first_page() -> tuple[int, bool]:
            page = await db.query(
                TableName="sized",
                KeyConditionExpression="pk = :p",
                ExpressionAttributeValues={":p": {"S": "user#s"}},
            )
            return len(page["Items"]), "LastEvaluatedKey" in page

        for n in range(4):
            await db.put_item(
                TableName="sized",
                Item={"pk": {"S": "user#s"}, "sk": {"S": f"item#{n}"}, "a": {"S": big}},
            )
        assert await first_page() == (4, False)  # 4 x 200 KB fit in 1 MB
        assert await first_page() == (4, False)  # sizes now kept
        grow = {"UpdateExpression": "SET b = :b", "ExpressionAttributeValues": {":b": {"S": big}}}
        await db.update_item(TableName="sized", Key=key, **grow)
        assert await first_page() == (3, True)  # item 0 is 400 KB now
        await db.update_item(TableName="sized", Key=key, UpdateExpression="REMOVE b")
        assert await first_page() == (4, False)
        await db.transact_write_items(
            TransactItems=[{"Update": {"TableName": "sized", "Key": key, **grow}}]
        )
        assert await first_page() == (3, True)
        await db.delete_table(TableName="sized")


def test_the_engine_keeps_no_reference_to_replaced_items() -> None:
    """moto appends every model object it creates to a class-level list (each item
    version, stream record and S3 object with its bytes), so under churn memory grew
    without bound (~16 KB per request in the soak benchmark). Run in a fresh interpreter:
    the patches apply process-wide."""
    code = """
import gc
from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.s3.models import FakeKey
from devserver import moto_patches
moto_patches.apply()
for n in range(1000):
    Item(DynamoType({"S": "user#a"}), DynamoType({"S": "x"}), {"n": {"N": str(n)}})
    FakeKey("k", b"x" * 1000, account_id="123456789012", region_name="us-east-1")
gc.collect()
print(len(Item.instances_tracked), len(FakeKey.instances_tracked),
      sum(isinstance(o, Item) for o in gc.get_objects()))
"""
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["0", "0", "0"], done.stdout + done.stderr


def test_a_projection_selects_what_moto_selects() -> None:
    """The patched projection (copying only what it selects) answers exactly what moto's
    own does, for the paths this project sends and for the awkward ones."""
    from moto.dynamodb.models.dynamo_type import DynamoType, Item

    from devserver import moto_patches

    rng = random.Random(7)
    item = Item(
        DynamoType({"S": "user#a"}),
        DynamoType({"S": "coachConversation#c#1"}),
        {
            "pk": {"S": "user#a"},
            "sk": {"S": "coachConversation#c#1"},
            "version": {"N": "3"},
            "attributes": {
                "M": {
                    "title": {"S": "t"},
                    "messages": {
                        "L": [{"M": {"id": {"S": str(i)}}} for i in range(rng.randint(1, 9))]
                    },
                    "metadata": {"M": {"tags": {"L": [{"S": "a"}]}, "n": {"NULL": True}}},
                    "profile": {"NULL": True},
                }
            },
        },
    )
    cases = [
        [["pk"], ["sk"], ["attributes", "title"], ["attributes", "metadata"]],
        [["attributes"]],
        [["attributes", "metadata"], ["attributes", "metadata", "tags"]],
        [["attributes", "metadata", "tags"], ["attributes", "metadata"]],
        [["missing"], ["attributes", "absent"], ["version"]],
        [["attributes", "messages"]],
    ]
    for paths in cases:
        ours = moto_patches.project(item, paths)
        theirs = Item.project(item, paths)  # moto's (this process never applies the patches)
        assert ours.to_json() == theirs.to_json(), paths
    # A path through a NULL selects nothing (moto's fails on it).
    nothing = moto_patches.project(item, [["attributes", "profile", "x"]])
    assert nothing.to_json() == {"Attributes": {}}


# --- the journal ---------------------------------------------------------------------


async def _state(clients: AwsClients) -> dict[str, Any]:
    """Everything a client can see: items, stream records, objects and their versions."""
    db, s3 = clients.dynamodb, clients.s3
    items = []
    params: dict[str, Any] = {"TableName": TABLE}
    while True:
        page = await db.scan(**params)
        items += page["Items"]
        if "LastEvaluatedKey" not in page:
            break
        params["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    described = await db.describe_table(TableName=TABLE)
    arn = described["Table"]["LatestStreamArn"]
    stream = await clients.streams.describe_stream(StreamArn=arn)
    shard = stream["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = (
        await clients.streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON"
        )
    )["ShardIterator"]
    records = (await clients.streams.get_records(ShardIterator=iterator, Limit=1000))["Records"]
    versions = await s3.list_object_versions(Bucket="journal-bucket")
    objects = {}
    for version in versions.get("Versions", []):
        got = await s3.get_object(
            Bucket="journal-bucket", Key=version["Key"], VersionId=version["VersionId"]
        )
        async with got["Body"] as body:
            objects[(version["Key"], version["VersionId"])] = (await body.read(), got["ETag"])
    return {
        "items": sorted(items, key=lambda i: (i["pk"]["S"], i["sk"]["S"])),
        "table": {
            k: described["Table"][k] for k in ("TableArn", "CreationDateTime", "LatestStreamArn")
        },
        "records": [(r["eventID"], r["eventName"], r["dynamodb"]) for r in records],
        "versions": [
            (v["Key"], v["VersionId"], v["LastModified"], v["ETag"], v["IsLatest"])
            for v in versions.get("Versions", [])
        ],
        "markers": [(m["Key"], m["VersionId"]) for m in versions.get("DeleteMarkers", [])],
        "objects": objects,
    }


async def _busy_durable(clients: AwsClients) -> None:
    db, s3 = clients.dynamodb, clients.s3
    await create_table(db, TABLE)
    await db.update_table(
        TableName=TABLE,
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    await create_bucket(s3, "journal-bucket", "us-east-1")
    await s3.put_bucket_versioning(
        Bucket="journal-bucket", VersioningConfiguration={"Status": "Enabled"}
    )
    rng = random.Random(7)
    for n in range(120):
        operation, params = _write(rng, n)
        await _answer(db, operation, params)
        if n % 10 == 0:
            await s3.put_object(Bucket="journal-bucket", Key=f"k{n % 3}", Body=os.urandom(64))
    await s3.delete_object(Bucket="journal-bucket", Key="k1")
    upload = await s3.create_multipart_upload(Bucket="journal-bucket", Key="big")
    part = await s3.upload_part(
        Bucket="journal-bucket",
        Key="big",
        UploadId=upload["UploadId"],
        PartNumber=1,
        Body=b"p" * 1024,
    )
    await s3.complete_multipart_upload(
        Bucket="journal-bucket",
        Key="big",
        UploadId=upload["UploadId"],
        MultipartUpload={"Parts": [{"ETag": part["ETag"], "PartNumber": 1}]},
    )


@pytest.fixture
async def durable(tmp_path: Path) -> AsyncIterator[tuple[Path, list[EmbeddedEngine]]]:
    started: list[EmbeddedEngine] = []
    yield tmp_path / "engine", started
    for engine in started:
        engine.stop()


def _start(data: Path, started: list[EmbeddedEngine]) -> EmbeddedEngine:
    engine = EmbeddedEngine(data.parent / "engine.log", data_dir=data)
    started.append(engine)
    return engine.start()


def _kill(engine: EmbeddedEngine) -> None:
    assert engine.pid is not None
    os.kill(engine.pid, signal.SIGKILL)
    engine.stop()  # reaps it


async def test_a_killed_engine_recovers_exactly_what_it_acknowledged(
    durable: tuple[Path, list[EmbeddedEngine]], tmp_path: Path
) -> None:
    data, started = durable
    first = _start(data, started)
    async with AsyncExitStack() as stack:
        clients = await _clients(stack, first, tmp_path)
        await _busy_durable(clients)
        before = await _state(clients)
    _kill(first)
    assert not (data / "snapshot.pkl").exists()  # all of it comes from the journal
    # A torn append (a crash mid-write, never acknowledged) at the end of the journal.
    segment = max(data.glob("journal.*"), key=lambda p: int(p.name.split(".")[1]))
    segment.write_bytes(segment.read_bytes() + b"\x40\x00\x00\x00\xde\xad\xbe\xefhalf a record")
    second = _start(data, started)
    async with AsyncExitStack() as stack:
        clients = await _clients(stack, second, tmp_path)
        after = await _state(clients)
        assert after == before
        # And it keeps going: a write after recovery survives the next crash too.
        await clients.dynamodb.put_item(
            TableName=TABLE, Item={"pk": {"S": "user#after"}, "sk": {"S": "profile"}}
        )
    _kill(second)
    third = _start(data, started)
    async with AsyncExitStack() as stack:
        clients = await _clients(stack, third, tmp_path)
        got = await clients.dynamodb.get_item(
            TableName=TABLE, Key={"pk": {"S": "user#after"}, "sk": {"S": "profile"}}
        )
        assert "Item" in got
        assert (await _state(clients))["objects"] == before["objects"]
    assert before["records"] and before["markers"] and len(before["versions"]) > 3


async def test_a_clean_stop_snapshots_and_compaction_drops_the_journal(
    durable: tuple[Path, list[EmbeddedEngine]], tmp_path: Path
) -> None:
    data, started = durable
    first = _start(data, started)
    async with AsyncExitStack() as stack:
        clients = await _clients(stack, first, tmp_path)
        await _busy_durable(clients)
        before = await _state(clients)
    first.stop()
    assert (data / "snapshot.pkl").exists()
    assert all(p.stat().st_size == 0 for p in data.glob("journal.*"))
    second = _start(data, started)
    async with AsyncExitStack() as stack:
        assert await _state(await _clients(stack, second, tmp_path)) == before
    log = (data.parent / "engine.log").read_text().splitlines()
    recovered = [line for line in log if "recovered" in line]
    assert len(recovered) == 2 and ", 0 replayed)" in recovered[-1], recovered


async def test_reset_forgets_the_journal(
    durable: tuple[Path, list[EmbeddedEngine]], tmp_path: Path
) -> None:
    data, started = durable
    engine = _start(data, started)
    async with AsyncExitStack() as stack:
        await create_table((await _clients(stack, engine, tmp_path)).dynamodb, TABLE)
    assert sum(p.stat().st_size for p in data.glob("journal.*")) > 0
    engine.reset()
    assert sum(p.stat().st_size for p in data.glob("journal.*")) == 0
    _kill(engine)
    again = _start(data, started)
    async with AsyncExitStack() as stack:
        listed = await (await _clients(stack, again, tmp_path)).dynamodb.list_tables()
    assert listed["TableNames"] == []
