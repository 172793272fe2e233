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


def _error_response(url: str, status: int, error_type: str) -> Any:
    from aiobotocore.awsrequest import AioAWSResponse

    body = json.dumps(
        {
            "__type": f"com.amazonaws.dynamodb.v20120810#{error_type}",
            "message": f"injected {error_type}",
        }
    ).encode()
    headers = {"content-type": "application/x-amz-json-1.0", "x-amzn-requestid": "injected"}
    return AioAWSResponse(url, status, headers, _Body(body))


class FaultPlan:
    """Injects faults into a client's HTTP attempts, in order, for chosen operations.

    - "throttle": answer 400 ThrottlingException without reaching the engine;
    - "5xx": answer 500 InternalServerError without reaching the engine;
    - "drop": send the request to the engine (the write happens), then lose the response
      (a connection error botocore retries).
    """

    def __init__(self, client: Any, faults: dict[str, list[str]]) -> None:
        self.client = client
        self.faults = {op: list(kinds) for op, kinds in faults.items()}
        self.injected: list[tuple[str, str]] = []

    async def _handler(self, request: Any, event_name: str, **_: Any) -> Any:
        operation = event_name.rsplit(".", 1)[-1]
        queue = self.faults.get(operation)
        if not queue:
            return None
        kind = queue.pop(0)
        self.injected.append((operation, kind))
        if kind == "throttle":
            return _error_response(request.url, 400, "ThrottlingException")
        if kind == "5xx":
            return _error_response(request.url, 500, "InternalServerError")
        if kind == "drop":
            import httpx
            from botocore.exceptions import ConnectionClosedError

            async with httpx.AsyncClient() as http:
                await http.request(
                    request.method, request.url, headers=dict(request.headers), content=request.body
                )
            raise ConnectionClosedError(endpoint_url=request.url)
        raise ValueError(kind)

    def __enter__(self) -> FaultPlan:
        self.client.meta.events.register_last("before-send", self._handler)
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.meta.events.unregister("before-send", self._handler)
