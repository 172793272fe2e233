"""One shape for every value: a field the inputs take as an enum is an enum on output too,
and the list filters take the same enums (issue #14).

Stored data can hold values this API does not know (NeonPanda's app adds them as it
grows): such a value reads as `OTHER`, with the stored string in the `<field>Name` beside
it, and never breaks a read. A filter by a member returns exactly the items whose field
reads as that member; `OTHER` selects the values this API does not know.
Everything goes over HTTP against the engine, with items written as stored.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import Any

from datasources.content import ContentStore
from datasources.enums import (
    CreationType,
    Discipline,
    Importance,
    MemoryType,
    MessageRole,
    SophisticationLevel,
)
from datasources.records import (
    ConversationAttributes,
    ConversationRecord,
    MemoryAttributes,
    MemoryRecord,
    SessionAttributes,
    SessionRecord,
    WorkoutAttributes,
    WorkoutData,
    WorkoutRecord,
)
from datasources.records.conversation import Message
from datasources.stores import Stores
from devserver.builders import athlete, bulk_put
from tests.conftest import Api

NOW = datetime(2026, 5, 1, 7, tzinfo=UTC)
MISSING = object()  # the attribute is not stored at all


def _known(cls: type[Enum]) -> list[str]:
    return [str(m.value) for m in cls if m.name != "OTHER"]


def _member(cls: type[Enum], stored: Any, absent: str = "OTHER") -> str:
    """What a stored value must read as: the member whose value it is, else OTHER."""
    if stored is MISSING or stored is None:
        return absent
    return next((m.name for m in cls if m.value == stored and m.name != "OTHER"), "OTHER")


def _nodes(connection: dict[str, Any]) -> list[dict[str, Any]]:
    return [e["node"] for e in connection["edges"]]


async def _viewer(api: Api, selection: str, variables: dict[str, Any] | None = None) -> Any:
    body = await api.gql(selection, variables)
    assert "errors" not in body, body["errors"]
    return body["data"]["viewer"]


# --- what is stored -------------------------------------------------------------------------

# Every known value, values the app might add next month, the OTHER member's own value
# and no value at all.
DISCIPLINES: list[Any] = [*_known(Discipline), "pilates", "other", MISSING]
MEMORY_TYPES: list[Any] = [*_known(MemoryType), "gratitude"]
IMPORTANCES: list[Any] = [*_known(Importance), "urgent", MISSING]
ROLES: list[Any] = [*_known(MessageRole), "system", "tool"]
LEVELS: list[Any] = [*_known(SophisticationLevel), "EXPERT", MISSING]
CREATION_TYPES: list[Any] = [*_known(CreationType), "clone", MISSING]


def _without(item: dict[str, Any], *path: str) -> dict[str, Any]:
    here = item
    for part in path[:-1]:
        here = here[part]
    here.pop(path[-1], None)
    return item


def _workouts(user: str) -> list[dict[str, Any]]:
    items = []
    for n, stored in enumerate(DISCIPLINES):
        record = WorkoutRecord.new(
            WorkoutAttributes(
                workout_id=f"w{n:02d}",
                user_id=user,
                completed_at=NOW - timedelta(days=n),
                workout_data=WorkoutData(
                    workout_name=f"workout {n}",
                    discipline=None if stored is MISSING else stored,
                ),
            ),
            NOW,
        )
        items.append(record.to_item())
    return items


def _memories(user: str) -> list[dict[str, Any]]:
    items = []
    for n, (memory_type, importance) in enumerate(zip(MEMORY_TYPES, IMPORTANCES * 3, strict=False)):
        attrs = MemoryAttributes(
            memory_id=f"m{n:02d}", user_id=user, content=f"memory {n}", memory_type=memory_type
        )
        if importance is not MISSING:
            attrs.metadata.importance = importance
        item = MemoryRecord.new(attrs, NOW - timedelta(minutes=n)).to_item()
        if importance is MISSING:  # the app's items may lack it: the record's default
            _without(item, "attributes", "metadata", "importance")
        items.append(item)
    return items


def _conversation(user: str) -> dict[str, Any]:
    messages = [
        Message(id=f"msg{n}", role=role, content=f"said {n}", timestamp=NOW + timedelta(minutes=n))
        for n, role in enumerate(ROLES)
    ]
    attrs = ConversationAttributes(
        user_id=user, coach_id="c1", conversation_id="conv1", messages=messages
    )
    return ConversationRecord.new(attrs, NOW).to_item()


def _sessions(user: str, history: dict[str, Any]) -> list[dict[str, Any]]:
    items = []
    for n, (level, creation) in enumerate(zip(LEVELS, CREATION_TYPES * 2, strict=False)):
        attrs = SessionAttributes(
            session_id=f"s{n:02d}",
            user_id=user,
            started_at=NOW - timedelta(hours=n),
            creation_type=None if creation is MISSING else creation,
            history=history if n == 0 else None,
        )
        if level is not MISSING:
            attrs.sophistication_level = level
        item = SessionRecord.new(attrs, NOW).to_item()
        if level is MISSING:
            _without(item, "attributes", "sophisticationLevel")
        items.append(item)
    return items


HISTORY_LEVELS = [*_known(SophisticationLevel), "EXPERT"]


def _history_document() -> dict[str, Any]:
    """A coach-creator history as the app writes it to S3, with every level in it."""
    return {
        "sessionMetadata": {"sessionId": "s00", "finalSophisticationLevel": "EXPERT"},
        "questionHistory": [
            {"questionId": n, "topic": f"t{n}", "detectedSophistication": level}
            for n, level in enumerate(HISTORY_LEVELS, start=1)
        ],
        "sophisticationEvolution": [
            {"questionId": n, "detectedLevel": level, "confidence": 0.5}
            for n, level in enumerate(HISTORY_LEVELS, start=1)
        ],
    }


async def _store_everything(stores: Stores) -> None:
    await athlete(stores, "demo")
    content: ContentStore = stores.content
    key = "athletes/demo/coach_creator_sessions/s00/history.json"
    stored = await content.put_json(key, _history_document())
    await bulk_put(
        stores,
        [
            *_workouts("demo"),
            *_memories("demo"),
            _conversation("demo"),
            *_sessions("demo", stored.to_pointer()),
        ],
    )


# --- reads ----------------------------------------------------------------------------------

READ_ALL = """{ viewer {
  workouts(first: 100) { edges { node { workoutId discipline disciplineName } } }
  memories(first: 100) { edges { node { memoryId memoryType memoryTypeName
    importance importanceName } } }
  conversation(conversationId: "conv1", coachId: "c1") {
    messages(first: 100) { edges { node { messageId role roleName } } } }
  coachCreatorSessions(first: 100) { edges { node { sessionId
    sophisticationLevel sophisticationLevelName creationType creationTypeName } } }
  coachCreatorSession(sessionId: "s00") { history { document {
    sessionMetadata { finalSophisticationLevel finalSophisticationLevelName }
    questionHistory { questionId detectedSophistication detectedSophisticationName }
    sophisticationEvolution { questionId detectedLevel detectedLevelName } } } }
} }"""


def _raw(stored: Any) -> Any:
    return None if stored is MISSING else stored


async def test_every_stored_value_reads_as_its_member_or_other_beside_the_raw_value(
    api: Api, stores: Stores
) -> None:
    await _store_everything(stores)
    viewer = await _viewer(api, READ_ALL)

    workouts = {w["workoutId"]: w for w in _nodes(viewer["workouts"])}
    assert len(workouts) == len(DISCIPLINES)
    for n, stored in enumerate(DISCIPLINES):
        assert workouts[f"w{n:02d}"] == {
            "workoutId": f"w{n:02d}",
            "discipline": _member(Discipline, stored),
            "disciplineName": _raw(stored),
        }
    assert workouts["w19"]["discipline"] == "OTHER" and workouts["w19"]["disciplineName"] == (
        "pilates"
    )

    memories = {m["memoryId"]: m for m in _nodes(viewer["memories"])}
    assert len(memories) == len(MEMORY_TYPES)
    for n, (memory_type, importance) in enumerate(zip(MEMORY_TYPES, IMPORTANCES * 3, strict=False)):
        memory = memories[f"m{n:02d}"]
        assert memory["memoryType"] == _member(MemoryType, memory_type)
        assert memory["memoryTypeName"] == memory_type
        # An item without an importance reads as the record's default, medium.
        assert memory["importance"] == _member(Importance, importance, absent="MEDIUM")
        assert memory["importanceName"] == ("medium" if importance is MISSING else importance)

    messages = _nodes(viewer["conversation"]["messages"])
    assert [(m["role"], m["roleName"]) for m in messages] == [
        (_member(MessageRole, role), role) for role in ROLES
    ]
    assert messages[-1] == {"messageId": "msg3", "role": "OTHER", "roleName": "tool"}

    sessions = {s["sessionId"]: s for s in _nodes(viewer["coachCreatorSessions"])}
    assert len(sessions) == len(LEVELS)
    for n, (level, creation) in enumerate(zip(LEVELS, CREATION_TYPES * 2, strict=False)):
        session = sessions[f"s{n:02d}"]
        # The record's default for a session without a level is UNKNOWN.
        assert session["sophisticationLevel"] == _member(SophisticationLevel, level, "UNKNOWN")
        assert session["sophisticationLevelName"] == ("UNKNOWN" if level is MISSING else level)
        # No creation type stored: null (the field is nullable), not OTHER.
        assert session["creationType"] == (
            None if creation is MISSING else _member(CreationType, creation)
        )
        assert session["creationTypeName"] == _raw(creation)

    document = viewer["coachCreatorSession"]["history"]["document"]
    assert document["sessionMetadata"] == {
        "finalSophisticationLevel": "OTHER",
        "finalSophisticationLevelName": "EXPERT",
    }
    expected = [(_member(SophisticationLevel, level), level) for level in HISTORY_LEVELS]
    assert [
        (q["detectedSophistication"], q["detectedSophisticationName"])
        for q in document["questionHistory"]
    ] == expected
    assert [
        (s["detectedLevel"], s["detectedLevelName"]) for s in document["sophisticationEvolution"]
    ] == expected


# --- filters --------------------------------------------------------------------------------


async def test_the_workouts_filter_takes_the_enum_and_returns_exactly_the_matches(
    api: Api, stores: Stores
) -> None:
    await _store_everything(stores)
    everything = _nodes((await _viewer(api, READ_ALL))["workouts"])
    query = """query($d: Discipline) { viewer {
      workouts(filter: {discipline: $d}, first: 100) { totalCount
        edges { node { workoutId discipline } } } } }"""
    seen: list[str] = []
    for member in Discipline:
        workouts = (await _viewer(api, query, {"d": member.name}))["workouts"]
        got = [w["workoutId"] for w in _nodes(workouts)]
        expected = [w["workoutId"] for w in everything if w["discipline"] == member.name]
        assert got == expected, member
        assert workouts["totalCount"] == len(expected)
        seen += got
    # OTHER: the unknown value, the OTHER member's own value and the workout with none.
    other = (await _viewer(api, query, {"d": "OTHER"}))["workouts"]
    assert [w["workoutId"] for w in _nodes(other)] == ["w19", "w20", "w21"]
    assert sorted(seen) == sorted(w["workoutId"] for w in everything)  # each exactly once

    # The enum in a literal too, and with a date range (a key range) beside it.
    literal = await _viewer(
        api,
        """{ viewer { workouts(filter: {discipline: RUNNING,
            completedFrom: "2026-01-01T00:00:00Z"}) { edges { node { workoutId } } } } }""",
    )
    running = DISCIPLINES.index("running")
    assert [w["workoutId"] for w in _nodes(literal["workouts"])] == [f"w{running:02d}"]

    # A string is no longer a discipline.
    body = await api.gql('{ viewer { workouts(filter: {discipline: "running"}) { totalCount } } }')
    assert body["errors"] and body.get("data") is None


async def test_the_memory_and_session_filters_match_what_the_fields_read(
    api: Api, stores: Stores
) -> None:
    await _store_everything(stores)
    everything = await _viewer(api, READ_ALL)
    memories = _nodes(everything["memories"])
    sessions = _nodes(everything["coachCreatorSessions"])

    async def ids(selection: str, variables: dict[str, Any], key: str, field: str) -> list[str]:
        viewer = await _viewer(api, selection, variables)
        return sorted(n[field] for n in _nodes(viewer[key]))

    memory_query = """query($t: MemoryType, $i: Importance) { viewer {
      memories(filter: {memoryType: $t, importance: $i}, first: 100) {
        edges { node { memoryId } } } } }"""
    for t in MemoryType:
        expected = sorted(m["memoryId"] for m in memories if m["memoryType"] == t.name)
        assert await ids(memory_query, {"t": t.name}, "memories", "memoryId") == expected, t
    for i in Importance:
        expected = sorted(m["memoryId"] for m in memories if m["importance"] == i.name)
        assert await ids(memory_query, {"i": i.name}, "memories", "memoryId") == expected, i

    session_query = """query($l: SophisticationLevel) { viewer {
      coachCreatorSessions(filter: {sophisticationLevel: $l}, first: 100) {
        edges { node { sessionId } } } } }"""
    for level in SophisticationLevel:
        expected = sorted(
            s["sessionId"] for s in sessions if s["sophisticationLevel"] == level.name
        )
        got = await ids(session_query, {"l": level.name}, "coachCreatorSessions", "sessionId")
        assert got == expected, level
    # The stored default (no level at all) is UNKNOWN, for the field and the filter alike.
    missing = f"s{LEVELS.index(MISSING):02d}"
    assert missing in await ids(
        session_query, {"l": "UNKNOWN"}, "coachCreatorSessions", "sessionId"
    )
