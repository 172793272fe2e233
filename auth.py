"""Bearer-token verification: Cognito RS256 in production, HS256 dev tokens locally."""

from __future__ import annotations

import asyncio
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import httpx
import jwt

from datasources import keys
from settings import Settings

DEV_ISSUER = "neonpanda-local-dev"
DEV_ALGORITHM = "HS256"
LEEWAY_SECONDS = 30


@dataclass(frozen=True)
class Principal:
    """The verified caller. `user_id` is the token's `sub` and the only source of a partition."""

    user_id: str
    groups: frozenset[str] = field(default_factory=frozenset)
    email: str | None = None
    expires_at: float | None = None  # the token's `exp` (epoch seconds): ends subscriptions

    @property
    def is_admin(self) -> bool:
        return "admin" in self.groups


class AuthError(Exception):
    """The token is missing, malformed or not acceptable (message is safe to show)."""


class Verifier(Protocol):
    async def verify(self, token: str) -> Principal: ...

    async def ready(self) -> str | None:
        """None when tokens can be checked now; otherwise why not (for /readyz)."""
        ...

    async def aclose(self) -> None: ...


def _reason(err: jwt.PyJWTError) -> str:
    """Our words for PyJWT's refusals (its own text never reaches a client)."""
    if isinstance(err, jwt.ExpiredSignatureError):
        return "token has expired"
    if isinstance(err, jwt.ImmatureSignatureError):
        return "token is not valid yet"
    if isinstance(err, jwt.InvalidIssuerError):
        return "token was issued by another issuer"
    if isinstance(err, jwt.MissingRequiredClaimError):
        return f"token lacks the {err.claim!r} claim"
    if isinstance(err, jwt.InvalidSignatureError):
        return "token signature does not verify"
    if isinstance(err, jwt.DecodeError):
        return "malformed token"
    return "invalid token"


def _principal(claims: dict[str, Any]) -> Principal:
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub:
        raise AuthError("token has no subject")
    if not keys.is_safe_id(sub):
        # The subject becomes table keys and S3 prefixes: only a plain identifier will do.
        raise AuthError("token subject is not a valid user id")
    groups = claims.get("cognito:groups") or []
    return Principal(
        user_id=sub,
        groups=frozenset(g for g in groups if isinstance(g, str)),
        email=claims.get("email") if isinstance(claims.get("email"), str) else None,
        expires_at=float(claims["exp"]) if isinstance(claims.get("exp"), int | float) else None,
    )


def dev_secret(settings: Settings) -> str:
    """NEONPANDA_DEV_SECRET, else one generated once and kept in the data dir."""
    if settings.dev_secret:
        return settings.dev_secret
    path = Path(settings.data_dir) / "dev-secret"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    path.write_text(value + "\n")
    path.chmod(0o600)
    return value


def mint_dev_token(
    secret: str, user_id: str, *, ttl_seconds: int = 7 * 24 * 3600, groups: list[str] | None = None
) -> str:
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": DEV_ISSUER,
        "sub": user_id,
        "iat": now,
        "exp": now + ttl_seconds,
        "token_use": "access",
    }
    if groups:
        claims["cognito:groups"] = groups
    return jwt.encode(claims, secret, algorithm=DEV_ALGORITHM)


class DevVerifier:
    """HS256 tokens for local development; never constructed when AWS settings exist."""

    def __init__(self, secret: str) -> None:
        self.secret = secret

    async def verify(self, token: str) -> Principal:
        try:
            claims = jwt.decode(
                token,
                self.secret,
                algorithms=[DEV_ALGORITHM],
                issuer=DEV_ISSUER,
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iss", "sub"]},
            )
        except jwt.PyJWTError as err:
            raise AuthError(_reason(err)) from err
        return _principal(claims)

    async def ready(self) -> str | None:
        return None

    async def aclose(self) -> None:
        return None


class CognitoVerifier:
    """RS256 access tokens of a Cognito user pool, checked against its JWKS.

    The key set is fetched asynchronously and cached; an unknown `kid` triggers at most one
    refresh a minute, and a failed refresh keeps the last good set.
    """

    REFRESH_INTERVAL = 60.0

    def __init__(
        self,
        *,
        issuer: str,
        client_id: str,
        jwks_url: str,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        self.issuer = issuer
        self.client_id = client_id
        self.jwks_url = jwks_url
        self._owns_http = http is None
        self._http = http or httpx.AsyncClient(timeout=5.0)
        self._keys: dict[str, Any] = {}
        self._last_fetch = float("-inf")
        self._lock = asyncio.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> CognitoVerifier:
        region = settings.cognito_region or settings.region
        pool = settings.cognito_user_pool_id
        issuer = f"https://cognito-idp.{region}.amazonaws.com/{pool}"
        return cls(
            issuer=issuer,
            client_id=settings.cognito_client_id or "",
            jwks_url=settings.jwks_url or f"{issuer}/.well-known/jwks.json",
        )

    async def _refresh(self) -> None:
        async with self._lock:
            if time.monotonic() - self._last_fetch < self.REFRESH_INTERVAL:
                return
            self._last_fetch = time.monotonic()
            try:
                response = await self._http.get(self.jwks_url)
                response.raise_for_status()
                keys = {
                    k["kid"]: jwt.PyJWK(k, algorithm="RS256").key
                    for k in response.json().get("keys", [])
                    if k.get("kty") == "RSA" and "kid" in k
                }
            except (httpx.HTTPError, ValueError, KeyError, jwt.PyJWTError):
                return  # keep the last good key set
            if keys:
                self._keys = keys

    async def verify(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as err:
            raise AuthError("malformed token") from err
        if header.get("alg") != "RS256":
            raise AuthError("unsupported token algorithm")
        kid = header.get("kid")
        if not isinstance(kid, str):
            raise AuthError("token has no key id")
        if kid not in self._keys:
            await self._refresh()
        key = self._keys.get(kid)
        if key is None:
            raise AuthError("unknown signing key")
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=["RS256"],
                issuer=self.issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iss", "sub", "token_use"], "verify_aud": False},
            )
        except jwt.PyJWTError as err:
            raise AuthError(_reason(err)) from err
        if claims.get("token_use") != "access":
            raise AuthError("an access token is required")
        if claims.get("client_id") != self.client_id:
            raise AuthError("token was issued to another client")
        return _principal(claims)

    async def ready(self) -> str | None:
        if not self._keys:
            await self._refresh()
        return None if self._keys else f"no signing keys from {self.jwks_url}"

    async def aclose(self) -> None:
        if self._owns_http:
            await self._http.aclose()


class NoVerifier:
    """No way to sign in is configured: every token is refused."""

    async def verify(self, token: str) -> Principal:
        raise AuthError("authentication is not configured")

    async def ready(self) -> str | None:
        return "no way to sign in is configured (Cognito or dev tokens)"

    async def aclose(self) -> None:
        return None


async def authenticate_header(
    verifier: Verifier, authorization: str | None
) -> tuple[Principal | None, str | None]:
    """(principal, None) for a good bearer token, (None, reason) otherwise."""
    if not authorization:
        return None, None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None, "Authorization must be 'Bearer <token>'"
    try:
        return await verifier.verify(token.strip()), None
    except AuthError as err:
        return None, str(err)


def build_verifier(settings: Settings) -> Verifier:
    if settings.dev_auth_enabled:
        return DevVerifier(dev_secret(settings))
    if settings.cognito_user_pool_id and settings.cognito_client_id:
        return CognitoVerifier.from_settings(settings)
    return NoVerifier()
