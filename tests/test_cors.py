"""Browsers on other origins: preflights answered, allowed origins only, as configured."""

from __future__ import annotations

from pathlib import Path

import pytest

from app import create_app
from devserver.engine import EmbeddedEngine
from tests.conftest import Api, _serve, production_settings

PREFLIGHT = {
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "authorization, content-type",
}


async def test_dev_mode_allows_local_development_servers(api: Api) -> None:
    for origin in ("http://localhost:5173", "http://127.0.0.1:3000", "http://localhost"):
        answer = await api.http.options("/graphql", headers={"Origin": origin, **PREFLIGHT})
        assert answer.status_code == 200, origin
        assert answer.headers["access-control-allow-origin"] == origin
        allowed = answer.headers["access-control-allow-headers"].lower()
        assert "authorization" in allowed and "content-type" in allowed
        assert "access-control-allow-credentials" not in answer.headers

    # The actual request carries the header too, and so does a refusal (a browser would
    # otherwise hide the error from the page).
    token = api.token("demo")
    done = await api.http.post(
        "/graphql",
        json={"query": "{ viewer { userId } }"},
        headers={"Origin": "http://localhost:5173", "Authorization": f"Bearer {token}"},
    )
    assert done.headers["access-control-allow-origin"] == "http://localhost:5173"
    refused = await api.http.post(
        "/graphql",
        content=b"{",
        headers={"Origin": "http://localhost:5173", "Content-Type": "application/json"},
    )
    assert refused.status_code == 400
    assert refused.headers["access-control-allow-origin"] == "http://localhost:5173"


async def test_common_graphql_clients_and_tracing_pass_the_preflight(api: Api) -> None:
    """Apollo Client's awareness headers, W3C trace context and an idempotency key: a
    browser may send them; the request id comes back readable; GET is not offered."""
    asked = (
        "authorization, content-type, apollographql-client-name, "
        "apollographql-client-version, traceparent, tracestate, idempotency-key, x-request-id"
    )
    answer = await api.http.options(
        "/graphql",
        headers={
            "Origin": "http://localhost:5173",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": asked,
        },
    )
    assert answer.status_code == 200, answer.text
    allowed = answer.headers["access-control-allow-headers"].lower()
    for header in asked.split(", "):
        assert header in allowed, header
    assert "GET" not in answer.headers["access-control-allow-methods"]
    done = await api.http.post(
        "/graphql",
        json={"query": "{ __typename }"},
        headers={"Origin": "http://localhost:5173"},
    )
    assert "x-request-id" in done.headers["access-control-expose-headers"].lower()


async def test_other_origins_get_no_cors_headers(api: Api) -> None:
    for origin in ("https://evil.example", "http://localhost.evil.example", "null"):
        answer = await api.http.options("/graphql", headers={"Origin": origin, **PREFLIGHT})
        assert answer.status_code == 400, origin
        assert "access-control-allow-origin" not in answer.headers
        plain = await api.http.post(
            "/graphql", json={"query": "{ __typename }"}, headers={"Origin": origin}
        )
        assert "access-control-allow-origin" not in plain.headers


async def test_production_allows_only_configured_origins_with_credentials_as_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, engine: EmbeddedEngine, aws: object
) -> None:
    settings = production_settings(
        tmp_path,
        monkeypatch,
        engine,
        cors_origins=["https://app.neonpanda.ai"],
        cors_allow_credentials=True,
    )
    assert settings.cors_origin_regex is None
    async for api in _serve(create_app(settings), settings):
        ok = await api.http.options(
            "/graphql", headers={"Origin": "https://app.neonpanda.ai", **PREFLIGHT}
        )
        assert ok.status_code == 200
        assert ok.headers["access-control-allow-origin"] == "https://app.neonpanda.ai"
        assert ok.headers["access-control-allow-credentials"] == "true"
        local = await api.http.options(
            "/graphql", headers={"Origin": "http://localhost:5173", **PREFLIGHT}
        )
        assert local.status_code == 400  # dev servers are not allowed in production

    settings = production_settings(tmp_path, monkeypatch, engine)
    async for api in _serve(create_app(settings), settings):
        none = await api.http.options(
            "/graphql", headers={"Origin": "https://app.neonpanda.ai", **PREFLIGHT}
        )
        assert "access-control-allow-origin" not in none.headers
