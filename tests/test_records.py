"""Every record reads and writes exactly the seed's item shape, through the engine."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

from datasources.errors import UnreadableField
from datasources.records import RECORD_TYPES, record_from_item
from datasources.records.base import format_timestamp
from datasources.stores import Stores
from datasources.transaction import Update
from tests import seed_examples

_ISO = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?Z$")


def _ms(value: Any) -> Any:
    """Timestamps in the form records write (`.sssZ`): what a record reads is the same
    moment, written back in NeonPanda's app's own form."""
    if isinstance(value, dict):
        return {k: _ms(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_ms(v) for v in value]
    if isinstance(value, str) and (match := _ISO.match(value)):
        fraction = (match.group(2) or ".000")[:4].ljust(4, "0")
        return f"{match.group(1)}{fraction}Z"
    return value


@pytest.mark.parametrize("entity_type", sorted(seed_examples.ALL))
@pytest.mark.seed_shapes
async def test_seed_example_round_trips_through_the_table(stores: Stores, entity_type: str) -> None:
    example = copy.deepcopy(seed_examples.ALL[entity_type])
    if "ttl" in example:
        example["ttl"] = 4102444800  # 2100-01-01: still visible
    await stores.table.put(example)
    stored = await stores.table.get(example["pk"], example["sk"])
    assert stored == example
    record = record_from_item(stored)
    assert type(record) is RECORD_TYPES[entity_type]
    expected = _ms(example)
    if record.list_key() is not None:
        expected["listsk"] = record.list_key()  # derived, written with the record
        record.sync_list_key()
    assert record.to_item() == expected


@pytest.mark.parametrize("entity_type", sorted(seed_examples.ALL))
@pytest.mark.seed_shapes
async def test_an_update_writes_only_what_changed(stores: Stores, entity_type: str) -> None:
    """Unknown keys, and every stored byte the change does not touch, stay as they were
    (timestamps in another form included)."""
    example: dict[str, Any] = copy.deepcopy(seed_examples.ALL[entity_type])
    example.pop("ttl", None)
    example["futureTopLevel"] = {"kept": True}
    example["attributes"]["futureAttribute"] = [1, 2.5, "x"]
    await stores.table.put(example)

    record = record_from_item(await stores.table.get(example["pk"], example["sk"]) or {})
    record.track()
    record.updated_at = record.updated_at.replace(year=2026)
    stamp = format_timestamp(record.updated_at)
    changes = record.changes()
    assert changes.set == {("updatedAt",): stamp} and not changes.remove
    await stores.table.update(record.key, Update(set=changes.set, remove=changes.remove))

    again = await stores.table.get(example["pk"], example["sk"])
    assert again == {**example, "updatedAt": stamp}


def test_workout_keeps_unknown_nested_discipline_keys() -> None:
    item = copy.deepcopy(seed_examples.WORKOUT)
    item["attributes"]["workoutData"]["discipline_specific"]["crossfit"]["judge"] = "Ana"
    item["attributes"]["workoutData"]["performance_metrics"]["vo2"] = 51.5
    assert record_from_item(item).to_item() == _ms(item)


def test_unreadable_values_are_read_as_defaults_and_never_overwritten() -> None:
    item = copy.deepcopy(seed_examples.WORKOUT)
    item["attributes"]["workoutData"]["duration"] = "about an hour"  # not a number
    record = record_from_item(item)
    assert record.attributes.workout_data.duration is None
    record.track()
    record.attributes.summary = "edited"
    assert record.changes().set == {("attributes", "summary"): "edited"}  # duration untouched
    record.attributes.workout_data.duration = 60
    with pytest.raises(UnreadableField):
        record.changes()


def test_expired_items_are_detected() -> None:
    from datasources.table import is_expired

    assert is_expired({"ttl": 1703209200})
    assert not is_expired({"ttl": 4102444800})
    assert not is_expired({})


def test_timestamps_always_have_four_digit_years() -> None:
    from datetime import UTC, datetime

    from datasources.keys import iso_z
    from datasources.records.base import format_timestamp

    early = datetime(517, 2, 14, 17, 13, 38, 233000, tzinfo=UTC)
    assert format_timestamp(early) == "0517-02-14T17:13:38.233Z"
    assert datetime.fromisoformat(format_timestamp(early)) == early
    assert iso_z(early) == "0517-02-14T17:13:38.233Z"


def test_changes_are_computed_from_the_record_through_its_aliases() -> None:
    record = record_from_item(copy.deepcopy(seed_examples.ALL["conversationSummary"]))
    record.track()
    record.attributes.metadata.confidence = 0.5  # camelCase storage, nested map
    record.attributes.metadata.message_range = None
    record.attributes.structured_data.key_facts.current_goals = ["row 2k"]  # snake_case map
    changes = record.changes()
    assert changes.set == {
        ("attributes", "metadata", "confidence"): 0.5,
        ("attributes", "metadata", "messageRange"): None,
        ("attributes", "structuredData", "key_facts", "current_goals"): ["row 2k"],
    }
    assert changes.remove == []


def test_a_value_put_into_an_absent_map_writes_the_map() -> None:
    item = copy.deepcopy(seed_examples.ALL["userMemory"])
    del item["attributes"]["metadata"]
    record = record_from_item(item)
    record.track()
    record.attributes.metadata.tags.append("new")  # metadata was absent: default model
    changes = record.changes()
    assert list(changes.set) == [("attributes", "metadata")]
    assert changes.set[("attributes", "metadata")]["tags"] == ["new"]


def test_unchanged_values_write_nothing_and_type_changes_count() -> None:
    from datasources.records.base import diff

    record = record_from_item(copy.deepcopy(seed_examples.ALL["coachConfig"]))
    record.track()
    record.attributes.metadata.total_conversations = 4  # the value it already has
    assert not record.changes()
    assert diff({"a": 1}, {"a": True}).set == {("a",): True}
    assert diff({"a": [1, 2]}, {"a": [1, 2.0]}).set == {("a",): [1, 2.0]}
    assert diff({"a": {"b": 1, "c": 2}}, {"a": {"b": 1}}).remove == [("a", "c")]


def test_record_paths_go_through_aliases() -> None:
    from datasources.records import MemoryRecord, WorkoutRecord

    assert MemoryRecord.path("attributes", "metadata", "usage_count") == (
        "attributes",
        "metadata",
        "usageCount",
    )
    assert WorkoutRecord.path("attributes", "workout_data", "performance_metrics") == (
        "attributes",
        "workoutData",
        "performance_metrics",
    )
    with pytest.raises(KeyError):
        MemoryRecord.path("attributes", "no_such_field")
