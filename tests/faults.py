"""In-process fault injection through botocore's event hooks (the protocol stays real)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def after_call(
    client: Any, operation: str, mutate: Callable[[dict[str, Any]], None]
) -> Iterator[None]:
    """Let `mutate` edit each parsed response of `operation` before the caller sees it."""

    def hook(parsed: dict[str, Any], **_: Any) -> None:
        mutate(parsed)

    event = f"after-call.{client.meta.service_model.endpoint_prefix}.{operation}"
    client.meta.events.register(event, hook)
    try:
        yield
    finally:
        client.meta.events.unregister(event, hook)


def defer_keys(table: str, keep: int | None = None) -> Callable[[dict[str, Any]], None]:
    """A BatchGetItem mutation that hands back all but `keep` items as UnprocessedKeys."""

    def mutate(parsed: dict[str, Any]) -> None:
        items = parsed.get("Responses", {}).get(table, [])
        cut = len(items) if keep is None else keep
        deferred = items[cut:]
        parsed["Responses"][table] = items[:cut]
        if deferred:
            parsed["UnprocessedKeys"] = {
                table: {"Keys": [{"pk": i["pk"], "sk": i["sk"]} for i in deferred]}
            }

    return mutate


class _Body:
    def __init__(self, body: bytes) -> None:
        self.body = body

    async def read(self) -> bytes:
        return self.body


def _error_response(
    service: str, url: str, status: int, error_type: str, extra: dict[str, Any] | None = None
) -> Any:
    from aiobotocore.awsrequest import AioAWSResponse

    if service == "s3":
        body = (
            f'<?xml version="1.0" encoding="UTF-8"?><Error><Code>{error_type}</Code>'
            f"<Message>injected {error_type}</Message></Error>"
        ).encode()
        headers = {"content-type": "application/xml", "x-amz-request-id": "injected"}
    else:
        body = json.dumps(
            {
                "__type": f"com.amazonaws.dynamodb.v20120810#{error_type}",
                "message": f"injected {error_type}",
                **(extra or {}),
            }
        ).encode()
        headers = {"content-type": "application/x-amz-json-1.0", "x-amzn-requestid": "injected"}
    return AioAWSResponse(url, status, headers, _Body(body))


_ERRORS = {
    ("dynamodb", "throttle"): (400, "ThrottlingException"),
    ("dynamodb", "5xx"): (500, "InternalServerError"),
    ("s3", "throttle"): (503, "SlowDown"),
    ("s3", "5xx"): (500, "InternalError"),
}


class FaultPlan:
    """Injects faults into a client's HTTP attempts, in order, for chosen operations.

    - "throttle": answer 400 ThrottlingException without reaching the engine;
    - "5xx": answer 500 InternalServerError without reaching the engine;
    - "drop": send the request to the engine (the write happens), then lose the response
      (a connection error botocore retries);
    - "conflict" (DynamoDB): the request collided with another writer's transaction on
      its first item, without reaching the engine: TransactWriteItems is cancelled
      (TransactionConflict for that item, None for the rest), any other write answers
      TransactionConflictException. moto never collides, DynamoDB does under load.
    """

    def __init__(
        self,
        client: Any,
        faults: dict[str, list[str]] | None = None,
        *,
        rate: float = 0.0,
        operations: tuple[str, ...] = (),
        seed: int = 0,
    ) -> None:
        """Either `faults` (per operation, in order) or a random `rate` over `operations`."""
        import random

        self.client = client
        self.service = client.meta.service_model.endpoint_prefix
        self.faults = {op: list(kinds) for op, kinds in (faults or {}).items()}
        self.rate = rate
        self.operations = operations
        self.rng = random.Random(seed)
        self.injected: list[tuple[str, str]] = []

    def _next(self, operation: str) -> str | None:
        queue = self.faults.get(operation)
        if queue:
            return queue.pop(0)
        if operation in self.operations and self.rng.random() < self.rate:
            return self.rng.choice(["throttle", "5xx", "drop"])
        return None

    async def _handler(self, request: Any, event_name: str, **_: Any) -> Any:
        operation = event_name.rsplit(".", 1)[-1]
        kind = self._next(operation)
        if kind is None:
            return None
        self.injected.append((operation, kind))
        if kind in ("throttle", "5xx"):
            status, error_type = _ERRORS[(self.service, kind)]
            return _error_response(self.service, request.url, status, error_type)
        if kind == "conflict":
            if operation != "TransactWriteItems":
                return _error_response(
                    self.service, request.url, 400, "TransactionConflictException"
                )
            actions = json.loads(request.body)["TransactItems"]
            reasons = [{"Code": "TransactionConflict", "Message": "Transaction is ongoing"}]
            reasons += [{"Code": "None"}] * (len(actions) - 1)
            return _error_response(
                self.service,
                request.url,
                400,
                "TransactionCanceledException",
                {"CancellationReasons": reasons},
            )
        if kind == "drop":
            import httpx
            from botocore.exceptions import ConnectionClosedError

            body = request.body
            if hasattr(body, "read"):  # a streamed body (S3's checksummed uploads): its bytes
                body = body.read()
            async with httpx.AsyncClient() as http:
                await http.request(
                    request.method, request.url, headers=dict(request.headers), content=body
                )
            raise ConnectionClosedError(endpoint_url=request.url)
        raise ValueError(kind)

    def __enter__(self) -> FaultPlan:
        self.client.meta.events.register_last("before-send", self._handler)
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.meta.events.unregister("before-send", self._handler)
