"""tests/app_contract.py against the app's own writes (tests/app_items.py) and against copies
of them the app could not read."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from tests import app_items
from tests.app_contract import APP_COMMIT, CONTRACTS, check_items, violations

Item = dict[str, Any]
Path = tuple[str | int, ...]
DELETE = object()  # a mutation that removes the key


def _items() -> list[Item]:
    return app_items.all_items()


def _pick(entity: str, where: Path = (), equals: Any = None) -> Item:
    """The first fixture item of `entity` (whose value at `where` equals `equals`, if given)."""
    for item in _items():
        if item["entityType"] != entity:
            continue
        if where and _get(item, where) != equals:
            continue
        return item
    raise LookupError(entity)


def _get(item: Item, path: Path) -> Any:
    value: Any = item
    for key in path:
        try:
            value = value[key]
        except (KeyError, IndexError, TypeError):
            return None
    return value


def _mutated(item: Item, path: Path, value: Any) -> Item:
    changed = copy.deepcopy(item)
    target: Any = changed
    for key in path[:-1]:
        target = target[key]
    if value is DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return changed


def _as_boto3(item: Item) -> Item:
    """The item as boto3's TypeDeserializer hands it back: every number a Decimal."""

    def decimals(value: Any) -> Any:
        if isinstance(value, bool) or value is None:
            return value
        if isinstance(value, int | float):
            return Decimal(str(value))
        if isinstance(value, dict):
            return {key: decimals(inner) for key, inner in value.items()}
        if isinstance(value, list):
            return [decimals(inner) for inner in value]
        return value

    serializer, deserializer = TypeSerializer(), TypeDeserializer()
    wire = {key: serializer.serialize(value) for key, value in decimals(item).items()}
    return {key: deserializer.deserialize(value) for key, value in wire.items()}


# ---------------------------------------------------------------------------------------------
# (1) the app's own writes satisfy the contract
# ---------------------------------------------------------------------------------------------
def test_app_commit_is_the_fixtures_commit() -> None:
    assert APP_COMMIT == app_items.APP_COMMIT


def test_every_fixture_item_has_no_violations() -> None:
    assert check_items(_items()) == []


def test_every_contract_is_exercised_by_the_fixture() -> None:
    assert {item["entityType"] for item in _items()} == set(CONTRACTS)


# ---------------------------------------------------------------------------------------------
# (2) copies the app could not read
# ---------------------------------------------------------------------------------------------
PRIORITY = app_items.ATHLETE
CASES: list[tuple[str, Path, Any, str, str]] = [
    # entity, mutated path (under the item), new value, expected path text, expected cite
    ("coachConfig", ("attributes",), None, "attributes is null", "coach-config.ts:162"),
    (
        "coachConfig",
        ("attributes", "selected_personality"),
        None,
        "attributes.selected_personality is null",
        "amplify/dynamodb/coach-config.ts:149",
    ),
    (
        "coachConfig",
        ("attributes", "selected_personality"),
        DELETE,
        "attributes.selected_personality is missing",
        "personality-utils.ts:97",
    ),
    (
        "coachConfig",
        ("attributes", "selected_personality", "primary_template"),
        "",
        "attributes.selected_personality.primary_template is str ''",
        "personality-utils.ts:31",
    ),
    (
        "coachConfig",
        ("attributes", "generated_prompts"),
        DELETE,
        "attributes.generated_prompts is missing",
        "personality-utils.ts:101",
    ),
    (
        "coachConfig",
        ("attributes", "selected_methodology"),
        None,
        "attributes.selected_methodology is null",
        "personality-utils.ts:105",
    ),
    (
        "coachConfig",
        ("attributes", "technical_config"),
        None,
        "attributes.technical_config is null",
        "coach-config.ts:150",
    ),
    (
        "coachConfig",
        ("attributes", "technical_config", "specializations"),
        "snatch",
        "attributes.technical_config.specializations is str",
        "CoachAgent.js:636",
    ),
    (
        "coachConfig",
        ("attributes", "technical_config", "safety_constraints"),
        DELETE,
        "attributes.technical_config.safety_constraints is missing",
        "prompt-generation.ts:536",
    ),
    (
        "coachConfig",
        ("attributes", "metadata"),
        DELETE,
        "attributes.metadata is missing",
        "build-conversation-summary/handler.ts:352",
    ),
    (
        "workout",
        ("attributes", "extractionMetadata"),
        None,
        "attributes.extractionMetadata is null",
        "amplify/functions/get-workouts/handler.ts:129",
    ),
    (
        "workout",
        ("attributes", "workoutData"),
        DELETE,
        "attributes.workoutData is missing",
        "get-workouts/handler.ts:121",
    ),
    (
        "workout",
        ("attributes", "coachIds"),
        {"coach"},
        "attributes.coachIds is set",
        "workout.ts:398",
    ),
    (
        "workout",
        ("attributes", "workoutData", "pr_achievements"),
        {"a": 1},
        "attributes.workoutData.pr_achievements is dict",
        "WorkoutViewer.jsx:2844",
    ),
    (
        "coachConversation",
        ("attributes", "messages"),
        None,
        "attributes.messages is null",
        "stream-coach-conversation/handler.ts:414",
    ),
    (
        "coachConversation",
        ("attributes", "messages", 0),
        None,
        "attributes.messages[0] is null",
        "stream-coach-conversation/handler.ts:487",
    ),
    (
        "coachConversation",
        ("attributes", "messages", 1, "role"),
        "ai",
        "attributes.messages[1].role is str 'ai'",
        "message-caching.ts:304",
    ),
    (
        "coachConversation",
        ("attributes", "messages", 0, "content"),
        DELETE,
        "attributes.messages[0].content is missing",
        "message-caching.ts:304",
    ),
    (
        "coachConversation",
        ("attributes", "metadata"),
        DELETE,
        "attributes.metadata is missing",
        "build-conversation-summary/handler.ts:66",
    ),
    (
        "coachConversation",
        ("attributes", "conversationId"),
        42,
        "attributes.conversationId is int",
        "coach-conversation.ts:170",
    ),
    (
        "coachConversation",
        ("attributes", "metadata", "tags"),
        "olympic_lifting",
        "attributes.metadata.tags is str",
        "ManageCoachConversations.jsx:653",
    ),
    (
        "conversationSummary",
        ("attributes", "structuredData"),
        DELETE,
        "attributes.structuredData is missing",
        "summary.ts:399",
    ),
    (
        "conversationSummary",
        ("attributes", "structuredData", "current_goals"),
        None,
        "attributes.structuredData.current_goals is null",
        "summary.ts:399",
    ),
    (
        "conversationSummary",
        ("attributes", "structuredData", "important_context"),
        "shift work",
        "attributes.structuredData.important_context is str",
        "summary.ts:411",
    ),
    (
        "conversationSummary",
        ("attributes", "metadata", "messageRange"),
        DELETE,
        "attributes.metadata.messageRange is missing",
        "build-conversation-summary/handler.ts:103",
    ),
    (
        "userMemory",
        ("attributes", "content"),
        None,
        "attributes.content is null",
        "ManageMemories.jsx:490",
    ),
    (
        "userMemory",
        ("attributes", "metadata"),
        DELETE,
        "attributes.metadata is missing",
        "memory.ts:112",
    ),
    (
        "userMemory",
        ("attributes", "memoryId"),
        DELETE,
        "attributes.memoryId is missing",
        "memory.ts:142",
    ),
    (
        "userMemory",
        ("attributes", "metadata", "createdAt"),
        "2026-05-10 08:31:00",
        "attributes.metadata.createdAt is str",
        "prompt-generation.ts:682",
    ),
    (
        "userMemory",
        ("attributes", "metadata", "prospective", "triggerWindow"),
        DELETE,
        "attributes.metadata.prospective.triggerWindow is missing",
        "prospective.ts:279",
    ),
    (
        "coachCreatorSession",
        ("attributes", "todoList", "age"),
        DELETE,
        "attributes.todoList.age is missing",
        "coach-creator/todo-list-utils.ts:140",
    ),
    (
        "coachCreatorSession",
        ("attributes", "todoList", "competitionGoals"),
        None,
        "attributes.todoList.competitionGoals is null",
        "coach-creator/todo-list-utils.ts:136",
    ),
    (
        "coachCreatorSession",
        ("attributes", "conversationHistory"),
        None,
        "attributes.conversationHistory is null",
        "stream-coach-creator-session/handler.ts:157",
    ),
    (
        "coachCreatorSession",
        ("attributes", "startedAt"),
        "2025-11-20 13:33:20",
        "attributes.startedAt is str",
        "coach-creator.ts:39",
    ),
    (
        "coachCreatorSession",
        ("attributes", "configGeneration"),
        {"status": "IN_PROGRESS"},
        "attributes.configGeneration.startedAt is missing",
        "session-management.ts:355",
    ),
    ("user", ("attributes", "email"), DELETE, "attributes.email is missing", "user-profile.ts:210"),
    (
        "user",
        ("attributes", "metadata", "isActive"),
        "yes",
        "attributes.metadata.isActive is str",
        "admin.ts:110",
    ),
    (
        "user",
        ("attributes", "livingProfile", "highlightReel"),
        None,
        "attributes.livingProfile.highlightReel is null",
        "living-profile.ts:287",
    ),
    (
        "user",
        ("attributes", "livingProfile", "goalsAndProgress", "activeGoals"),
        DELETE,
        "attributes.livingProfile.goalsAndProgress.activeGoals is missing",
        "living-profile.ts:241",
    ),
    (
        "user",
        ("attributes", "livingProfile", "lifeContext", "constraints"),
        DELETE,
        "attributes.livingProfile.lifeContext.constraints is missing",
        "living-profile.ts:257",
    ),
    ("user", ("gsi2pk",), DELETE, "gsi2pk is missing", "user-profile.ts:139"),
    ("program", ("attributes", "phases"), None, "attributes.phases is null", "calendar-utils.ts"),
    ("program", ("attributes", "coachIds"), DELETE, "attributes.coachIds is missing", "515"),
    ("program", ("attributes", "programId"), 7, "attributes.programId is int", "program.ts:356"),
    ("program", ("gsi1pk",), DELETE, "gsi1pk is missing", "program.ts:315"),
    ("exercise", ("attributes", "metrics"), None, "attributes.metrics is null", "exercise.ts:364"),
    (
        "exercise",
        ("attributes", "exerciseName"),
        DELETE,
        "attributes.exerciseName is missing",
        "exercise.ts:539",
    ),
    (
        "exercise",
        ("attributes", "metrics", "repsPerSet"),
        {Decimal(2)},
        "attributes.metrics.repsPerSet is set",
        "exercise.ts:370",
    ),
]


def _base(entity: str, path: Path) -> Item:
    if entity == "userMemory" and "prospective" in path:
        return _pick(entity, ("attributes", "memoryType"), "prospective")
    return _pick(entity, ("pk",), f"user#{PRIORITY}")


@pytest.mark.parametrize(
    ("entity", "path", "value", "expected", "cite"),
    CASES,
    ids=[f"{case[0]}:{'.'.join(map(str, case[1]))}" for case in CASES],
)
def test_unreadable_copy_names_the_key_and_the_app_line(
    entity: str, path: Path, value: Any, expected: str, cite: str
) -> None:
    item = _base(entity, path)
    assert violations(item) == []
    found = violations(_mutated(item, path, value))
    assert found, f"no violation for {entity} {path} = {value!r}"
    assert any(expected in line and cite in line for line in found), found
    prefix = f"{entity} {item['sk']}: "
    assert all(line.startswith(prefix) for line in found), found


def test_the_example_sentence() -> None:
    workout = _pick("workout")
    broken = _mutated(workout, ("attributes", "extractionMetadata"), None)
    assert violations(broken) == [
        f"workout {workout['sk']}: attributes.extractionMetadata is null; the app reads "
        ".confidence unguarded (amplify/functions/get-workouts/handler.ts:129)"
    ]


OPTIONAL: list[tuple[str, Path, Any]] = [
    # what the app tolerates: these copies stay readable
    ("coachConfig", ("attributes", "modification_capabilities"), None),
    ("coachConfig", ("attributes", "generated_prompts", "gender_tone_prompt"), DELETE),
    ("workout", ("attributes", "summary"), DELETE),
    ("workout", ("attributes", "workoutData", "pr_achievements"), None),
    ("coachConversation", ("attributes", "title"), DELETE),
    ("coachConversation", ("attributes", "metadata", "totalMessages"), DELETE),
    ("userMemory", ("attributes", "coachId"), None),
    ("userMemory", ("attributes", "metadata", "tags"), DELETE),
    ("coachCreatorSession", ("attributes", "todoList", "competitionGoals"), DELETE),
    ("coachCreatorSession", ("attributes", "configGeneration"), None),
    ("user", ("attributes", "livingProfile"), None),
    ("user", ("attributes", "criticalTrainingDirective"), DELETE),
]


@pytest.mark.parametrize(("entity", "path", "value"), OPTIONAL)
def test_tolerated_changes_stay_readable(entity: str, path: Path, value: Any) -> None:
    item = _base(entity, path)
    assert violations(_mutated(item, path, value)) == []


def test_program_designer_todo_target_event_may_be_missing_not_null() -> None:
    session = _pick("programDesignerSession")
    path: Path = ("attributes", "todoList", "targetEvent")
    assert violations(_mutated(session, path, DELETE)) == []
    assert any(
        "todoList.targetEvent is null" in line for line in violations(_mutated(session, path, None))
    )


# ---------------------------------------------------------------------------------------------
# (3) numbers as boto3 returns them
# ---------------------------------------------------------------------------------------------
def test_decimal_numbers_are_accepted() -> None:
    items = [_as_boto3(item) for item in _items()]
    workout = next(item for item in items if item["entityType"] == "workout")
    assert isinstance(workout["attributes"]["extractionMetadata"]["confidence"], Decimal)
    assert check_items(items) == []


def test_a_string_or_bool_is_not_a_number() -> None:
    workout = _pick("workout")
    for value in ("0.9", True):
        path: Path = ("attributes", "extractionMetadata", "confidence")
        found = violations(_mutated(workout, path, value))
        assert any("extractionMetadata.confidence is" in line for line in found), found


# ---------------------------------------------------------------------------------------------
# Items that are not the app's
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "item",
    [
        {"pk": f"user#{PRIORITY}", "sk": "counts", "workouts": 4},
        {"pk": f"user#{PRIORITY}", "sk": "idempotency#abc", "entityType": "workout"},
        {"pk": "unique#username#dana", "sk": "unique", "entityType": "uniqueConstraint"},
        {"pk": "quota#chat#x", "sk": "window#1", "entityType": "workout"},
        {"pk": "meta#neonpanda", "sk": "migration#lists", "entityType": "migrationStep"},
        {"pk": "contactForm#a@b.c", "sk": "dedupe#key#k", "entityType": "contactForm"},
        {"pk": f"user#{PRIORITY}", "sk": "workout#w1"},
        {"pk": f"user#{PRIORITY}", "sk": "thing#1", "entityType": "somethingNew"},
    ],
)
def test_bookkeeping_and_unknown_items_are_skipped(item: Item) -> None:
    assert violations(item) == []


def test_check_items_concatenates() -> None:
    broken = _mutated(_pick("workout"), ("attributes", "workoutData"), None)
    also = _mutated(_pick("exercise"), ("attributes", "metrics"), None)
    assert check_items([broken, _pick("coachConfig"), also]) == violations(broken) + violations(
        also
    )
