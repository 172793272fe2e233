"""Bearer tokens: dev HS256 accepted only in dev mode; bad tokens refused."""

from __future__ import annotations

import time

import jwt
import pytest
from pydantic import ValidationError

from auth import DEV_ISSUER, CognitoVerifier, NoVerifier, build_verifier, mint_dev_token
from settings import Settings
from tests.conftest import DEV_SECRET, Api


def _token(**overrides: object) -> str:
    now = int(time.time())
    claims = {"iss": DEV_ISSUER, "sub": "demo", "iat": now, "exp": now + 600}
    claims.update(overrides)
    return jwt.encode(claims, DEV_SECRET, algorithm="HS256")


async def test_dev_token_is_accepted(demo_api: Api) -> None:
    body = await demo_api.gql("{ viewer { userId } }")
    assert body["data"]["viewer"] == {"userId": "demo"}


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(_token(exp=int(time.time()) - 3600), id="expired"),
        pytest.param(_token(iss="someone-else"), id="wrong-issuer"),
        pytest.param(
            jwt.encode(
                {"iss": DEV_ISSUER, "sub": "demo", "exp": int(time.time()) + 60},
                "another-secret-another-secret-another",
                algorithm="HS256",
            ),
            id="wrong-secret",
        ),
        pytest.param(
            jwt.encode(
                {"iss": DEV_ISSUER, "sub": "demo", "exp": int(time.time()) + 60},
                "",
                algorithm="none",
            ),
            id="alg-none",
        ),
        pytest.param(_token(sub=""), id="empty-subject"),
        pytest.param("garbage", id="garbage"),
    ],
)
async def test_bad_tokens_are_unauthenticated(demo_api: Api, token: str) -> None:
    body = await demo_api.gql("{ viewer { userId } }", headers={"Authorization": f"Bearer {token}"})
    assert body["data"] is None  # refused before validation: nothing ran
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_wrong_scheme_is_unauthenticated(demo_api: Api) -> None:
    body = await demo_api.gql(
        "{ viewer { userId } }", headers={"Authorization": f"Basic {_token()}"}
    )
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_dev_auth_is_refused_when_aws_settings_are_present() -> None:
    with pytest.raises(ValidationError, match="DEV_AUTH"):
        Settings(dev_auth=True, cognito_user_pool_id="us-east-1_abc", cognito_client_id="c")
    with pytest.raises(ValidationError, match="DEV_AUTH"):
        Settings(dev_auth=True, use_aws=True)


async def test_a_production_configured_verifier_rejects_dev_tokens() -> None:
    prod = Settings(cognito_user_pool_id="us-east-1_abc", cognito_client_id="client")
    verifier = build_verifier(prod)
    assert isinstance(verifier, CognitoVerifier)
    from auth import AuthError

    with pytest.raises(AuthError):
        await verifier.verify(mint_dev_token(DEV_SECRET, "demo"))
    assert isinstance(build_verifier(Settings(use_aws=True)), NoVerifier)
