"""`User.workouts`: completion-time order is the LSI's; other orders sort all matches."""

from __future__ import annotations

from typing import Any

from boto3.dynamodb.conditions import Attr, ConditionBase

from datasources import keys
from datasources.records import WorkoutRecord
from datasources.table import Page
from resolvers.context import Info
from resolvers.lists import RecordList, all_of, check_range, key_ordered, list_scope, lsi_range
from resolvers.pagination import page_size


def workout_filter(
    *,
    discipline: str | None,
    workout_type: str | None,
    location: str | None,
    coach_id: str | None,
    min_confidence: float | None,
) -> ConditionBase | None:
    data = "attributes.workoutData"
    return all_of(
        Attr(f"{data}.discipline").eq(discipline.lower()) if discipline else None,
        Attr(f"{data}.workout_type").eq(workout_type) if workout_type else None,
        Attr(f"{data}.location").eq(location) if location else None,
        Attr("attributes.coachIds").contains(coach_id) if coach_id else None,
        Attr("attributes.extractionMetadata.confidence").gte(min_confidence)
        if min_confidence is not None
        else None,
    )


async def list_workouts(
    info: Info,
    *,
    filter_args: dict[str, Any],
    order_field: str,
    descending: bool,
    first: int | None,
    after: str | None,
) -> RecordList[WorkoutRecord]:
    user_id = info.context.require_user().user_id
    store = info.context.stores.workouts
    low, high = filter_args.get("completed_from"), filter_args.get("completed_to")
    check_range(low, high, "completedTo")
    key = None
    if low is not None or high is not None:
        # A date range is a key range on the LSI: only matching workouts are read.
        key = lsi_range(
            user_id,
            keys.workout_lsi_bound(low, upper=False) if low else keys.LSI_PREFIX[keys.WORKOUT],
            keys.workout_lsi_bound(high, upper=True)
            if high
            else keys.LSI_PREFIX[keys.WORKOUT] + "\uffff",
        )
    condition = workout_filter(
        discipline=filter_args.get("discipline"),
        workout_type=filter_args.get("workout_type"),
        location=filter_args.get("location"),
        coach_id=filter_args.get("coach_id"),
        min_confidence=filter_args.get("min_confidence"),
    )
    args = {**filter_args, "order": order_field, "desc": descending}
    if order_field == "completedAt":
        return await key_ordered(
            info,
            store,
            name="workouts",
            args=args,
            base_prefix=keys.WORKOUT_SK,
            first=first,
            after=after,
            filter=condition,
            key=key,
            forward=not descending,
        )
    return await _sorted_in_memory(
        info, args, order_field, descending, first, after, condition, key
    )


def _text_desc(value: str) -> list[int]:
    # Negated code points plus a sentinel sort strings in reverse when compared ascending.
    return [-ord(c) for c in value.casefold()] + [1]


def _sort_key(record: WorkoutRecord, field: str, descending: bool) -> list[Any]:
    attrs = record.attributes
    if field == "confidence":
        meta = attrs.extraction_metadata
        value: Any = meta.confidence if meta else None
        if value is not None and descending:
            value = -value
    else:
        name = attrs.workout_data.workout_name
        value = None if name is None else (_text_desc(name) if descending else [name.casefold()])
    # Missing values last in either direction; the id makes the order total.
    return [1, 0, attrs.workout_id] if value is None else [0, value, attrs.workout_id]


async def _sorted_in_memory(
    info: Info,
    args: dict[str, Any],
    field: str,
    descending: bool,
    first: int | None,
    after: str | None,
    condition: ConditionBase | None,
    key: ConditionBase | None,
) -> RecordList[WorkoutRecord]:
    """CONFIDENCE and WORKOUT_NAME are not key orders: read every match, sort, slice."""
    user_id = info.context.require_user().user_id
    size = page_size(first)
    scope = list_scope(user_id, "workouts", args)
    codec = info.context.cursors
    position = codec.decode(scope, after)["o"] if after else None
    store = info.context.stores.workouts
    page: Page = await store.table.query(
        key if key is not None else store.partition_key(user_id),
        index="lsi1",
        filter=condition,
    )
    info.context.loaders.items.remember(page.items)
    records = [r for r in (store.parse(i) for i in page.items) if r is not None]
    ordered = sorted(records, key=lambda r: _sort_key(r, field, descending))
    if position is not None:
        ordered = [r for r in ordered if _sort_key(r, field, descending) > position]
    chosen = ordered[:size]

    async def count() -> int:
        return len(records)

    return RecordList(
        records=chosen,
        cursors=[codec.encode(scope, {"o": _sort_key(r, field, descending)}) for r in chosen],
        has_next=len(ordered) > size,
        has_previous=after is not None,
        count=count,
    )
