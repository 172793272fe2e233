"""In-process fault injection through botocore's event hooks (the protocol stays real)."""

from __future__ import annotations

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
