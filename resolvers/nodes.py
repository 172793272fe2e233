"""`node(id)` / `nodes(ids)`: global ids resolved inside the caller's partition only."""

from __future__ import annotations

from typing import Any

from resolvers.context import Info
from resolvers.errors import not_found


async def load_node(info: Info, type_name: str, parts: list[str]) -> Any:
    """The record behind a decoded global id (plus its type name), or NOT_FOUND."""
    user_id = info.context.require_user().user_id
    loaders = info.context.loaders
    record: Any = None
    if type_name == "User" and parts == [user_id]:
        record = await loaders.profile_by_user.load(user_id)
    elif type_name == "Coach" and len(parts) == 1:
        record = await loaders.coach_by_key.load((user_id, parts[0]))
    elif type_name == "CoachConversation" and len(parts) == 2:
        record = await loaders.conversation_by_key.load((user_id, parts[0], parts[1]))
    elif type_name == "ConversationSummary" and len(parts) == 1:
        record = await loaders.summary_by_conversation.load((user_id, parts[0]))
    elif type_name == "Workout" and len(parts) == 1:
        record = await loaders.workout_by_key.load((user_id, parts[0]))
    elif type_name == "UserMemory" and len(parts) == 1:
        record = await loaders.memory_by_key.load((user_id, parts[0]))
    elif type_name == "CoachCreatorSession" and len(parts) == 1:
        record = await loaders.session_by_key.load((user_id, parts[0]))
    if record is None:
        # Another user's id lands here too: it names nothing in this partition.
        raise not_found("Node")
    return record
