"""Profiles: first sign-in, unique usernames/emails (also concurrently), nested updates."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.conftest import Api

CREATE = """mutation($input: CreateProfileInput!) { createProfile(input: $input) {
    user { userId username email displayName preferences version } } }"""
UPDATE = """mutation($input: UpdateProfileInput!) { updateProfile(input: $input) {
    user { username email nickname preferences fitness version } } }"""


def _new(username: str, email: str | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "input": {
            "username": username,
            "email": email or f"{username}@example.com",
            "firstName": "New",
            "lastName": "Athlete",
            **extra,
        }
    }


async def test_first_sign_in_creates_the_profile(demo_api: Api) -> None:
    body = await demo_api.gql(
        CREATE, _new("newbie", preferences={"units": "metric"}), user="newbie-sub"
    )
    assert body["data"]["createProfile"]["user"] == {
        "userId": "newbie-sub",
        "username": "newbie",
        "email": "newbie@example.com",
        "displayName": "New Athlete",
        "preferences": {"units": "metric"},
        "version": 1,
    }
    viewer = await demo_api.gql("{ viewer { username } }", user="newbie-sub")
    assert viewer["data"]["viewer"] == {"username": "newbie"}
    again = await demo_api.gql(CREATE, _new("other"), user="newbie-sub")
    assert again["errors"][0]["extensions"]["code"] == "CONFLICT"


async def test_usernames_and_emails_are_unique_case_insensitively(demo_api: Api) -> None:
    body = await demo_api.gql(CREATE, _new("DEMO"), user="u-a")
    assert body["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "field": ["input", "username"],
    }
    body = await demo_api.gql(CREATE, _new("fresh", "Demo@NeonPanda.local"), user="u-b")
    assert body["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "field": ["input", "email"],
    }
    available = await demo_api.gql('{ usernameAvailable(username: "fresh") }', user="u-b")
    assert available["data"]["usernameAvailable"] is True  # nothing half-written


async def test_concurrent_sign_ups_for_one_username_one_wins(demo_api: Api) -> None:
    results = await asyncio.gather(
        *(
            demo_api.gql(CREATE, _new("contested", f"c{i}@example.com"), user=f"racer-{i}")
            for i in range(6)
        )
    )
    winners = [r for r in results if "errors" not in r]
    assert len(winners) == 1
    assert all(
        r["errors"][0]["extensions"]["code"] in {"BAD_USER_INPUT", "CONFLICT"}
        for r in results
        if "errors" in r
    )


async def test_update_one_preference_keeps_the_rest(demo_api: Api) -> None:
    body = await demo_api.gql(
        UPDATE,
        {
            "input": {
                "expectedVersion": 1,
                "preferences": {"units": "metric"},
                "fitness": {"experience": None},
                "nickname": "D",
            }
        },
    )
    assert "errors" not in body, body["errors"]
    user = body["data"]["updateProfile"]["user"]
    assert user["preferences"] == {"timezone": "America/New_York", "units": "metric"}
    assert user["fitness"] == {"goals": ["strength", "engine"]}
    assert user["version"] == 2 and user["nickname"] == "D"
    viewer = await demo_api.gql("{ viewer { preferences fitness version } }")
    assert viewer["data"]["viewer"] == {
        "preferences": user["preferences"],
        "fitness": user["fitness"],
        "version": 2,
    }
    stale = await demo_api.gql(UPDATE, {"input": {"expectedVersion": 1, "nickname": "X"}})
    assert stale["errors"][0]["extensions"] == {"code": "CONFLICT", "currentVersion": 2}


async def test_username_change_moves_the_claim(demo_api: Api) -> None:
    body = await demo_api.gql(UPDATE, {"input": {"expectedVersion": 1, "username": "dana"}})
    assert body["data"]["updateProfile"]["user"]["username"] == "dana"
    free = await demo_api.gql(
        '{ a: usernameAvailable(username: "demo") b: usernameAvailable(username: "dana") }'
    )
    assert free["data"] == {"a": True, "b": False}
    taken = await demo_api.gql(
        UPDATE, {"input": {"expectedVersion": 1, "username": "dana"}}, user="demo2"
    )
    assert taken["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "field": ["input", "username"],
    }
    public = await demo_api.gql("{ viewer { username } }", user="demo2")
    assert public["data"]["viewer"]["username"] == "demo2"


async def test_bad_map_keys_are_refused(demo_api: Api) -> None:
    body = await demo_api.gql(UPDATE, {"input": {"expectedVersion": 1, "preferences": {"a.b": 1}}})
    assert body["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "field": ["input", "preferences"],
    }
