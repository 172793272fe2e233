"""S3 content store: gzip JSON with SSE, checksums verified, failures reported as such."""

from __future__ import annotations

import gzip
import json

import pytest

from datasources.aws import AwsClients
from datasources.errors import ContentUnavailable
from datasources.stores import Stores

DOC = {"workoutId": "w1", "notes": "Fran 8:57", "splits": [195, 148, 194]}


async def test_round_trip_is_gzip_json_with_encryption_and_checksum(
    stores: Stores, aws: AwsClients
) -> None:
    stored = await stores.content.put_json("athletes/u1/workouts/2025-06-20/w1.json", DOC)
    assert await stores.content.get_json(stored.key, stored.sha256) == DOC

    head = await aws.s3.head_object(Bucket=stores.content.bucket, Key=stored.key)
    assert head["ServerSideEncryption"] == "AES256"
    assert head["ContentEncoding"] == "gzip"
    assert head["Metadata"]["sha256"] == stored.sha256
    assert head["ContentLength"] == stored.size_bytes


async def test_identical_documents_store_identical_bytes(stores: Stores) -> None:
    first = await stores.content.put_json("athletes/u1/a.json", DOC)
    second = await stores.content.put_json("athletes/u1/b.json", dict(reversed(DOC.items())))
    assert first.sha256 == second.sha256


async def test_checksum_mismatch_is_detected(stores: Stores, aws: AwsClients) -> None:
    stored = await stores.content.put_json("athletes/u1/w.json", DOC)
    tampered = gzip.compress(json.dumps({**DOC, "notes": "Fran 7:00"}).encode())
    await aws.s3.put_object(Bucket=stores.content.bucket, Key=stored.key, Body=tampered)
    with pytest.raises(ContentUnavailable) as failure:
        await stores.content.get_json(stored.key, stored.sha256)
    assert failure.value.reason == "checksum mismatch"


async def test_missing_object_is_reported_not_raised_raw(stores: Stores) -> None:
    with pytest.raises(ContentUnavailable) as failure:
        await stores.content.get_json("athletes/u1/nothing.json")
    assert failure.value.reason == "object is missing"


async def test_corrupt_object_is_reported(stores: Stores, aws: AwsClients) -> None:
    await aws.s3.put_object(
        Bucket=stores.content.bucket, Key="athletes/u1/bad.json", Body=b"\x1f\x8bnot really gzip"
    )
    with pytest.raises(ContentUnavailable) as failure:
        await stores.content.get_json("athletes/u1/bad.json")
    assert failure.value.reason == "object is not valid gzip JSON"


async def test_presign_makes_no_request(stores: Stores) -> None:
    from datasources.cost import CostRecorder, current_cost

    recorder = CostRecorder()
    token = current_cost.set(recorder)
    try:
        url = await stores.content.presign("athletes/u1/w.json", 300)
    finally:
        current_cost.reset(token)
    assert "X-Amz-Signature" in url and "athletes/u1/w.json" in url
    assert recorder.count("s3") == 0
