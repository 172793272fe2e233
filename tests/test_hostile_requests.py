"""The third security round: every superlinear step bounded before it runs.

First the work counters of the checks themselves, over the shapes of devserver/hostile.py
at growing sizes (deterministic: nodes visited, field pairs counted, variable elements
read), then each refusal over HTTP and the WebSocket, as an attacker would send it.
"""

from __future__ import annotations

import asyncio
import json
import socket as socket_module
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import graphql.validation.rules.overlapping_fields_can_be_merged as overlapping
import pytest
from graphql import FieldNode, parse, visit
from graphql.language import Visitor
from websockets.asyncio.client import connect

from app import create_app
from auth import mint_dev_token
from datasources.aws import AwsClients
from datasources.quota import CostQuota, Window
from datasources.table import Table
from devserver import hostile
from devserver.asgi import listening
from devserver.engine import EmbeddedEngine
from devserver.live_client import PROTOCOL, live
from http_protocol import guarded_protocol
from schema.build import build_schema
from schema.limits import (
    Exceeded,
    Limits,
    VariablesExceeded,
    analyze,
    bounded_variables,
)
from schema.trusted_documents import MAX_APQ_CHARACTERS, DocumentMode, Documents, sha256
from settings import Settings
from tests.conftest import DEV_SECRET, Api, cost

LIMITS = Limits()
HTTP_SHAPES = [(name, shape, first) for name, shape, first, way in hostile.SHAPES if way == "http"]
DOCUMENT_SHAPES = [s for s in HTTP_SHAPES if "variables" not in s[1](1)]
VARIABLE_SHAPES = [s for s in HTTP_SHAPES if "variables" in s[1](1)]


def _fields(text: str) -> int:
    """Field nodes written in the document (fragments once each)."""
    count = 0

    class Counter(Visitor):
        def enter_field(self, node: FieldNode, *_: Any) -> None:
            nonlocal count
            count += 1

    visit(parse(text), Counter())
    return count


def _shape_id(value: object) -> str:
    """A test id that is the same in every process (pytest-xdist compares them): a shape
    function by its name, not its address."""
    return getattr(value, "__name__", str(value))


@pytest.mark.parametrize(("name", "shape", "first"), DOCUMENT_SHAPES, ids=_shape_id)
def test_document_checks_do_linear_work_and_stop_at_their_limit(
    name: str, shape: hostile.Shape, first: int
) -> None:
    """At every size, until the token cap would refuse it first: the cost walk visits each
    written selection once, the comparison count visits each field at most once per
    place it is spread (never past the cost limit), and the pairs it reports stop at the
    limit."""
    for n in hostile.sizes(first, 4096):
        text = shape(n)["query"]
        try:
            document = parse(text, max_tokens=Settings().max_tokens)
        except Exception:
            break  # the parser's token cap refuses it: nothing below runs
        written = _fields(text)
        try:
            found = analyze(document, None, {}, LIMITS)
        except Exceeded as over:
            if over.limit == "fieldComparisons":  # stopped at the first field past it
                assert over.value <= over.maximum + written, (name, n)
            continue
        assert found.visited <= text.count("{") + written + text.count("...")
        assert found.comparisons <= LIMITS.max_field_comparisons
        if "fan-out" not in name:
            assert found.merge_visits <= 2 * written, (name, n, found)
        assert found.merge_visits <= LIMITS.max_cost * 11 + found.visited


@contextmanager
def _graphql_core_comparisons() -> Iterator[list[int]]:
    """Counts graphql-core's own field-pair comparisons (find_conflict calls)."""
    calls = [0]
    real = overlapping.find_conflict

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        return real(*args, **kwargs)

    overlapping.find_conflict = counting
    try:
        yield calls
    finally:
        overlapping.find_conflict = real


@pytest.mark.parametrize(("name", "shape", "first"), DOCUMENT_SHAPES, ids=_shape_id)
def test_the_pairs_counted_bound_what_validation_compares(
    name: str, shape: hostile.Shape, first: int
) -> None:
    """Whatever the limit admits, graphql-core compares no more pairs than counted."""
    schema = build_schema()._schema
    from graphql import validate

    for n in hostile.sizes(first, 256):
        document = parse(shape(n)["query"])
        try:
            found = analyze(document, None, {}, LIMITS)
        except Exceeded:
            break
        with _graphql_core_comparisons() as calls:
            validate(schema, document)
        # Each counted pair may be compared once from each place it sits under
        # (OverlappingFieldsCanBeMerged revisits every selection set).
        assert calls[0] <= found.comparisons * max(1, found.depth) + found.merge_visits, (
            name,
            n,
            calls[0],
            found,
        )


@pytest.mark.parametrize(("name", "shape", "first"), VARIABLE_SHAPES, ids=_shape_id)
def test_variables_are_read_once_and_no_further_than_the_limit(
    name: str, shape: hostile.Shape, first: int
) -> None:
    for n in hostile.sizes(first, 1 << 18):
        variables = shape(n)["variables"]
        try:
            read = bounded_variables(variables, LIMITS)
        except VariablesExceeded as over:
            # Stopped at the first element over: never read the rest.
            assert over.value <= LIMITS.max_variable_elements + 1
            assert over.path and over.path[0] == "i"
            continue
        total = len(json.dumps(variables))  # at least one character per element
        assert read <= LIMITS.max_variable_elements and read <= total


# -- over HTTP ---------------------------------------------------------------------------


async def test_quadratic_validation_is_refused_before_it_runs(demo_api: Api) -> None:
    for body in (hostile.same_field_one_place(332), hostile.same_root_field(748)):
        for user in (None, "demo"):
            answer = await demo_api.gql(body["query"], user=user)
            (error,) = answer["errors"]
            assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX", error
            assert error["extensions"]["limit"] == "fieldComparisons"
            assert cost(answer)["dynamodb"]["calls"] == 0
    # A Relay-style document with a field in many fragments at one place still runs.
    relay = hostile.spread_fragments(30)
    answer = await demo_api.gql(relay["query"])
    assert answer["data"]["viewer"] == {"userId": "demo"}


async def test_anonymous_callers_are_refused_before_variables_are_coerced(demo_api: Api) -> None:
    body = hostile.message_inputs(2_000)  # 8,001 values: within the element limit
    answer = await demo_api.gql(body["query"], body["variables"], user=None)
    assert answer["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    # An invalid value is never looked at: UNAUTHENTICATED, not BAD_USER_INPUT.
    bad = {"i": {"conversationId": "c", "coachId": "k", "messages": [{"role": "NOPE"}]}}
    answer = await demo_api.gql(hostile.SEND, bad, user=None)
    assert answer["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    # The public root fields stay open.
    typename = await demo_api.gql("{ __typename }", user=None)
    assert typename["data"] == {"__typename": "Query"}


async def test_variables_are_bounded_as_they_arrive(demo_api: Api) -> None:
    for body in (hostile.message_inputs(55_000), hostile.nested_lists(240_000)):
        for user in (None, "demo"):
            answer = await demo_api.gql(body["query"], body["variables"], user=user)
            (error,) = answer["errors"]
            assert error["extensions"]["code"] == "BAD_USER_INPUT"
            assert error["extensions"]["limit"] == "variableElements"
            assert error["extensions"]["field"][0] == "i"
    # Within the element limit, but a typed list longer than any input allows: refused
    # before coercion converts its items one by one.
    many = hostile.message_inputs(2_048)
    answer = await demo_api.gql(many["query"], many["variables"])
    (error,) = answer["errors"]
    assert error["extensions"]["limit"] == "inputList", error
    assert error["extensions"]["field"] == ["i", "messages"]
    deep = hostile.deep_variable(60)
    answer = await demo_api.gql(deep["query"], deep["variables"])
    assert answer["errors"][0]["extensions"]["limit"] == "variableDepth"


async def test_cost_takes_a_variables_default(demo_api: Api) -> None:
    answer = await demo_api.gql(hostile.defaulted_page_size(100)["query"])
    (error,) = answer["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert error["extensions"]["limit"] == "cost"
    # Sent explicitly, the variable wins over its default.
    small = hostile.defaulted_page_size(100)
    answer = await demo_api.gql(small["query"], {"n": 2})
    assert "errors" not in answer, answer


async def test_introspection_entries_are_capped(demo_api: Api) -> None:
    one = await demo_api.gql(hostile.schema_copies(1)["query"])
    assert one["data"]["__schema"]["queryType"]["name"] == "Query"
    aliased = (
        "{ " + " ".join(f"s{i}: __schema {{ queryType {{ name }} }}" for i in range(90)) + " }"
    )
    three = (
        "{ a: __schema { types { name } } b: __schema { types { name } } "
        'c: __type(name: "User") { name } }'
    )
    for text in (aliased, three):
        answer = await demo_api.gql(text)
        (error,) = answer["errors"]
        assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
        assert error["extensions"]["limit"] in {"aliases", "introspection"}


def test_persisted_queries_are_capped_before_they_register() -> None:
    documents = Documents(DocumentMode.APQ, {})
    query = "{ __typename }"
    documents.resolve(
        {
            "query": query,
            "extensions": {"persistedQuery": {"version": 1, "sha256Hash": sha256(query)}},
        }
    )
    assert documents.registered_characters == len(query)
    # The cache holds characters, not entries: big documents push the oldest out.
    for n in range(40):
        big = "{ __typename }" + " " * 60_000 + f"#{n}"
        documents.resolve(
            {
                "query": big,
                "extensions": {"persistedQuery": {"version": 1, "sha256Hash": sha256(big)}},
            }
        )
        assert documents.registered_characters <= MAX_APQ_CHARACTERS


async def test_an_oversized_persisted_query_is_refused_unregistered(demo_api: Api) -> None:
    big = "{ __typename }" + " " * 70_000
    digest = sha256(big)
    persisted = {"persistedQuery": {"version": 1, "sha256Hash": digest}}
    response = await demo_api.http.post("/graphql", json={"query": big, "extensions": persisted})
    assert response.json()["errors"][0]["extensions"]["limit"] == "documentBytes"
    again = await demo_api.http.post("/graphql", json={"extensions": persisted})
    assert again.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


async def test_lone_surrogates_and_odd_values_get_our_errors(demo_api: Api) -> None:
    raw = (
        b'{"query": "{ __typename } \\ud800", '
        b'"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "00"}}}'
    )
    response = await demo_api.http.post(
        "/graphql", content=raw, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    # A DateTime whose UTC instant is before year 1; numbers DynamoDB cannot store.
    log = """mutation($i: LogWorkoutInput!) { logWorkout(input: $i) { workout { workoutId } } }"""
    base = {"workoutName": "w", "discipline": "CROSSFIT", "completedAt": "2026-01-01T00:00:00Z"}
    for changes, field in (
        ({"completedAt": "0001-01-01T00:00:00+01:00"}, "completedAt"),
        ({"extractionConfidence": 1e-200}, "extractionConfidence"),
    ):
        answer = await demo_api.gql(log, {"i": {**base, **changes}})
        (error,) = answer["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", error
        assert field in json.dumps(error["extensions"].get("field", [])) + error["message"]
        assert "Traceback" not in json.dumps(answer) and "requestId" not in error["extensions"]
    update = "mutation($i: UpdateProfileInput!) { updateProfile(input: $i) { user { version } } }"
    for number in (10**45 + 1, 1e-200):
        answer = await demo_api.gql(update, {"i": {"expectedVersion": 1, "fitness": {"x": number}}})
        (error,) = answer["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", error
        assert "1e-130" in error["message"]


async def test_refusals_are_in_our_words(demo_api: Api) -> None:
    contact = """mutation($i: SubmitContactFormInput!) { submitContactForm(input: $i) {
        submittedAt } }"""
    answer = await demo_api.gql(
        contact,
        {"i": {"email": "not-an-email", "subject": "s", "message": "m", "firstName": "x" * 200}},
        user=None,
    )
    message = answer["errors"][0]["message"]
    assert answer["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    for library_words in ("String should", "pattern", "Value error", "pydantic", "^"):
        assert library_words not in message, message


async def test_the_plan_and_the_email_are_not_the_athletes_to_write(demo_api: Api) -> None:
    update = """mutation($i: UpdateProfileInput!) { updateProfile(input: $i) {
        user { email subscription version } } }"""
    plan = await demo_api.gql(
        update, {"i": {"expectedVersion": 1, "subscription": {"plan": "pro", "status": "active"}}}
    )
    assert plan["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "field": ["input", "subscription"],
    }
    # Another account's email and a new one get the same answer: nothing is looked up.
    for email in ("demo2@neonpanda.local", "nobody-has-this@example.com"):
        answer = await demo_api.gql(update, {"i": {"expectedVersion": 1, "email": email}})
        assert answer["errors"][0]["extensions"]["field"] == ["input", "email"]
        assert "another account" not in answer["errors"][0]["message"]
    same = await demo_api.gql(
        update, {"i": {"expectedVersion": 1, "email": "demo@neonpanda.local"}}
    )
    assert same["data"]["updateProfile"]["user"]["subscription"] == {}


async def test_profile_attempts_are_capped_per_account(demo_api: Api) -> None:
    create = (
        """mutation($i: CreateProfileInput!) { createProfile(input: $i) { user { userId } } }"""
    )
    answers = []
    for n in range(6):
        taken = {"username": f"probe{n}", "email": "demo@neonpanda.local"}
        answers.append(await demo_api.gql(create, {"i": taken}, user="prober"))
    codes = [a["errors"][0]["extensions"]["code"] for a in answers]
    assert codes == ["BAD_USER_INPUT"] * 5 + ["RATE_LIMITED"]


async def test_unsafe_subjects_and_map_keys_are_refused(demo_api: Api) -> None:
    for sub in ("a..b", "demo\n"):
        answer = await demo_api.gql(
            "{ viewer { userId } }",
            headers={"Authorization": f"Bearer {mint_dev_token(DEV_SECRET, sub)}"},
        )
        assert answer["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    update = "mutation($i: UpdateProfileInput!) { updateProfile(input: $i) { user { version } } }"
    answer = await demo_api.gql(update, {"i": {"expectedVersion": 1, "fitness": {"goal\n": 1}}})
    assert answer["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    available = await demo_api.gql('{ usernameAvailable(username: "demo_x\\n") }')
    assert available["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


# -- the shared rate window ----------------------------------------------------------------


async def test_the_cost_window_slides(aws: AwsClients, settings: Settings) -> None:
    """A burst at the end of one window still counts at the start of the next: no span
    of the window's length spends two budgets (a fixed window allowed that)."""
    table = Table(aws.dynamodb, settings.table_name)
    window = Window(limit=100, seconds=60)
    quota = CostQuota(table, window, lease=10)
    # A window's start, an hour from now (the counters' TTLs must lie in the future).
    start = float(window.start(time.time() + 3600))
    spent = 0
    while (await quota.charge("burst", 10, now=start + 59))[0] == 0:
        spent += 10
    assert spent == 100
    # One second later, a new window: 59/60 of the last one still weighs.
    wait, _ = await quota.charge("burst", 10, now=start + 61)
    assert wait > 0
    # Half way through the next window, half the budget is back.
    allowed = 0
    while (await quota.charge("burst", 10, now=start + 90))[0] == 0:
        allowed += 10
    assert 40 <= allowed <= 50


# -- the WebSocket -------------------------------------------------------------------------


async def test_the_socket_applies_the_http_caps(
    engine: EmbeddedEngine, aws: AwsClients, settings: Settings
) -> None:
    tight = settings.model_copy(update={"ws_subscribe_burst": 2, "ws_subscribes_per_second": 0.01})
    app = create_app(tight, engine=engine)
    async with listening(app) as url, live(url, mint_dev_token(DEV_SECRET, "ann")) as ann:
        # Quadratic documents: refused by the same limit as over HTTP.
        big = await ann.subscribe(hostile.subscribe_copies(740)["query"])
        refused = await asyncio.wait_for(ann.message(), 20)
        assert (refused["type"], refused["id"]) == ("error", big), refused
        assert refused["payload"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX", refused
        # Two operations, no operationName: answered, not left hanging.
        two = await ann.subscribe(hostile.subscribe_two_operations(1)["query"])
        answer = await asyncio.wait_for(ann.message(), 20)
        assert (answer["type"], answer["id"]) == ("error", two), answer
        assert "operationName" in answer["payload"][0]["message"]
        # The burst is spent: the next subscribe is rate limited, with a retry time.
        third = await ann.subscribe("subscription { viewerEvents { entityId } }")
        answer = await asyncio.wait_for(ann.message(), 20)
        assert (answer["type"], answer["id"]) == ("error", third), answer
        extensions = answer["payload"][0]["extensions"]
        assert extensions["code"] == "RATE_LIMITED" and extensions["retryAfterSeconds"] >= 1


async def test_socket_subscribes_take_the_http_work_slots(
    engine: EmbeddedEngine, aws: AwsClients, settings: Settings
) -> None:
    one_slot = settings.model_copy(update={"max_concurrent_requests": 1, "max_queued_requests": 0})
    app = create_app(one_slot, engine=engine)
    graphql_app: Any = next(
        getattr(r, "endpoint", None) for r in app.routes if getattr(r, "path", "") == "/graphql"
    )
    async with listening(app) as url, live(url, mint_dev_token(DEV_SECRET, "ann")) as ann:
        async with graphql_app.admission.slot():  # an HTTP request holds the only slot
            busy = await ann.subscribe("subscription { viewerEvents { entityId } }")
            answer = await asyncio.wait_for(ann.message(), 20)
        assert (answer["type"], answer["id"]) == ("error", busy), answer
        assert answer["payload"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"


# -- connections ---------------------------------------------------------------------------


def _open(port: int) -> socket_module.socket:
    conn = socket_module.create_connection(("127.0.0.1", port))
    conn.settimeout(20)
    return conn


def _closed_by_server(conn: socket_module.socket) -> bytes:
    """What the server sent before closing (b"" when it closed without a word)."""
    received = b""
    while True:
        chunk = conn.recv(4096)
        if not chunk:
            return received
        received += chunk


async def test_silent_and_trickling_connections_are_closed_and_idle_ones_make_room(
    engine: EmbeddedEngine, aws: AwsClients, settings: Settings
) -> None:
    app = create_app(settings, engine=engine)
    protocol = guarded_protocol(header_timeout=1.0, max_connections=3)
    async with listening(app, http=protocol) as url:
        port = int(url.rsplit(":", 1)[1])
        # Says nothing, and trickles a header byte by byte: both closed at the deadline.
        silent = await asyncio.to_thread(_open, port)
        trickle = await asyncio.to_thread(_open, port)
        began = time.monotonic()
        for byte in b"POST /graphql HTTP/1.1\r\nHost: x\r\n":
            try:
                await asyncio.to_thread(trickle.sendall, bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                break  # closed by the server: what this checks
            await asyncio.sleep(0.05)
            assert time.monotonic() - began < 20, "a trickling client was never cut off"
        assert await asyncio.to_thread(_closed_by_server, silent) == b""
        await asyncio.to_thread(_closed_by_server, trickle)
        silent.close()
        trickle.close()
        # At the cap, a newcomer closes the longest-waiting idle connection, and is served.
        idle = [await asyncio.to_thread(_open, port) for _ in range(3)]
        await asyncio.sleep(0.1)
        newcomer = await asyncio.to_thread(_open, port)
        body = b'{"query":"{ __typename }"}'
        request = (
            b"POST /graphql HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\n"
            b"content-length: %d\r\nconnection: close\r\n\r\n%s" % (len(body), body)
        )
        await asyncio.to_thread(newcomer.sendall, request)
        answer = await asyncio.to_thread(_closed_by_server, newcomer)
        assert b"200 OK" in answer.split(b"\r\n")[0], answer
        assert await asyncio.to_thread(_closed_by_server, idle[0]) == b""
        for conn in [*idle, newcomer]:
            conn.close()


async def test_a_websocket_connection_is_not_cut_by_the_header_deadline(
    engine: EmbeddedEngine, aws: AwsClients, settings: Settings
) -> None:
    app = create_app(settings, engine=engine)
    protocol = guarded_protocol(header_timeout=0.5, max_connections=10)
    async with listening(app, http=protocol) as url:
        ws_url = url.replace("http://", "ws://") + "/graphql"
        async with connect(ws_url, subprotocols=[PROTOCOL]) as ws:  # type: ignore[list-item]
            init = {
                "type": "connection_init",
                "payload": {"Authorization": f"Bearer {mint_dev_token(DEV_SECRET, 'ann')}"},
            }
            await ws.send(json.dumps(init))
            assert json.loads(await ws.recv())["type"] == "connection_ack"
            await asyncio.sleep(1.5)  # three header deadlines
            await ws.send(json.dumps({"type": "ping"}))
            assert json.loads(await ws.recv())["type"] == "pong"
