"""createCoach / updateCoach / deleteCoach.

Deleting a coach also deletes its coach-specific memories (they only make sense for that
coach) in the same transaction; conversations, summaries and workouts are history and
stay, their `coach` resolving to null.
"""

from __future__ import annotations

import uuid
from typing import Any

from boto3.dynamodb.conditions import Attr, Key

from datasources import keys
from datasources.records import CoachAttributes, CoachRecord, utcnow
from datasources.records.coach import SelectedMethodology, SelectedPersonality, TechnicalConfig
from datasources.table import TransactAction
from resolvers.context import Info
from resolvers.errors import ApiError, Code
from resolvers.writes import (
    Commit,
    Replayed,
    bump,
    commit_record,
    current,
    raise_for_reasons,
    reload,
    version_is,
)

WHAT = "Coach"
_CONFIG_MODELS: dict[str, Any] = {
    "selected_personality": SelectedPersonality,
    "selected_methodology": SelectedMethodology,
    "technical_config": TechnicalConfig,
}
MAX_CASCADE = 98  # one transaction: marker + coach + memories (DynamoDB allows 100 actions)


def _config(data: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if data.personality is not None:
        out["selected_personality"] = data.personality.model_dump()
    if data.methodology is not None:
        out["selected_methodology"] = data.methodology.model_dump()
    if data.technical_config is not None:
        out["technical_config"] = data.technical_config.model_dump()
    return out


async def create_coach(info: Info, data: Any) -> CoachRecord:
    user_id, commit = Commit.for_caller(info, "createCoach", data)
    store = info.context.stores.coaches
    if await commit.seen():
        return await commit.replay(store, WHAT)
    now = utcnow()
    attrs = CoachAttributes.model_validate(
        {
            "coach_id": data.coach_id or f"coach_{uuid.uuid4().hex[:16]}",
            "coach_name": data.name,
            **_config(data),
            "metadata": {"created_date": now, "total_conversations": 0},
        }
    )
    record = CoachRecord.new(user_id, attrs, now)
    put = TransactAction(
        "Put", *record.key, item=record.to_item(), condition=Attr("pk").not_exists()
    )
    try:
        reasons = await commit.run([put], record.key)
    except Replayed as replay:
        return await reload(store, replay.result_key, WHAT)
    if reasons:
        raise ApiError(Code.CONFLICT, f"A coach with id {attrs.coach_id} already exists")
    return record


async def update_coach(info: Info, data: Any) -> CoachRecord:
    user_id, commit = Commit.for_caller(info, "updateCoach", data)
    store = info.context.stores.coaches
    if await commit.seen():
        return await commit.replay(store, WHAT)
    key = (keys.user_pk(user_id), keys.coach_sk(data.coach_id))
    record = await current(store, key, WHAT, data.expected_version)
    sets = bump(record)
    if data.name is not None:
        record.attributes.coach_name = data.name
        sets["attributes.coach_name"] = data.name
    for field, value in _config(data).items():
        setattr(record.attributes, field, _CONFIG_MODELS[field].model_validate(value))
        sets[f"attributes.{field}"] = value
    update = TransactAction(
        "Update", *key, set_values=sets, condition=version_is(data.expected_version)
    )
    return await commit_record(commit, store, [update], record, WHAT)


async def delete_coach(info: Info, data: Any) -> tuple[str, int]:
    """Returns (coachId, coach-specific memories deleted with it)."""
    user_id, commit = Commit.for_caller(info, "deleteCoach", data)
    if await commit.seen():
        return str(data.coach_id), 0
    table = info.context.stores.table
    memories = await table.query(
        Key("pk").eq(keys.user_pk(user_id)) & Key("sk").begins_with(keys.MEMORY_SK),
        filter=Attr("attributes.coachId").eq(data.coach_id),
        consistent=True,
    )
    if len(memories.items) > MAX_CASCADE:
        raise ApiError(Code.CONFLICT, f"Coach has over {MAX_CASCADE} memories; delete some first")
    key = (keys.user_pk(user_id), keys.coach_sk(data.coach_id))
    actions = [TransactAction("Delete", *key, condition=version_is(data.expected_version))]
    actions += [
        TransactAction(
            "Delete", m["pk"], m["sk"], condition=Attr("attributes.coachId").eq(data.coach_id)
        )
        for m in memories.items
    ]
    try:
        reasons = await commit.run(actions, None)
    except Replayed:
        return str(data.coach_id), 0
    if reasons:
        if reasons[0] != "ConditionalCheckFailed":
            raise ApiError(Code.CONFLICT, "The coach's memories changed meanwhile; retry")
        raise_for_reasons(reasons[:1], commit.current[:1], WHAT)
    return str(data.coach_id), len(memories.items)
