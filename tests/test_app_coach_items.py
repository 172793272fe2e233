"""Round trips on coach items as NeonPanda's app writes them (tests/app_items.py: per
athlete a generated coach in use, a generated coach the app archived, a coach copied from a
template): every coach mutation, then the raw stored item read back. Nothing may change
outside the keys the mutation names (and the copies of them the app keeps, which move
together), besides our bookkeeping; the app's contract holds afterwards (conftest's
autouse `app_contract` checks every item the API wrote)."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from datasources import keys
from devserver.engine import EmbeddedEngine
from tests import app_items
from tests.conftest import Api, serve_app_items
from tests.item_diff import changed_paths

OURS = {"version", "updatedAt", "listsk"}  # bookkeeping every write of ours maintains
A = "attributes."
UPDATE = """mutation($i: UpdateCoachInput!) { updateCoach(input: $i) { coach { version } } }"""
DELETE = """mutation($i: DeleteCoachInput!) { deleteCoach(input: $i) {
    coach { status version } } }"""
CREATE = """mutation($i: CreateCoachInput!) { createCoach(input: $i) { coach { coachId } } }"""


@pytest.fixture
async def coach_api(engine: EmbeddedEngine, tmp_path: Path) -> AsyncIterator[Api]:
    """The app's items; no indexer (nothing writes but the mutations under test)."""
    async for api in serve_app_items(engine, tmp_path, indexer=False):
        yield api


def _coaches(user: str) -> list[dict[str, Any]]:
    return [copy.deepcopy(i) for i in app_items.items_for(user) if i["entityType"] == "coachConfig"]


def _at(attributes: dict[str, Any], path: str) -> Any:
    node: Any = attributes
    for name in path.split("."):
        node = node.get(name) if isinstance(node, dict) else None
    return node


def _folded(value: Any) -> Any:
    if isinstance(value, str):
        return value.casefold()
    if isinstance(value, list):
        return [_folded(v) for v in value]
    return value


def _copies(attributes: dict[str, Any], original: str, *copies: str) -> set[str]:
    """The copies the app keeps of `original` that hold its value now (they move with it)."""
    value = _folded(_at(attributes, original))
    return {
        A + c
        for c in copies
        if _at(attributes, c) is not None and _folded(_at(attributes, c)) == value
    }


def _cases(attributes: dict[str, Any]) -> list[tuple[str, dict[str, Any], set[str]]]:
    """(what, the update's fields, the stored paths it may change) for one app coach."""
    tc, sc = "technical_config.", "technical_config.safety_constraints."
    return [
        (
            "personality, nested",
            {
                "personality": {
                    "selectionReasoning": "rt reasoning",
                    "blendingWeights": {"secondary": 0.25},
                }
            },
            {
                A + "selected_personality.selection_reasoning",
                A + "selected_personality.blending_weights.secondary",
            },
        ),
        (
            "methodology details",
            {"methodology": {"programmingEmphasis": "rt-emphasis", "workoutInnovation": "rt"}},
            {
                A + "selected_methodology.programming_emphasis",
                A + "selected_methodology.workout_innovation",
            },
        ),
        (
            "the methodology, kept three times",
            {"methodology": {"primaryMethodology": "rt_methodology"}},
            {A + "selected_methodology.primary_methodology"}
            | _copies(
                attributes,
                "selected_methodology.primary_methodology",
                tc + "methodology",
                "metadata.methodology_profile.primary",
            ),
        ),
        (
            "time constraints, one key",
            {"technicalConfig": {"timeConstraints": {"preferredTime": "rt-evening"}}},
            {A + tc + "time_constraints.preferred_time"},
        ),
        (
            "safety constraints, one key",
            {"technicalConfig": {"safetyConstraints": {"recoveryRequirements": ["rt sleep"]}}},
            {A + sc + "recovery_requirements"}
            | _copies(
                attributes, sc + "recovery_requirements", "metadata.safety_profile.recoveryNeeds"
            ),
        ),
        (
            "equipment",
            {"technicalConfig": {"equipmentAvailable": ["rt rower"]}},
            {A + tc + "equipment_available"}
            | _copies(attributes, tc + "equipment_available", "metadata.safety_profile.equipment"),
        ),
        (
            "injuries removed (explicit null)",
            {"technicalConfig": {"injuryConsiderations": None}},
            {A + tc + "injury_considerations"}
            | _copies(attributes, tc + "injury_considerations", "metadata.safety_profile.injuries"),
        ),
        (
            "training frequency",
            {"technicalConfig": {"trainingFrequency": 6}},
            {A + tc + "training_frequency"},
        ),
        (
            "one prompt",
            {"generatedPrompts": {"motivationPrompt": "rt: celebrate the small wins."}},
            {A + "generated_prompts.motivation_prompt"},
        ),
        (
            "modification capabilities",
            {"modificationCapabilities": {"safetyOverrideLevel": "rt-none"}},
            {A + "modification_capabilities.safety_override_level"},
        ),
        (
            "methodology profile",
            {"methodologyProfile": {"preferences": ["rt video"]}},
            {A + "metadata.methodology_profile.preferences"},
        ),
        ("rename", {"name": "RT_The_Renamed"}, {A + "coach_name"}),
        ("description", {"description": "rt description"}, {A + "coach_description"}),
        ("gender", {"genderPreference": "neutral"}, {A + "gender_preference"}),
    ]


async def _raw(api: Api, pk: str, sk: str) -> dict[str, Any]:
    item = await api.runtime.stores.table.get(pk, sk, consistent=True)
    assert item is not None
    return item


@pytest.mark.parametrize("user", [app_items.ATHLETE, app_items.OTHER], ids=["dana", "sam"])
async def test_every_update_changes_only_what_it_names(coach_api: Api, user: str) -> None:
    for fixture in _coaches(user):
        coach_id = fixture["attributes"]["coach_id"]
        for what, fields, allowed in _cases(fixture["attributes"]):
            before = await _raw(coach_api, fixture["pk"], fixture["sk"])
            version = int(before.get("version", 1))
            body = await coach_api.gql(
                UPDATE,
                {"i": {"coachId": coach_id, "expectedVersion": version, **fields}},
                user=user,
            )
            assert "errors" not in body, (coach_id, what, body["errors"])
            after = await _raw(coach_api, fixture["pk"], fixture["sk"])
            changed = changed_paths(before, after)
            assert changed - OURS == allowed, (coach_id, what, changed - OURS ^ allowed)
            assert after["version"] == version + 1
        # Everything the API does not model is still as the app wrote it.
        final = (await _raw(coach_api, fixture["pk"], fixture["sk"]))["attributes"]
        for key in ("createdAt", "updatedAt"):  # the app's copies inside attributes
            assert final.get(key) == fixture["attributes"].get(key)
        for path in (
            "selected_personality.secondary_influences",
            "selected_personality.blending_weights.primary",
            "selected_methodology.methodology_reasoning",
            "selected_methodology.periodization_approach",
            "technical_config.time_constraints.session_duration",
            "technical_config.time_constraints.weekly_frequency",
            "technical_config.safety_constraints.contraindicated_exercises",
            "technical_config.specializations",
            "metadata.safety_profile.contraindications",
            "metadata.user_satisfaction",
            "metadata.coach_creator_session_summary",
            "metadata.generation_method",
            "metadata.created_date",
            "metadata.total_conversations",
        ):
            assert _at(final, path) == _at(fixture["attributes"], path), (coach_id, path)


@pytest.mark.parametrize("user", [app_items.ATHLETE, app_items.OTHER], ids=["dana", "sam"])
async def test_delete_follows_the_apps_rules_on_its_own_coaches(coach_api: Api, user: str) -> None:
    coaches = {c["attributes"].get("status"): c for c in _coaches(user)}
    in_use, archived, template = coaches["active"], coaches["archived"], coaches[None]

    async def delete(item: dict[str, Any]) -> dict[str, Any]:
        body = await coach_api.gql(
            DELETE,
            {"i": {"coachId": item["attributes"]["coach_id"], "expectedVersion": 1}},
            user=user,
        )
        return body

    # The coach in use is held by the athlete's active program and its completed one (in
    # the app's older partition layout): refused, and nothing is written.
    before = await _raw(coach_api, in_use["pk"], in_use["sk"])
    refused = await delete(in_use)
    extensions = refused["errors"][0]["extensions"]
    assert extensions["code"] == "CONFLICT"
    assert {p["status"] for p in extensions["programs"]} == {"active", "completed"}
    assert changed_paths(before, await _raw(coach_api, in_use["pk"], in_use["sk"])) == set()
    # The coach the app archived already: nothing to do, nothing written.
    before = await _raw(coach_api, archived["pk"], archived["sk"])
    again = await delete(archived)
    assert again["data"]["deleteCoach"]["coach"] == {"status": "archived", "version": 1}
    assert changed_paths(before, await _raw(coach_api, archived["pk"], archived["sk"])) == set()
    # The template coach (no status at all): archived, as the app does, and only that.
    before = await _raw(coach_api, template["pk"], template["sk"])
    done = await delete(template)
    assert done["data"]["deleteCoach"]["coach"] == {"status": "archived", "version": 2}
    after = await _raw(coach_api, template["pk"], template["sk"])
    assert changed_paths(before, after) - OURS == {A + "status"}


async def test_a_coach_created_beside_the_apps_touches_none_of_them(coach_api: Api) -> None:
    user = app_items.ATHLETE
    before = [await _raw(coach_api, c["pk"], c["sk"]) for c in _coaches(user)]
    body = await coach_api.gql(CREATE, {"i": {"name": "Beside", "coachId": "beside"}}, user=user)
    assert "errors" not in body, body["errors"]
    after = [await _raw(coach_api, c["pk"], c["sk"]) for c in _coaches(user)]
    assert after == before
    listed = await coach_api.gql("{ viewer { coaches { edges { node { coachId } } } } }", user=user)
    ids = [e["node"]["coachId"] for e in listed["data"]["viewer"]["coaches"]["edges"]]
    assert "beside" in ids and len(ids) == 3
    created = await _raw(coach_api, keys.user_pk(user), keys.coach_sk("beside"))
    assert created["attributes"]["metadata"]["prompts_source"] == "template"
