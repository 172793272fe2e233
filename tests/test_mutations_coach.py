"""Coach mutations over HTTP: createCoach writes what NeonPanda's app needs, updateCoach
merges, deleteCoach archives as the app does (and refuses while a program holds the coach).

Every item these tests make the API write is also checked against the app's contract by
conftest's autouse `app_contract` fixture."""

from __future__ import annotations

from typing import Any

import pytest

from datasources import keys
from datasources.errors import Busy
from datasources.inputs.coach import DeleteCoach
from datasources.stores.coach import CoachStore
from datasources.table import Table
from datasources.transaction import Update
from tests.app_contract import check_items
from tests.conftest import Api, cost
from tests.item_diff import changed_paths

CREATE = """mutation($input: CreateCoachInput!) { createCoach(input: $input) {
    coach { coachId name version personality { primaryTemplate }
            technicalConfig { specializations } } } }"""
UPDATE = """mutation($input: UpdateCoachInput!) { updateCoach(input: $input) {
    coach { name version personality { primaryTemplate }
            technicalConfig { specializations } } } }"""
DELETE = """mutation($input: DeleteCoachInput!) { deleteCoach(input: $input) {
    archivedCoachId deletedCoachId deletedMemoryCount
    coach { coachId status isArchived version } } }"""
EVERYTHING = """coachId name description status isArchived version genderPreference
  personality { primaryTemplate secondaryInfluences selectionReasoning
    blendingWeights { primary secondary } }
  methodology { primaryMethodology methodologyReasoning programmingEmphasis
    periodizationApproach creativityEmphasis workoutInnovation }
  technicalConfig { methodology programmingFocus experienceLevel trainingFrequency
    specializations injuryConsiderations goalTimeline preferredIntensity equipmentAvailable
    timeConstraints { preferredTime sessionDuration weeklyFrequency }
    safetyConstraints { volumeProgressionLimit contraindicatedExercises requiredModifications
      recoveryRequirements safetyMonitoring } }
  generatedPrompts { personalityPrompt safetyIntegratedPrompt motivationPrompt
    methodologyPrompt communicationStyle learningAdaptationPrompt genderTonePrompt }
  modificationCapabilities { enabledModifications personalityFlexibility
    programmingAdaptability creativeProgramming workoutVarietyEmphasis safetyOverrideLevel }
  metadata { createdDate totalConversations version userSatisfaction safetyProfile
    methodologyProfile { primary focus preferences experience }
    coachCreatorSessionSummary generationMethod generationTimestamp promptsSource }"""
CREATE_ALL = f"""mutation($input: CreateCoachInput!) {{ createCoach(input: $input) {{
    coach {{ {EVERYTHING} }} }} }}"""
UPDATE_ALL = f"""mutation($input: UpdateCoachInput!) {{ updateCoach(input: $input) {{
    coach {{ {EVERYTHING} }} }} }}"""
PROMPTS = (
    "personalityPrompt",
    "safetyIntegratedPrompt",
    "motivationPrompt",
    "methodologyPrompt",
    "communicationStyle",
    "learningAdaptationPrompt",
)


async def _ok(api: Api, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    body = await api.gql(query, variables)
    assert "errors" not in body, body["errors"]
    return body


async def _stored(api: Api, coach_id: str, user: str = "demo") -> dict[str, Any]:
    item = await api.runtime.stores.table.get(
        keys.user_pk(user), keys.coach_sk(coach_id), consistent=True
    )
    assert item is not None
    return item


def _nulls(value: Any, path: str = "") -> list[str]:
    if value is None:
        return [path]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _nulls(v, f"{path}.{k}")]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _nulls(v, f"{path}[{i}]")]
    return []


async def test_create_update_and_totals(demo_api: Api) -> None:
    body = await demo_api.gql(
        CREATE,
        {
            "input": {
                "name": "Ava",
                "personality": {"primaryTemplate": "ava"},
                "technicalConfig": {"specializations": ["rowing"]},
            }
        },
    )
    coach = body["data"]["createCoach"]["coach"]
    assert coach["name"] == "Ava" and coach["version"] == 1
    totals = await demo_api.gql("{ viewer { coaches { totalCount } } }")
    assert totals["data"]["viewer"]["coaches"]["totalCount"] == 3

    body = await demo_api.gql(
        UPDATE,
        {
            "input": {
                "coachId": coach["coachId"],
                "expectedVersion": 1,
                "name": "Ava 2",
                "technicalConfig": {"specializations": ["erg"]},
            }
        },
    )
    assert body["data"]["updateCoach"]["coach"] == {
        "name": "Ava 2",
        "version": 2,
        "personality": {"primaryTemplate": "ava"},
        "technicalConfig": {"specializations": ["erg"]},
    }
    stale = await demo_api.gql(
        UPDATE, {"input": {"coachId": coach["coachId"], "expectedVersion": 1, "name": "Nope"}}
    )
    assert stale["errors"][0]["extensions"] == {"code": "CONFLICT", "currentVersion": 2}


async def test_duplicate_coach_id_is_a_conflict(demo_api: Api) -> None:
    body = await demo_api.gql(CREATE, {"input": {"name": "Again", "coachId": "demo_coach_1"}})
    assert body["errors"][0]["extensions"]["code"] == "CONFLICT"
    coach = await demo_api.gql('{ viewer { coach(coachId: "demo_coach_1") { name } } }')
    assert coach["data"]["viewer"]["coach"] == {"name": "Marcus"}


# --- create ---------------------------------------------------------------------------


async def test_a_coach_made_from_a_name_alone_is_one_the_app_can_chat_with(
    demo_api: Api,
) -> None:
    body = await _ok(demo_api, CREATE_ALL, {"input": {"name": "Ava", "coachId": "ava"}})
    coach = body["data"]["createCoach"]["coach"]
    # One transaction (coach, idempotency marker, counter); nothing read.
    assert cost(body)["dynamodb"]["byOperation"] == {"TransactWriteItems": 1}
    # The app's own defaults (libs/coach-creator/tool-generation.ts, agents/.../helpers.ts).
    assert coach["status"] == "active" and coach["genderPreference"] == "neutral"
    assert coach["personality"]["primaryTemplate"] == "emma"
    assert coach["personality"]["blendingWeights"] == {"primary": 0.7, "secondary": 0.3}
    assert coach["methodology"]["primaryMethodology"] == "prvn_fitness"
    technical = coach["technicalConfig"]
    assert technical["methodology"] == "prvn_fitness" and technical["trainingFrequency"] == 4
    assert technical["equipmentAvailable"] == [] and technical["injuryConsiderations"] == []
    assert technical["timeConstraints"] == {
        "preferredTime": "flexible",
        "sessionDuration": "45-60 minutes",
        "weeklyFrequency": "4 days per week",
    }
    assert technical["safetyConstraints"]["contraindicatedExercises"] == []
    assert "form_over_intensity" in technical["safetyConstraints"]["safetyMonitoring"]
    assert coach["modificationCapabilities"]["safetyOverrideLevel"] == "limited"
    metadata = coach["metadata"]
    assert metadata["totalConversations"] == 0 and metadata["version"] == "1.0"
    assert metadata["promptsSource"] == "template" and metadata["generationMethod"] is None
    assert metadata["methodologyProfile"]["primary"] == "prvn_fitness"
    # Prompts templated from the coach's own fields, each long enough for the app's check
    # (prompt-generation.ts:872-876 warns under 50 characters).
    prompts = coach["generatedPrompts"]
    assert all(len(prompts[name]) >= 50 for name in PROMPTS), prompts
    assert prompts["personalityPrompt"].startswith("You are Ava, a patient, encouraging coach")
    # Stored without a single null, and readable by the app.
    item = await _stored(demo_api, "ava")
    assert _nulls(item) == [] and check_items([item]) == []
    # The same fields give the same prompts.
    again = await _ok(demo_api, CREATE_ALL, {"input": {"name": "Ava", "coachId": "ava-2"}})
    assert again["data"]["createCoach"]["coach"]["generatedPrompts"] == prompts


async def test_prompts_the_client_gives_are_kept_and_only_the_rest_templated(
    demo_api: Api,
) -> None:
    mine = {name: f"My own {name}, written by the athlete's trainer." for name in PROMPTS}
    body = await _ok(
        demo_api,
        CREATE_ALL,
        {"input": {"name": "Own", "generatedPrompts": {**mine, "genderTonePrompt": "Calm."}}},
    )
    coach = body["data"]["createCoach"]["coach"]
    assert {n: coach["generatedPrompts"][n] for n in PROMPTS} == mine
    assert coach["metadata"]["promptsSource"] == "client"

    body = await _ok(
        demo_api,
        CREATE_ALL,
        {
            "input": {
                "name": "Half",
                "genderPreference": "female",
                "generatedPrompts": {"motivationPrompt": mine["motivationPrompt"]},
            }
        },
    )
    coach = body["data"]["createCoach"]["coach"]
    assert coach["generatedPrompts"]["motivationPrompt"] == mine["motivationPrompt"]
    assert coach["generatedPrompts"]["genderTonePrompt"].startswith("You are a FEMALE")
    assert coach["metadata"]["promptsSource"] == "template"


async def test_bad_values_are_refused_before_anything_is_written(demo_api: Api) -> None:
    cases: list[tuple[dict[str, Any], list[str]]] = [
        ({"genderPreference": "robot"}, ["input", "genderPreference"]),
        (
            {"technicalConfig": {"trainingFrequency": 9}},
            ["input", "technicalConfig", "trainingFrequency"],
        ),
        ({"personality": {"primaryTemplate": ""}}, ["input", "personality", "primaryTemplate"]),
    ]
    for fields, path in cases:
        body = await demo_api.gql(CREATE_ALL, {"input": {"name": "X", **fields}})
        assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": path}
    totals = await demo_api.gql("{ viewer { coaches { totalCount } } }")
    assert totals["data"]["viewer"]["coaches"]["totalCount"] == 2


# --- update ---------------------------------------------------------------------------


async def _full_coach(api: Api, coach_id: str = "full") -> dict[str, Any]:
    body = await _ok(
        api,
        CREATE_ALL,
        {
            "input": {
                "name": "Rook",
                "coachId": coach_id,
                "description": "Hybrid engine builder",
                "genderPreference": "male",
                "personality": {
                    "primaryTemplate": "marcus",
                    "secondaryInfluences": ["alex"],
                    "blendingWeights": {"primary": 0.8, "secondary": 0.2},
                },
                "methodology": {"primaryMethodology": "hwpo_training"},
                "technicalConfig": {
                    "experienceLevel": "advanced",
                    "trainingFrequency": 5,
                    "injuryConsiderations": ["left shoulder"],
                    "equipmentAvailable": ["barbell", "rower"],
                    "timeConstraints": {"preferredTime": "morning", "sessionDuration": "60"},
                    "safetyConstraints": {"contraindicatedExercises": ["kipping"]},
                },
            }
        },
    )
    coach: dict[str, Any] = body["data"]["createCoach"]["coach"]
    return coach


async def test_update_changes_only_the_keys_it_names(demo_api: Api) -> None:
    await _full_coach(demo_api)
    before = await _stored(demo_api, "full")
    body = await _ok(
        demo_api,
        UPDATE_ALL,
        {
            "input": {
                "coachId": "full",
                "expectedVersion": 1,
                "description": "Engine and barbell",
                "personality": {"blendingWeights": {"secondary": 0.3}},
                "technicalConfig": {
                    "timeConstraints": {"preferredTime": "evening"},
                    "injuryConsiderations": None,
                    "safetyConstraints": {"recoveryRequirements": ["sleep 8h"]},
                },
                "modificationCapabilities": {"safetyOverrideLevel": "none"},
            }
        },
    )
    # One consistent read of the coach, one transaction.
    assert cost(body)["dynamodb"]["byOperation"] == {"GetItem": 1, "TransactWriteItems": 1}
    coach = body["data"]["updateCoach"]["coach"]
    assert coach["personality"]["blendingWeights"] == {"primary": 0.8, "secondary": 0.3}
    assert coach["technicalConfig"]["timeConstraints"] == {
        "preferredTime": "evening",
        "sessionDuration": "60",
        "weeklyFrequency": "5 days per week",
    }
    after = await _stored(demo_api, "full")
    a = "attributes."
    assert changed_paths(before, after) == {
        "version",
        "updatedAt",
        a + "coach_description",
        a + "selected_personality.blending_weights.secondary",
        a + "technical_config.time_constraints.preferred_time",
        a + "technical_config.injury_considerations",  # removed, not stored as null
        a + "technical_config.safety_constraints.recovery_requirements",
        a + "modification_capabilities.safety_override_level",
        # Kept twice by the app (its SafetyProfile): they move together.
        a + "metadata.safety_profile.injuries",
        a + "metadata.safety_profile.recoveryNeeds",
        # The description is part of the templated personality prompt.
        a + "generated_prompts.personality_prompt",
        # Removing the injuries changes the templated safety prompt.
        a + "generated_prompts.safety_integrated_prompt",
    }
    assert "injury_considerations" not in after["attributes"]["technical_config"]
    assert "injuries" not in after["attributes"]["metadata"]["safety_profile"]


async def test_null_is_refused_where_the_app_requires_a_value(demo_api: Api) -> None:
    await _full_coach(demo_api)
    cases: list[tuple[dict[str, Any], list[str]]] = [
        ({"name": None}, ["input", "name"]),
        ({"personality": None}, ["input", "personality"]),
        ({"personality": {"primaryTemplate": None}}, ["input", "personality", "primaryTemplate"]),
        (
            {"technicalConfig": {"timeConstraints": None}},
            ["input", "technicalConfig", "timeConstraints"],
        ),
        (
            {"technicalConfig": {"equipmentAvailable": None}},
            ["input", "technicalConfig", "equipmentAvailable"],
        ),
        (
            {"technicalConfig": {"safetyConstraints": {"contraindicatedExercises": None}}},
            ["input", "technicalConfig", "safetyConstraints", "contraindicatedExercises"],
        ),
        (
            {"generatedPrompts": {"motivationPrompt": None}},
            ["input", "generatedPrompts", "motivationPrompt"],
        ),
    ]
    for fields, path in cases:
        body = await demo_api.gql(
            UPDATE, {"input": {"coachId": "full", "expectedVersion": 1, **fields}}
        )
        error = body["errors"][0]
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": path}, fields
        assert "NeonPanda's app requires this key" in error["message"]
    assert (await _stored(demo_api, "full"))["version"] == 1


async def test_values_the_app_keeps_twice_move_together(demo_api: Api) -> None:
    await _full_coach(demo_api)
    body = await _ok(
        demo_api,
        UPDATE_ALL,
        {
            "input": {
                "coachId": "full",
                "expectedVersion": 1,
                "methodology": {"primaryMethodology": "mayhem_conditioning"},
                "technicalConfig": {"equipmentAvailable": ["rower", "skierg"]},
            }
        },
    )
    coach = body["data"]["updateCoach"]["coach"]
    assert coach["technicalConfig"]["methodology"] == "mayhem_conditioning"
    assert coach["metadata"]["methodologyProfile"]["primary"] == "mayhem_conditioning"
    assert coach["metadata"]["safetyProfile"]["equipment"] == ["rower", "skierg"]
    # A copy the same update sets itself keeps what it was given.
    body = await _ok(
        demo_api,
        UPDATE_ALL,
        {
            "input": {
                "coachId": "full",
                "expectedVersion": 2,
                "methodology": {"primaryMethodology": "opex_fitness"},
                "technicalConfig": {"methodology": "opex_hybrid"},
            }
        },
    )
    coach = body["data"]["updateCoach"]["coach"]
    assert coach["technicalConfig"]["methodology"] == "opex_hybrid"
    assert coach["metadata"]["methodologyProfile"]["primary"] == "opex_fitness"


async def test_templated_prompts_follow_the_coach_and_written_ones_stay(demo_api: Api) -> None:
    await _full_coach(demo_api)
    body = await _ok(
        demo_api,
        UPDATE_ALL,
        {
            "input": {
                "coachId": "full",
                "expectedVersion": 1,
                "name": "Nova",
                "generatedPrompts": {"motivationPrompt": "Mine: never skip the cooldown."},
            }
        },
    )
    coach = body["data"]["updateCoach"]["coach"]
    prompts = coach["generatedPrompts"]
    assert prompts["personalityPrompt"].startswith("You are Nova, a technical skills expert")
    assert prompts["motivationPrompt"] == "Mine: never skip the cooldown."
    assert coach["metadata"]["promptsSource"] == "template"
    # Once every prompt is the client's, a rename leaves them alone.
    written = {name: f"Written {name} for Nova, by a human coach." for name in PROMPTS}
    written["genderTonePrompt"] = "Steady."
    await _ok(
        demo_api,
        UPDATE,
        {"input": {"coachId": "full", "expectedVersion": 2, "generatedPrompts": written}},
    )
    body = await _ok(
        demo_api, UPDATE_ALL, {"input": {"coachId": "full", "expectedVersion": 3, "name": "Vega"}}
    )
    coach = body["data"]["updateCoach"]["coach"]
    assert coach["generatedPrompts"] == written and coach["metadata"]["promptsSource"] == "client"


async def test_left_out_and_null_are_different_requests_for_an_idempotency_key(
    demo_api: Api,
) -> None:
    await _full_coach(demo_api)
    request = {"coachId": "full", "expectedVersion": 1, "idempotencyKey": "u-1"}
    first = await _ok(demo_api, UPDATE, {"input": {**request, "description": None}})
    again = await _ok(demo_api, UPDATE, {"input": {**request, "description": None}})
    assert first["data"] == again["data"] and first["data"]["updateCoach"]["coach"]["version"] == 2
    other = await demo_api.gql(UPDATE, {"input": request})
    assert other["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "field": ["input", "idempotencyKey"],
    }
    assert "coach_description" not in (await _stored(demo_api, "full"))["attributes"]


async def test_an_incomplete_coach_is_made_whole_by_its_next_update(demo_api: Api) -> None:
    """A coach an older version of this API wrote (no prompts, no time or safety
    constraints) gets what the app requires, and only that, when it is next updated."""
    table = demo_api.runtime.stores.table
    item = await _stored(demo_api, "demo_coach_2")
    attributes = item["attributes"]
    del attributes["generated_prompts"], attributes["technical_config"]["time_constraints"]
    del (
        attributes["technical_config"]["safety_constraints"],
        attributes["metadata"]["prompts_source"],
    )
    await table.put(item)
    await _ok(
        demo_api,
        UPDATE,
        {"input": {"coachId": "demo_coach_2", "expectedVersion": 1, "description": "Emma"}},
    )
    after = await _stored(demo_api, "demo_coach_2")
    assert check_items([after]) == []
    assert changed_paths(item, after) == {
        "version",
        "updatedAt",
        "attributes.coach_description",
        "attributes.generated_prompts",
        "attributes.metadata.prompts_source",
        "attributes.technical_config.time_constraints",
        "attributes.technical_config.safety_constraints",
    }


# --- delete (archive) -----------------------------------------------------------------


async def _without_the_demo_program(api: Api) -> None:
    """The demo athlete's program holds demo_coach_1 (devserver/demo_data.py): these tests
    start from coaches no program holds, adding the programs they are about."""
    await api.runtime.stores.table.delete(keys.user_pk("demo"), keys.program_sk("demo_program_1"))


async def test_delete_archives_and_keeps_memories_and_conversations(demo_api: Api) -> None:
    """Behaviour changed on purpose: the app archives a coach (status archived) and keeps
    its memories; this API used to delete both."""
    await _without_the_demo_program(demo_api)
    before = await _stored(demo_api, "demo_coach_1")
    body = await _ok(demo_api, DELETE, {"input": {"coachId": "demo_coach_1", "expectedVersion": 1}})
    assert body["data"]["deleteCoach"] == {
        "archivedCoachId": "demo_coach_1",
        "deletedCoachId": "demo_coach_1",
        "deletedMemoryCount": 0,
        "coach": {
            "coachId": "demo_coach_1",
            "status": "archived",
            "isArchived": True,
            "version": 2,
        },
    }
    # The coach and the athlete's programs (two queries) in one wave, then one transaction.
    ddb = cost(body)["dynamodb"]
    assert ddb["byOperation"] == {"GetItem": 1, "Query": 2, "TransactWriteItems": 1}
    assert ddb["waves"] == 2
    after = await _stored(demo_api, "demo_coach_1")
    assert changed_paths(before, after) == {"attributes.status", "version", "updatedAt"}
    viewer = (
        await demo_api.gql("""{ viewer {
        coaches { totalCount }
        everyCoach: coaches(includeArchived: true) { totalCount }
        memories { totalCount }
        conversations(coachId: "demo_coach_1") {
          totalCount edges { node { coach { name isArchived } } } } } }""")
    )["data"]["viewer"]
    assert viewer["coaches"]["totalCount"] == 1 and viewer["everyCoach"]["totalCount"] == 2
    assert viewer["memories"]["totalCount"] == 5
    assert viewer["conversations"]["totalCount"] == 2
    assert all(
        e["node"]["coach"] == {"name": "Marcus", "isArchived": True}
        for e in viewer["conversations"]["edges"]
    )
    # Archiving an archived coach changes nothing.
    again = await _ok(
        demo_api, DELETE, {"input": {"coachId": "demo_coach_1", "expectedVersion": 2}}
    )
    assert again["data"]["deleteCoach"]["coach"]["version"] == 2


async def test_delete_with_stale_version_changes_nothing(demo_api: Api) -> None:
    body = await demo_api.gql(DELETE, {"input": {"coachId": "demo_coach_1", "expectedVersion": 2}})
    assert body["errors"][0]["extensions"] == {"code": "CONFLICT", "currentVersion": 1}
    after = await demo_api.gql("{ viewer { memories { totalCount } coaches { totalCount } } }")
    assert after["data"]["viewer"] == {"memories": {"totalCount": 5}, "coaches": {"totalCount": 2}}


async def test_delete_replays_with_its_idempotency_key(demo_api: Api) -> None:
    request = {"coachId": "demo_coach_2", "expectedVersion": 1, "idempotencyKey": "d-1"}
    first = await _ok(demo_api, DELETE, {"input": request})
    again = await _ok(demo_api, DELETE, {"input": request})
    assert first["data"] == again["data"]
    assert again["data"]["deleteCoach"]["coach"]["version"] == 2


def _program(
    program_id: str, coach_ids: list[str], status: str, *, pk: str | None = None
) -> dict[str, Any]:
    """A program as the app saves it (dynamodb/program.ts:26-62), trimmed."""
    attributes: dict[str, Any] = {
        "programId": program_id,
        "userId": "demo",
        "coachIds": coach_ids,
        "coachNames": ["Marcus"],
        "name": f"Program {program_id}",
        "status": status,
        "phases": [],
        "totalDays": 28,
    }
    sk = keys.program_sk(program_id)
    return {
        "pk": pk or keys.user_pk("demo"),
        "sk": sk,
        "entityType": keys.PROGRAM,
        "createdAt": "2026-05-03T18:00:00.000Z",
        "updatedAt": "2026-05-03T18:00:00.000Z",
        "gsi1pk": keys.user_pk("demo"),
        "gsi1sk": sk,
        "attributes": attributes,
    }


async def test_delete_is_refused_while_a_program_holds_the_coach(demo_api: Api) -> None:
    await _without_the_demo_program(demo_api)
    table = demo_api.runtime.stores.table
    legacy_pk = f"{keys.user_pk('demo')}#coach#demo_coach_1"  # the app's older layout
    for program in [
        _program("p-active", ["demo_coach_1"], "active"),
        _program("p-legacy", ["demo_coach_2", "demo_coach_1"], "paused", pk=legacy_pk),
        _program("p-archived", ["demo_coach_1"], "archived"),
        _program("p-other", ["demo_coach_2"], "active"),
    ]:
        await table.put(program)
    body = await demo_api.gql(DELETE, {"input": {"coachId": "demo_coach_1", "expectedVersion": 1}})
    error = body["errors"][0]
    assert error["extensions"] == {
        "code": "CONFLICT",
        "programs": [
            {"programId": "p-active", "name": "Program p-active", "status": "active"},
            {"programId": "p-legacy", "name": "Program p-legacy", "status": "paused"},
        ],
    }
    assert error["message"].startswith(
        "Cannot delete coach. There are 2 training program(s) associated with this coach "
        "(Program p-active, Program p-legacy)."
    )
    assert (await _stored(demo_api, "demo_coach_1"))["version"] == 1
    # Once the app archived them, the coach can go.
    for program_id, pk in [("p-active", keys.user_pk("demo")), ("p-legacy", legacy_pk)]:
        item = await table.get(pk, keys.program_sk(program_id), consistent=True)
        assert item is not None
        item["attributes"]["status"] = "archived"
        await table.put(item)
    body = await _ok(demo_api, DELETE, {"input": {"coachId": "demo_coach_1", "expectedVersion": 1}})
    assert body["data"]["deleteCoach"]["coach"]["status"] == "archived"


async def test_a_program_unarchived_while_the_delete_looked_stops_it(demo_api: Api) -> None:
    """The programs read are checked again at commit, in the same transaction."""
    await _without_the_demo_program(demo_api)
    stores = demo_api.runtime.stores
    program_key = (keys.user_pk("demo"), keys.program_sk("p-back"))
    await stores.table.put(_program("p-back", ["demo_coach_1"], "archived"))

    class UnarchiveDuringRead(Table):
        async def query(self, *args: Any, **kwargs: Any) -> Any:
            page = await super().query(*args, **kwargs)
            if kwargs.get("consistent"):  # the athlete's partition: the app writes meanwhile
                await stores.table.update(
                    program_key, Update(set={("attributes", "status"): "active"})
                )
            return page

    table = UnarchiveDuringRead(stores.table.client, stores.table.name)
    store = CoachStore(table, stores.coaches.content)
    with pytest.raises(Busy, match="changed meanwhile"):
        await store.delete("demo", DeleteCoach(coach_id="demo_coach_1", expected_version=1))
    assert (await _stored(demo_api, "demo_coach_1"))["attributes"]["status"] == "active"
