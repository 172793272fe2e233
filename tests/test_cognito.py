"""The production verifier against a locally generated key pair and JWKS."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from auth import AuthError, CognitoVerifier

ISSUER = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TEST"
CLIENT = "client-123"


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


KEY, OTHER_KEY = _key(), _key()


def _jwk(key: rsa.RSAPrivateKey, kid: str) -> dict[str, Any]:
    jwk: dict[str, Any] = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    return {**jwk, "kid": kid, "alg": "RS256", "use": "sig"}


class Jwks:
    """A JWKS endpoint (httpx transport) that counts fetches and can fail."""

    def __init__(self, keys: list[dict[str, Any]]) -> None:
        self.keys = keys
        self.fetches = 0
        self.fail = False

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.fetches += 1
        if self.fail:
            return httpx.Response(503)
        return httpx.Response(200, json={"keys": self.keys})


def _verifier(jwks: Jwks) -> CognitoVerifier:
    http = httpx.AsyncClient(transport=httpx.MockTransport(jwks.handler))
    return CognitoVerifier(
        issuer=ISSUER, client_id=CLIENT, jwks_url="https://jwks.test/keys", http=http
    )


def _token(key: Any = KEY, kid: str = "k1", alg: str = "RS256", **overrides: Any) -> str:
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "sub": "athlete-1",
        "token_use": "access",
        "client_id": CLIENT,
        "iat": now,
        "exp": now + 600,
        "cognito:groups": ["admin"],
    }
    claims.update(overrides)
    return jwt.encode(claims, key, algorithm=alg, headers={"kid": kid})


async def test_valid_access_token() -> None:
    principal = await _verifier(Jwks([_jwk(KEY, "k1")])).verify(_token())
    assert principal.user_id == "athlete-1" and principal.is_admin


PUBLIC_PEM = KEY.public_key().public_bytes(
    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
)


def _hs256_with_public_key() -> str:
    """The algorithm-confusion attack: HMAC keyed with the RSA public key."""
    import base64
    import hashlib
    import hmac

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    header = b64(json.dumps({"alg": "HS256", "kid": "k1", "typ": "JWT"}).encode())
    now = int(time.time())
    body = b64(
        json.dumps(
            {
                "iss": ISSUER,
                "sub": "x",
                "token_use": "access",
                "client_id": CLIENT,
                "exp": now + 600,
            }
        ).encode()
    )
    signature = hmac.new(PUBLIC_PEM, f"{header}.{body}".encode(), hashlib.sha256).digest()
    return f"{header}.{body}.{b64(signature)}"


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        (lambda: _token(exp=int(time.time()) - 120), "expired"),
        (lambda: _token(iss="https://evil.example"), "issuer"),
        (lambda: _token(client_id="someone-else"), "another client"),
        (lambda: _token(token_use="id"), "access token"),
        (
            lambda: jwt.encode(
                {"sub": "x", "iss": ISSUER}, "", algorithm="none", headers={"kid": "k1"}
            ),
            "algorithm",
        ),
        (_hs256_with_public_key, "algorithm"),
        (lambda: _token(kid="unknown"), "unknown signing key"),
        (lambda: _token(key=OTHER_KEY), "signature does not verify"),
        (lambda: "garbage", "malformed"),
        (lambda: _token(sub="athletep/c"), "not a valid user id"),
        (lambda: _token(sub="user#2"), "not a valid user id"),
        (lambda: _token(sub=".."), "not a valid user id"),
    ],
    ids=[
        "expired",
        "wrong-issuer",
        "wrong-client",
        "id-token",
        "alg-none",
        "hs256-with-public-key",
        "unknown-kid",
        "wrong-key",
        "garbage",
        "sub-with-slash",
        "sub-with-hash",
        "sub-dotdot",
    ],
)
async def test_bad_tokens_are_refused(token: Any, reason: str) -> None:
    with pytest.raises(AuthError, match=reason):
        await _verifier(Jwks([_jwk(KEY, "k1")])).verify(token())


async def test_unknown_kid_refreshes_at_most_once_a_minute() -> None:
    jwks = Jwks([_jwk(KEY, "k1")])
    verifier = _verifier(jwks)
    await verifier.verify(_token())
    for _ in range(5):
        with pytest.raises(AuthError):
            await verifier.verify(_token(kid="k2"))
    assert jwks.fetches == 1  # the first fetch; unknown kids within the minute: no refetch

    verifier._last_fetch -= 61  # a minute later the new key (rotation) is picked up
    jwks.keys.append(_jwk(OTHER_KEY, "k2"))
    assert (await verifier.verify(_token(key=OTHER_KEY, kid="k2"))).user_id == "athlete-1"
    assert jwks.fetches == 2


async def test_failed_refresh_keeps_the_last_good_keys() -> None:
    jwks = Jwks([_jwk(KEY, "k1")])
    verifier = _verifier(jwks)
    await verifier.verify(_token())
    jwks.fail = True
    verifier._last_fetch -= 61
    with pytest.raises(AuthError):
        await verifier.verify(_token(kid="k9"))  # triggers a refresh, which fails
    assert (await verifier.verify(_token())).user_id == "athlete-1"  # k1 still trusted
