"""The table wrapper against the engine: batching, retries, pagination, expiry, writes."""

from __future__ import annotations

import pytest
from boto3.dynamodb.conditions import Attr, Key

from datasources.cost import CostRecorder
from datasources.errors import BackendUnavailable, Cancelled, ConditionFailed, Failure
from datasources.stores import Stores
from datasources.transaction import Transaction, Update, absent
from tests.faults import after_call, defer_keys


async def _put_many(stores: Stores, n: int, pk: str = "user#u1") -> list[tuple[str, str]]:
    for i in range(n):
        await stores.table.put({"pk": pk, "sk": f"item#{i:04d}", "entityType": "t", "n": i})
    return [(pk, f"item#{i:04d}") for i in range(n)]


async def test_batch_get_250_keys_costs_three_calls_in_one_wave(
    stores: Stores, recorder: CostRecorder
) -> None:
    item_keys = await _put_many(stores, 240)
    wanted = [*item_keys[:240], *[("user#u1", f"missing#{i}") for i in range(10)]]
    wanted.reverse()
    recorder.calls.clear()
    recorder.attempts.clear()

    items = await stores.table.batch_get(wanted)

    assert recorder.count("dynamodb", "BatchGetItem") == 3
    assert recorder.to_dict()["dynamodb"]["waves"] == 1
    assert [(i["pk"], i["sk"]) if i else None for i in items] == [
        k if k[1].startswith("item#") else None for k in wanted
    ]


async def test_batch_get_retries_unprocessed_keys(stores: Stores, recorder: CostRecorder) -> None:
    item_keys = await _put_many(stores, 30)
    recorder.attempts.clear()
    calls = {"n": 0}

    def first_call_defers(parsed: dict) -> None:  # type: ignore[type-arg]
        calls["n"] += 1
        if calls["n"] == 1:
            defer_keys(stores.table.name, keep=10)(parsed)

    with after_call(stores.table.client, "BatchGetItem", first_call_defers):
        items = await stores.table.batch_get(item_keys)

    assert [i["n"] for i in items if i] == list(range(30))
    assert recorder.count("dynamodb", "BatchGetItem") == 2


async def test_batch_get_gives_up_at_its_deadline(stores: Stores) -> None:
    item_keys = await _put_many(stores, 5)
    stores.table.batch_get_deadline = 0.3
    never_done = defer_keys(stores.table.name, keep=0)
    with (
        after_call(stores.table.client, "BatchGetItem", never_done),
        pytest.raises(BackendUnavailable),
    ):
        await stores.table.batch_get(item_keys)


async def test_query_pages_are_full_despite_a_thin_filter(stores: Stores) -> None:
    await _put_many(stores, 60)
    key = Key("pk").eq("user#u1") & Key("sk").begins_with("item#")
    only_tens = Attr("n").is_in([0, 10, 20, 30, 40, 50])

    page = await stores.table.query(key, filter=only_tens, want=4)
    assert [i["n"] for i in page.items] == [0, 10, 20, 30]
    assert page.has_more is True

    from datasources.table import start_key_for

    rest = await stores.table.query(
        key, filter=only_tens, want=4, start_key=start_key_for(page.items[-1], None)
    )
    assert [i["n"] for i in rest.items] == [40, 50]
    assert rest.has_more is False
    assert await stores.table.count(key, filter=only_tens) == 6


async def test_expired_items_are_invisible_to_every_read(stores: Stores) -> None:
    await stores.table.put({"pk": "user#u1", "sk": "a", "entityType": "t", "ttl": 1000})
    await stores.table.put({"pk": "user#u1", "sk": "b", "entityType": "t", "ttl": 4102444800})
    assert await stores.table.get("user#u1", "a") is None
    assert await stores.table.get("user#u1", "b") is not None
    assert await stores.table.batch_get([("user#u1", "a"), ("user#u1", "b")]) == [
        None,
        await stores.table.get("user#u1", "b"),
    ]
    page = await stores.table.query(Key("pk").eq("user#u1"))
    assert [i["sk"] for i in page.items] == ["b"]
    assert await stores.table.count(Key("pk").eq("user#u1")) == 1


async def test_conditional_put_reports_the_current_item(stores: Stores) -> None:
    await stores.table.put({"pk": "p", "sk": "s", "v": 1}, condition=Attr("pk").not_exists())
    with pytest.raises(ConditionFailed) as failure:
        await stores.table.put({"pk": "p", "sk": "s", "v": 2}, condition=Attr("pk").not_exists())
    assert failure.value.item == {"pk": "p", "sk": "s", "v": 1}


async def test_update_sets_nested_paths_and_adds(stores: Stores) -> None:
    await stores.table.put({"pk": "p", "sk": "s", "attributes": {"a": {"b": 1}, "c": 2}, "n": 1})
    new = await stores.table.update(
        ("p", "s"),
        Update(set={("attributes", "a", "b"): 5}, add={("n",): 2}),
        condition=Attr("n").eq(1),
    )
    assert new == {"pk": "p", "sk": "s", "attributes": {"a": {"b": 5}, "c": 2}, "n": 3}


async def test_transaction_is_all_or_nothing_and_names_what_failed(stores: Stores) -> None:
    await stores.table.put({"pk": "taken", "sk": "s", "v": 7})
    tx = Transaction().put("fresh", {"pk": "new", "sk": "s"}, condition=absent())
    tx.put("claim", {"pk": "taken", "sk": "s"}, condition=absent())
    with pytest.raises(Cancelled) as failure:
        await stores.table.transact(tx)
    assert set(failure.value.failures) == {"claim"}
    assert failure.value.failed("claim") == Failure(
        "ConditionalCheckFailed", {"pk": "taken", "sk": "s", "v": 7}
    )
    assert failure.value.failed("fresh") is None
    assert await stores.table.get("new", "s") is None


def test_transaction_labels_are_unique() -> None:
    tx = Transaction().check("coach:c1", ("p", "coach#c1"), absent())
    with pytest.raises(ValueError, match="duplicate"):
        tx.check("coach:c1", ("p", "coach#c1"), absent())


async def test_delete_returns_the_old_item(stores: Stores) -> None:
    await stores.table.put({"pk": "p", "sk": "s", "v": 1})
    assert await stores.table.delete("p", "s") == {"pk": "p", "sk": "s", "v": 1}
    assert await stores.table.delete("p", "s") is None
