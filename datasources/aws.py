"""One aioboto3 session and one long-lived DynamoDB and S3 client per process."""

from __future__ import annotations

from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Any

import aioboto3
from botocore.config import Config

from datasources import aws_calls, raw_reads
from datasources.cost import count_attempt
from settings import Settings


@dataclass(frozen=True)
class Endpoints:
    """Where DynamoDB (and its stream) and S3 are; None: AWS's own for the region."""

    dynamodb: str | None = None
    s3: str | None = None


@dataclass
class AwsClients:
    dynamodb: Any
    s3: Any
    streams: Any  # dynamodbstreams: the table's change stream
    session: Any = None  # the aioboto3 session they came from (its loaded models reused)
    config: Any = None  # their botocore Config


def _count_send(event_name: str, **_: Any) -> None:
    # event_name: "before-send.<service>.<Operation>", fired once per HTTP attempt.
    _event, service, operation = event_name.split(".", 2)
    count_attempt(service, operation)


async def open_clients(
    stack: AsyncExitStack,
    settings: Settings,
    endpoints: Endpoints | str | None,
    credentials: dict[str, str] | None = None,
) -> AwsClients:
    """Open both clients inside `stack`; they close when the stack does."""
    if not isinstance(endpoints, Endpoints):
        endpoints = Endpoints(endpoints, endpoints)
    session = aioboto3.Session(region_name=settings.region, **(credentials or {}))
    config = Config(
        retries={"mode": "standard", "total_max_attempts": settings.aws_total_max_attempts},
        connect_timeout=settings.aws_connect_timeout,
        read_timeout=settings.aws_read_timeout,
        max_pool_connections=64,
        s3={"addressing_style": "path"} if endpoints.s3 else None,
        signature_version="s3v4",
    )
    dynamodb = await stack.enter_async_context(
        session.client("dynamodb", endpoint_url=endpoints.dynamodb, config=config)
    )
    s3 = await stack.enter_async_context(
        session.client("s3", endpoint_url=endpoints.s3, config=config)
    )
    streams = await stack.enter_async_context(
        session.client("dynamodbstreams", endpoint_url=endpoints.dynamodb, config=config)
    )
    if settings.aws_raw_reads:
        raw_reads.install(dynamodb)  # item reads skip botocore's generic parser (raw_reads.py)
    for client in (dynamodb, s3):
        client.meta.events.register("before-send", _count_send)
    for client in (dynamodb, s3, streams):
        aws_calls.install(client)  # what the code calls: the IAM policy's evidence
    return AwsClients(dynamodb=dynamodb, s3=s3, streams=streams, session=session, config=config)


async def read_secret(clients: AwsClients, secret_id: str, endpoint: str | None) -> str:
    """A Secrets Manager secret's string (the cursor secret), read once at start with a
    client opened for that call alone, from the other clients' session (its credentials
    and loaded data files: a new session would load them again)."""
    shared = clients.config
    config = Config(  # the same retries and timeouts; not the S3-specific signing
        retries=shared.retries,
        connect_timeout=shared.connect_timeout,
        read_timeout=shared.read_timeout,
    )
    async with clients.session.client(
        "secretsmanager", endpoint_url=endpoint, config=config
    ) as client:
        aws_calls.install(client)
        answer = await client.get_secret_value(SecretId=secret_id)
    value = answer.get("SecretString")
    if not value:
        raise ValueError(f"secret {secret_id!r} holds no SecretString")
    return str(value)
