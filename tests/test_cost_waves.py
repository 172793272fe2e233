"""`extensions.cost.waves` follows what the code waited for, not the clock: a call that
starts after another ended, without having seen its result, is in the same wave; a call
issued after seeing a result (in the same task, through `cost.gather`, or through a
loader's batch) is in the next."""

from __future__ import annotations

import asyncio

from datasources import cost
from datasources.cost import CostRecorder, current_cost, track


def _waves(recorder: CostRecorder) -> int:
    return int(recorder.to_dict()["dynamodb"]["waves"])


async def test_a_call_after_another_ended_is_the_same_wave_unless_it_saw_the_result() -> None:
    recorder = CostRecorder()
    token = current_cost.set(recorder)
    seen = cost.forget_seen()
    try:
        first_ended = asyncio.Event()

        async def first() -> str:
            with track("dynamodb", "Query"):
                await asyncio.sleep(0)
            first_ended.set()
            return "page"

        async def second() -> None:
            await first_ended.wait()  # later by the clock, but it never saw the page
            with track("dynamodb", "Query"):
                await asyncio.sleep(0)

        await asyncio.gather(first(), second())  # plain gather: nothing seen here
        earlier, later = recorder.calls
        assert earlier.end <= later.start  # two waves by the clock
        assert _waves(recorder) == 1

        page, _ = await cost.gather(first(), second())  # seen: the next call is wave 2
        assert page == "page"
        with track("dynamodb", "BatchGetItem"):
            pass
        assert _waves(recorder) == 2
        with track("dynamodb", "GetItem"):  # issued after the BatchGetItem's result
            pass
        assert _waves(recorder) == 3
    finally:
        cost.reset_seen(seen)
        current_cost.reset(token)


async def test_calls_outside_a_request_are_not_chained() -> None:
    """A background task (the indexer, the stream readers) calls forever without a
    request's recorder: each call must not keep the one before it alive."""
    seen = cost.forget_seen()
    try:
        with track("dynamodb", "GetRecords") as first:
            pass
        with track("dynamodb", "GetRecords") as second:
            pass
        assert first.after is None and second.after is None
    finally:
        cost.reset_seen(seen)
