"""Abuse limits and access rules, over HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from app import create_app
from datasources.aws import AwsClients
from devserver.engine import EmbeddedEngine
from tests.conftest import Api, _serve, cost, make_settings, production_settings
from tests.faults import FaultPlan


def _code(body: dict[str, Any]) -> str:
    code: str = body["errors"][0]["extensions"]["code"]
    return code


async def test_depth_limit(demo_api: Api) -> None:
    # viewer.workouts.edges.node.conversation.summary.conversation.summary.conversation
    # .summary.conversation.title: depth 12 > 10
    deep = (
        "{ viewer { workouts { edges { node { conversation { summary { conversation { "
        "summary { conversation { summary { conversation { title } } } } } } } } } } } }"
    )
    body = await demo_api.gql(deep)
    assert _code(body) == "QUERY_TOO_COMPLEX"
    assert body["errors"][0]["extensions"]["limit"] == "depth"
    assert cost(body)["dynamodb"]["calls"] == 0  # refused before execution


async def test_alias_limit(demo_api: Api) -> None:
    query = (
        "{ " + " ".join(f'a{i}: usernameAvailable(username: "abc{i}")' for i in range(31)) + " }"
    )
    body = await demo_api.gql(query)
    assert body["errors"][0]["extensions"]["limit"] == "aliases"


async def test_directive_limit(demo_api: Api) -> None:
    query = "{ viewer { " + " ".join(["userId @include(if: true)"] * 11) + " } }"
    body = await demo_api.gql(query)
    assert body["errors"][0]["extensions"]["limit"] == "directives"


async def test_cost_limit_counts_list_sizes(demo_api: Api) -> None:
    heavy = """{ viewer { conversations(first: 100) { edges { node {
        messages(first: 100) { edges { node { content role } } } } } } } }"""
    body = await demo_api.gql(heavy)
    assert body["errors"][0]["extensions"]["limit"] == "cost"
    assert body["errors"][0]["extensions"]["value"] > 10_000
    fine = await demo_api.gql("""{ viewer { conversations(first: 10) { edges { node {
        messages(first: 10) { edges { node { content } } } } } } } }""")
    assert "errors" not in fine
    # Variables count too.
    body = await demo_api.gql(
        """query($n: Int) { viewer { conversations(first: $n) {
        edges { node { messages(first: $n) { edges { node { content role } } } } } } } }""",
        {"n": 100},
    )
    assert body["errors"][0]["extensions"]["limit"] == "cost"


async def test_token_limit(demo_api: Api) -> None:
    query = "{ viewer { " + " ".join(["userId"] * 3500) + " } }"
    body = await demo_api.gql(query)
    assert _code(body) == "QUERY_TOO_COMPLEX"


async def test_body_size_cap(demo_api: Api) -> None:
    response = await demo_api.http.post(
        "/graphql",
        content=b'{"query": "' + b" " * (3 * 1024 * 1024) + b'{ __typename }"}',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_no_queries_or_mutations_over_get(demo_api: Api) -> None:
    for query in (
        "{ __typename }",
        'mutation { deleteAccount(input: {confirm: "DELETE"}) { deletedItemCount } }',
    ):
        response = await demo_api.http.get(
            "/graphql",
            params={"query": query},
            headers={
                "Authorization": f"Bearer {demo_api.token('demo')}",
                "accept": "application/json",
            },
        )
        assert response.status_code in {400, 405}
    still = await demo_api.gql("{ viewer { username } }")
    assert still["data"]["viewer"] == {"username": "demo"}


async def test_admin_is_forbidden_to_athletes(demo_api: Api) -> None:
    body = await demo_api.gql('{ admin { userByEmail(email: "demo@neonpanda.local") { userId } } }')
    assert body["data"]["admin"] is None
    assert _code(body) == "FORBIDDEN"


async def test_admin_reads_across_users(demo_api: Api) -> None:
    token = demo_api.token("ops-1", groups=["admin"])
    headers = {"Authorization": f"Bearer {token}"}
    body = await demo_api.gql(
        '{ admin { userByEmail(email: "DEMO2@neonpanda.local") { userId username } } }',
        headers=headers,
    )
    assert body["data"]["admin"]["userByEmail"] == {"userId": "demo2", "username": "demo2"}

    await demo_api.gql(
        """mutation { submitContactForm(input: {email: "a@b.co",
        message: "hello"}) { duplicate } }""",
        user=None,
    )
    seen: list[str] = []
    after = None
    while True:
        body = await demo_api.gql(
            """query($after: String) { admin {
            entities(entityType: COACH_CONFIG, first: 3, after: $after) { totalCount
              edges { node { pk sk entityType } } pageInfo { hasNextPage endCursor } } } }""",
            {"after": after},
            headers=headers,
        )
        conn = body["data"]["admin"]["entities"]
        seen += [e["node"]["pk"] for e in conn["edges"]]
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
    assert sorted(seen) == ["user#demo", "user#demo", "user#demo2", "user#demo2"]
    assert conn["totalCount"] == 4
    forms = await demo_api.gql(
        "{ admin { entities(entityType: CONTACT_FORM) { totalCount } } }", headers=headers
    )
    assert forms["data"]["admin"]["entities"]["totalCount"] == 1


async def test_public_profile_shows_only_public_fields(demo_api: Api) -> None:
    body = await demo_api.gql(
        '{ publicProfile(username: "demo2") { username displayName avatar { url } } }'
    )
    assert body["data"]["publicProfile"] == {
        "username": "demo2",
        "displayName": "Sam Second",
        "avatar": None,
    }
    leak = await demo_api.gql('{ publicProfile(username: "demo2") { email } }')
    assert _code(leak) == "BAD_USER_INPUT"  # no such field
    anonymous = await demo_api.gql('{ publicProfile(username: "demo2") { username } }', user=None)
    assert _code(anonymous) == "UNAUTHENTICATED"


async def _app(engine: EmbeddedEngine, tmp_path: Path, **overrides: Any) -> AsyncIterator[Api]:
    settings = make_settings(tmp_path, seed_demo_data=True, **overrides)
    async for client in _serve(create_app(settings, engine=engine), settings):
        yield client


@pytest.fixture
async def strict_api(engine: EmbeddedEngine, aws: AwsClients, tmp_path: Path) -> AsyncIterator[Api]:
    async for client in _app(
        engine,
        tmp_path,
        rate_limit_cost_per_window=1000,
        request_deadline_seconds=1.0,
    ):
        yield client


async def test_rate_limit_by_cost_with_retry_after(strict_api: Api) -> None:
    dashboard = "{ viewer { workouts(first: 100) { edges { node { workoutName discipline } } } } }"
    codes = []
    for _ in range(6):
        body = await strict_api.gql(dashboard)
        codes.append(_code(body) if "errors" in body else "OK")
    assert codes[0] == "OK" and "RATE_LIMITED" in codes
    limited = next(b for b in [await strict_api.gql(dashboard)] if "errors" in b)
    assert limited["errors"][0]["extensions"]["retryAfterSeconds"] >= 1
    # Another athlete has a bucket of their own.
    other = await strict_api.gql(dashboard, user="demo2")
    assert "errors" not in other


async def test_slow_backend_cannot_hold_a_request_past_its_deadline(strict_api: Api) -> None:
    runtime = strict_api.runtime

    cancelled = asyncio.Event()

    async def stall(**_: Any) -> None:
        try:
            await asyncio.sleep(60)  # far past the deadline: only a cancellation ends it
        except asyncio.CancelledError:
            cancelled.set()
            raise

    runtime.clients.dynamodb.meta.events.register("before-send.dynamodb.BatchGetItem", stall)
    try:
        body = await strict_api.gql("{ viewer { username } }")
    finally:
        runtime.clients.dynamodb.meta.events.unregister("before-send.dynamodb.BatchGetItem", stall)
    # The stalled backend call is cancelled (its task runs the cancellation a moment later;
    # the wait only bounds the test if it never comes).
    await asyncio.wait_for(cancelled.wait(), timeout=10)
    extensions = body["errors"][0]["extensions"]
    # Retryable, as a backend that is unavailable: the write may have landed, and a retry
    # with the same idempotency key answers it exactly once.
    assert extensions == {
        "code": "SERVICE_UNAVAILABLE",
        "deadlineExceeded": True,
        "retryAfterSeconds": 1,
    }
    assert "stall" not in body["errors"][0]["message"]


async def test_internal_errors_are_masked_with_a_request_id(
    demo_api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = demo_api.runtime
    # A backend that keeps failing: retryable, says when, and says nothing of the cause.
    with FaultPlan(runtime.clients.dynamodb, {"BatchGetItem": ["5xx"] * 3}):
        body = await demo_api.gql("{ viewer { username } }")
    error = body["errors"][0]
    assert error["extensions"] == {"code": "SERVICE_UNAVAILABLE", "retryAfterSeconds": 1}
    assert "injected" not in error["message"] and "InternalServerError" not in error["message"]

    # A bug of ours: masked, with an id to find it in the log.
    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret detail")

    monkeypatch.setattr(runtime.stores.workouts, "list_for_user", broken)
    response = await demo_api.http.post(
        "/graphql",
        json={"query": "{ viewer { workouts { edges { cursor } } } }"},
        headers={"Authorization": f"Bearer {demo_api.token('demo')}"},
    )
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert "secret" not in error["message"]
    # The id the log line carries: the request's own (its X-Request-Id header).
    assert error["extensions"]["requestId"] == response.headers["x-request-id"]


async def test_production_configuration(
    engine: EmbeddedEngine, aws: AwsClients, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cognito settings present: dev tokens refused, introspection and suggestions off."""
    settings = production_settings(tmp_path, monkeypatch, engine)
    assert settings.dev_auth_enabled is False
    async for api in _serve(create_app(settings), settings):
        body = await api.gql("{ viewer { userId } }")  # a dev token
        assert _code(body) == "UNAUTHENTICATED"
        intro = await api.gql("{ __schema { types { name } } }", user=None)
        assert _code(intro) == "BAD_USER_INPUT"
        typo = await api.gql("{ viewr { userId } }", user=None)
        assert "Did you mean" not in typo["errors"][0]["message"]
        page = await api.http.get("/graphql", headers={"accept": "text/html"})
        assert page.status_code != 200 or "graphiql" not in page.text.lower()


async def test_dev_mode_keeps_introspection_and_suggestions(demo_api: Api) -> None:
    intro = await demo_api.gql("{ __schema { queryType { name } } }")
    assert intro["data"]["__schema"]["queryType"]["name"] == "Query"
    typo = await demo_api.gql("{ viewr { userId } }")
    assert "Did you mean" in typo["errors"][0]["message"]
