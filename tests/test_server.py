"""The app over HTTP: viewer, usernameAvailable, health, cost extension, errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import jwt

from tests.conftest import Api, cost

ROOT = Path(__file__).resolve().parent.parent

VIEWER = """{ viewer { id userId username email displayName firstName lastName nickname
  preferences createdAt version } }"""


async def test_viewer_answers_for_the_demo_athlete(demo_api: Api) -> None:
    body = await demo_api.gql(VIEWER)
    assert "errors" not in body
    viewer = body["data"]["viewer"]
    assert viewer["userId"] == "demo"
    assert viewer["username"] == "demo"
    assert viewer["email"] == "demo@neonpanda.local"
    assert viewer["displayName"] == "Dana Demo"
    assert viewer["preferences"]["timezone"] == "America/New_York"
    assert viewer["version"] == 1
    # One profile read however many profile fields are selected.
    assert cost(body)["dynamodb"]["calls"] == 1
    assert cost(body)["dynamodb"]["itemsRead"] == 1


async def test_each_token_sees_its_own_profile(demo_api: Api) -> None:
    body = await demo_api.gql("{ viewer { userId email } }", user="demo2")
    assert body["data"]["viewer"] == {"userId": "demo2", "email": "demo2@neonpanda.local"}


async def test_viewer_without_a_profile_is_not_found(api: Api) -> None:
    body = await api.gql("{ viewer { userId email } }", user="nobody")
    assert body["data"]["viewer"] is None
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert body["errors"][0]["path"] == ["viewer", "email"]


async def test_no_token_is_unauthenticated(demo_api: Api) -> None:
    body = await demo_api.gql("{ viewer { userId } }", user=None)
    assert body["data"] is None  # refused before validation: nothing ran
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_username_available(demo_api: Api) -> None:
    body = await demo_api.gql(
        'query { taken: usernameAvailable(username: "DEMO") '
        'free: usernameAvailable(username: "newbie") }'
    )
    assert body["data"] == {"taken": False, "free": True}


async def test_username_available_rejects_bad_input_with_field_path(demo_api: Api) -> None:
    body = await demo_api.gql('{ usernameAvailable(username: "no spaces!") }')
    error = body["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == ["username"]
    assert error["path"] == ["usernameAvailable"]


async def test_invalid_document_is_bad_user_input(demo_api: Api) -> None:
    body = await demo_api.gql("{ viewer { noSuchField } }")
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_cost_extension_on_every_response(demo_api: Api) -> None:
    body = await demo_api.gql("{ __typename }")
    assert cost(body)["dynamodb"]["calls"] == 0
    assert cost(body)["s3"] == {
        "calls": 0,
        "waves": 0,
        "gets": 0,
        "puts": 0,
        "byOperation": {},
        "retries": {},
    }


async def test_healthz(demo_api: Api) -> None:
    response = await demo_api.http.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


async def test_graphql_path_is_exact_and_refuses_get_queries(demo_api: Api) -> None:
    response = await demo_api.http.get("/graphql", params={"query": "{ __typename }"})
    assert response.status_code in {400, 405}


def test_dev_token_uses_the_servers_secret_or_says_why_not(tmp_path: Path) -> None:
    """`server.py dev-token` signs with the secret of the data directory the server uses;
    where no server has run it refuses instead of inventing a secret no server knows."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("NEONPANDA_")},
        "NEONPANDA_DATA_DIR": str(tmp_path / "data"),
    }
    command = [sys.executable, str(ROOT / "server.py"), "dev-token", "ann"]
    refused = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2 and "no dev secret" in refused.stderr
    assert not (tmp_path / "data" / "dev-secret").exists()
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "dev-secret").write_text("the-servers-secret-0123456789abcdef\n")
    minted = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert minted.returncode == 0, minted.stderr
    claims = jwt.decode(
        minted.stdout.strip(),
        "the-servers-secret-0123456789abcdef",
        algorithms=["HS256"],
        options={"verify_aud": False},
    )
    assert claims["sub"] == "ann"
    assert str(tmp_path / "data" / "dev-secret") in minted.stderr
