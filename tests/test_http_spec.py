"""GraphQL over HTTP: application/graphql-response+json with the spec's status codes for
clients that accept it, the legacy application/json answers for the others; and
graphql-http's own audit of the server (node, tests/node), with no warnings."""

from __future__ import annotations

import asyncio
import json
import subprocess

import httpx

from app import create_app
from devserver.asgi import listening
from devserver.engine import EmbeddedEngine
from settings import Settings
from tests.conftest import NODE_DIR, Api, ensure_node_clients

GRAPHQL_RESPONSE = "application/graphql-response+json"
MODERN = {"Accept": f"{GRAPHQL_RESPONSE}, application/json;q=0.9"}  # Apollo Client 3.8+
LEGACY = {"Accept": "application/json"}


async def _post(
    api: Api, body: object, headers: dict[str, str], user: bool = True
) -> httpx.Response:
    if user:
        headers = {**headers, "Authorization": f"Bearer {api.token('demo')}"}
    return await api.http.post("/graphql", json=body, headers=headers)


async def test_request_errors_are_4xx_without_data_for_modern_clients(api: Api) -> None:
    for document, variables in (
        ("{ viewer { ", None),  # parse
        ("{ viewer { noSuchField } }", None),  # validation
        ("query($n: Int!) { viewer { workouts(first: $n) { totalCount } } }", {"n": "x"}),
    ):
        body = {"query": document, "variables": variables}
        modern = await _post(api, body, MODERN)
        assert modern.status_code == 400, document
        assert modern.headers["content-type"].startswith(GRAPHQL_RESPONSE)
        answer = modern.json()
        assert "data" not in answer and answer["errors"][0]["extensions"]["code"]
        legacy = await _post(api, body, LEGACY)
        assert legacy.status_code == 200 and legacy.json()["data"] is None
        assert legacy.headers["content-type"].startswith("application/json")
        plain = await api.http.post("/graphql", json=body)  # no Accept: legacy too
        assert plain.status_code == 200


async def test_executed_requests_stay_200_for_modern_clients(api: Api) -> None:
    # A field error (an id that names nothing): execution ran, its error has a path.
    missing_node = await _post(api, {"query": '{ node(id: "bad") { id } }'}, MODERN)
    assert missing_node.status_code == 200
    answer = missing_node.json()
    assert answer["errors"][0]["path"] == ["node"] and "data" in answer
    ok = await _post(api, {"query": "{ __typename }"}, MODERN)
    assert ok.status_code == 200 and ok.json()["data"] == {"__typename": "Query"}
    assert ok.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    # Apollo's persisted-query link reads PersistedQueryNotFound from a 200.
    persisted = {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}
    missing = await _post(api, {"extensions": persisted}, MODERN)
    assert missing.status_code == 200
    assert missing.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


async def test_anonymous_requests_are_refused_before_anything_runs(api: Api) -> None:
    # No token for a field that needs one: a request error (nothing validated or coerced),
    # 401 for modern clients, 200 with `data: null` for legacy ones.
    body = {"query": "{ viewer { userId } }"}
    modern = await _post(api, body, MODERN, user=False)
    assert modern.status_code == 401
    answer = modern.json()
    assert "data" not in answer and answer["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    legacy = await _post(api, body, LEGACY, user=False)
    assert legacy.status_code == 200 and legacy.json()["data"] is None
    assert legacy.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_graphql_http_audit_has_no_warnings(
    engine: EmbeddedEngine, settings: Settings, aws: object
) -> None:
    await ensure_node_clients()
    async with listening(create_app(settings, engine=engine)) as url:
        done = await asyncio.to_thread(
            subprocess.run,
            ["node", str(NODE_DIR / "audit.mjs"), f"{url}/graphql"],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 0, done.stderr
    results = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(results) > 30  # the audit ran
    by_status: dict[str, list[str]] = {}
    for result in results:
        by_status.setdefault(result["status"], []).append(result["name"])
    assert by_status.get("error", []) == []
    assert by_status.get("warn", []) == []
    # What remains are notices about GET, which this API does not serve (docs/guide.md).
    assert all("GET" in name for name in by_status.get("notice", [])), by_status["notice"]
