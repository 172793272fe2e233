"""In a real browser (Debian's headless Chromium, driven by Playwright): GraphiQL works with
nothing but the server (every other address blocked), keeps no token, runs subscriptions
over the WebSocket with the Headers tab's token; and the API's CORS policy holds for a
page of another origin (allowed: it reads the data; not allowed: the browser blocks it).
A vendored file changed on the way is refused by the browser (Subresource Integrity).

The server runs under uvicorn on a loopback port (tests/conftest.py's `listening`), with
the demo athletes. Chromium: `apt-get install chromium` (.ci/run installs it).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from playwright.async_api import Browser, BrowserContext, Page, Route, async_playwright
from playwright.async_api import WebSocket as BrowserWebSocket
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route as StarletteRoute
from starlette.types import Receive, Scope, Send

import graphiql
from app import create_app
from auth import mint_dev_token
from datasources.aws import AwsClients
from datasources.content import ContentStore
from datasources.table import Table
from devserver.asgi import listening
from devserver.engine import EmbeddedEngine
from devserver.snapshot import Snapshotter
from graphiql import load_manifest
from settings import Settings
from tests.conftest import DEV_SECRET, make_settings

WAIT_MS = 30_000  # any one thing the page must show
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    """One headless Chromium for the module (Debian's: Playwright's own is never used)."""
    if CHROMIUM is None:
        message = "chromium is not installed (apt-get install chromium; .ci/run installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield launched
        finally:
            await launched.close()


Requests = list[tuple[str, str, str | None]]  # (method, path, Origin) as the server saw them


@asynccontextmanager
async def demo_server(
    engine: EmbeddedEngine, aws: AwsClients, settings: Settings, snapshot: Path
) -> AsyncIterator[tuple[str, Requests]]:
    """The app with the demo athletes (restored from conftest's seeded snapshot), under
    uvicorn; also what requests reached it."""
    table = Table(aws.dynamodb, settings.table_name)
    await Snapshotter(table, ContentStore(aws.s3, settings.bucket), snapshot).restore()
    app = create_app(settings, engine=engine)
    seen: Requests = []

    async def recorded(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            origin = dict(scope["headers"]).get(b"origin")
            seen.append((scope["method"], scope["path"], origin.decode() if origin else None))
        await app(scope, receive, send)

    async with listening(recorded) as url:
        yield url, seen


def token(user: str = "demo") -> str:
    return mint_dev_token(DEV_SECRET, user)


@asynccontextmanager
async def offline_page(browser: Browser, origin: str) -> AsyncIterator[tuple[Page, list[str]]]:
    """A page whose every request to anything but `origin` is blocked (and recorded)."""
    context: BrowserContext = await browser.new_context()
    elsewhere: list[str] = []

    async def only_the_server(route: Route) -> None:
        url = route.request.url
        if url == origin or url.startswith(origin + "/"):
            await route.continue_()
        else:
            elsewhere.append(url)
            await route.abort()

    await context.route("**/*", only_the_server)
    page = await context.new_page()
    page.set_default_timeout(WAIT_MS)
    try:
        yield page, elsewhere
    finally:
        await context.close()


EDITOR_VALUE = "selector => document.querySelector(selector).CodeMirror.getValue()"


async def open_graphiql(page: Page, url: str) -> None:
    await page.goto(url + "/graphql")
    await page.locator(".graphiql-query-editor .CodeMirror").wait_for()
    # The schema arrived (introspection over the fetcher): the docs are browsable.
    await page.locator(".graphiql-execute-button").wait_for()


async def type_into(page: Page, editor: str, text: str) -> None:
    """Replace an editor's text as a person would (click, select all, type); inserted as
    one input so CodeMirror's bracket closing does not add to it."""
    await page.locator(f"{editor} .CodeMirror").click()
    await page.keyboard.press("Control+A")
    await page.keyboard.press("Delete")
    await page.keyboard.insert_text(text)
    assert await page.evaluate(EDITOR_VALUE, f"{editor} .CodeMirror") == text


async def enter_query(page: Page, query: str) -> None:
    """Type the query, then wait for GraphiQL to have parsed it (it does so 100 ms after
    the last keystroke; its fetcher tells a subscription from that parse)."""
    await type_into(page, ".graphiql-query-editor", query)
    await page.wait_for_function(
        """([selector, text]) => {
            const ast = document.querySelector(selector).CodeMirror.documentAST;
            return Boolean(ast && ast.loc && ast.loc.source.body === text);
        }""",
        arg=[".graphiql-query-editor .CodeMirror", query],
        timeout=WAIT_MS,
    )


async def enter_headers(page: Page, headers: dict[str, str]) -> None:
    await page.locator(".graphiql-editor-tools button", has_text="Headers").click()
    await type_into(
        page, ".graphiql-editor-tool .graphiql-editor:not(.hidden)", json.dumps(headers)
    )


async def result_containing(page: Page, text: str) -> dict[str, Any]:
    """The result pane's JSON, once it contains `text`."""
    await page.wait_for_function(
        """([selector, text]) => {
            const pane = document.querySelector(selector);
            return pane !== null && pane.CodeMirror.getValue().includes(text);
        }""",
        arg=[".graphiql-response .CodeMirror", text],
        timeout=WAIT_MS,
    )
    value = await page.evaluate(EDITOR_VALUE, ".graphiql-response .CodeMirror")
    parsed: dict[str, Any] = json.loads(value)
    return parsed


async def stored(page: Page) -> str:
    """Everything the page keeps in the browser (localStorage, sessionStorage, cookies)."""
    kept: str = await page.evaluate(
        """() => JSON.stringify({
            local: Object.assign({}, window.localStorage),
            session: Object.assign({}, window.sessionStorage),
            cookies: document.cookie,
        })"""
    )
    return kept


QUERY = "{ viewer { username firstName email } }"


async def headers_tab(page: Page) -> str:
    """What GraphiQL's Headers tab shows."""
    await page.locator(".graphiql-editor-tools button", has_text="Headers").click()
    text: str = await page.evaluate(
        EDITOR_VALUE, ".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror"
    )
    return text


async def test_graphiql_runs_a_query_with_only_the_server_reachable_and_keeps_no_token(
    browser: Browser, engine: EmbeddedEngine, aws: AwsClients, tmp_path: Path, demo_snapshot: Path
) -> None:
    settings = make_settings(tmp_path)
    async with (
        demo_server(engine, aws, settings, demo_snapshot) as (url, seen),
        offline_page(browser, url) as (page, elsewhere),
    ):
        problems: list[str] = []
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        await open_graphiql(page, url)
        assert await page.title() == "NeonPanda GraphiQL"

        secret = token()
        await enter_headers(page, {"Authorization": f"Bearer {secret}"})
        await enter_query(page, QUERY)
        await page.locator(".graphiql-execute-button").click()
        result = await result_containing(page, '"username"')
        assert "errors" not in result, result
        assert result["data"] == {
            "viewer": {"username": "demo", "firstName": "Dana", "email": "demo@neonpanda.local"}
        }

        assert elsewhere == [], elsewhere  # nothing but the server was ever asked for
        assert problems == [], problems  # every file loaded and passed its integrity check
        assets = {path for _, path, _ in seen if path.startswith("/graphiql/")}
        assert len(assets) == len(load_manifest()), assets

        # GraphiQL kept its state (the query, its history) but never the headers (its
        # history records them unless the page's storage drops them).
        kept = await stored(page)
        history = json.loads(json.loads(kept)["local"]["graphiql:queries"])["queries"]
        assert [item["query"] for item in history] == [QUERY], history
        assert secret not in kept, kept
        # Nor any Authorization value: the only "Bearer" allowed is the page's own intro
        # text ("Bearer <token>"), which GraphiQL saves with the tab when it gets to it.
        assert "Bearer" not in kept.replace("Bearer <token>", ""), kept
        assert secret not in page.url

        # A reload forgets the token: the Headers tab is empty again.
        await open_graphiql(page, url)
        headers_now = await headers_tab(page)
        assert secret not in headers_now and "Bearer" not in headers_now
        assert secret not in await stored(page)

        # A token an older page persisted (strawberry's stock page kept the Headers tab in
        # localStorage) is removed on load, never shown.
        await page.evaluate(
            "t => localStorage.setItem('graphiql:headers', JSON.stringify({Authorization: t}))",
            f"Bearer {secret}",
        )
        await open_graphiql(page, url)
        headers_now = await headers_tab(page)
        assert secret not in headers_now and "Bearer" not in headers_now
        assert secret not in await stored(page)
        assert elsewhere == [], elsewhere


async def test_a_file_that_does_not_match_its_integrity_is_refused_by_the_browser(
    browser: Browser,
    engine: EmbeddedEngine,
    aws: AwsClients,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The integrity attributes are what protects the page: a changed file never runs."""
    genuine = graphiql._assets()
    react = next(name for name in genuine if name.startswith("react-1"))
    entry, body = genuine[react]
    tampered = {**genuine, react: (entry, body + b"\nwindow.tampered = true;\n")}
    monkeypatch.setattr(graphiql, "_assets", lambda: tampered)
    settings = make_settings(tmp_path)
    async with (
        listening(create_app(settings, engine=engine)) as url,
        offline_page(browser, url) as (page, elsewhere),
    ):
        refusals: list[str] = []
        page.on("console", lambda m: refusals.append(m.text) if "integrity" in m.text else None)
        await page.goto(url + "/graphql")
        await page.wait_for_load_state("load")
        assert any(react in message for message in refusals), refusals
        assert await page.evaluate("typeof window.tampered") == "undefined"
        assert await page.evaluate("typeof window.React") == "undefined"
        # Without React nothing renders: the page stays as served.
        assert await page.locator("#graphiql").text_content() == "Loading..."
        assert elsewhere == []


LOG = "mutation($i: LogWorkoutInput!) { logWorkout(input: $i) { workout { workoutId } } }"


async def test_graphiql_subscription_receives_a_viewer_event_over_the_websocket(
    browser: Browser, engine: EmbeddedEngine, aws: AwsClients, tmp_path: Path, demo_snapshot: Path
) -> None:
    settings = make_settings(tmp_path)
    async with (
        demo_server(engine, aws, settings, demo_snapshot) as (url, _),
        offline_page(browser, url) as (page, elsewhere),
        httpx.AsyncClient(base_url=url, timeout=30) as http,
    ):
        sent: list[dict[str, Any]] = []
        received: list[dict[str, Any]] = []

        sockets: list[str] = []

        def watch(socket: BrowserWebSocket) -> None:
            sockets.append(socket.url)
            socket.on("framesent", lambda frame: sent.append(json.loads(frame)))
            socket.on("framereceived", lambda frame: received.append(json.loads(frame)))

        page.on("websocket", watch)
        await open_graphiql(page, url)
        await enter_query(
            page, "subscription { viewerEvents { action entityType workout { workoutName } } }"
        )
        # Without a token the page says what is missing (no socket is opened).
        await page.locator(".graphiql-execute-button").click()
        await result_containing(page, "Subscriptions need a token")
        assert sent == []

        secret = token()
        await enter_headers(page, {"Authorization": f"Bearer {secret}"})
        await page.locator(".graphiql-execute-button").click()

        await _until(lambda: any(m.get("type") == "connection_ack" for m in received))
        await _until(lambda: any(m.get("type") == "subscribe" for m in sent))
        # The Headers tab's object is connection_init's payload, as the server reads it.
        assert sockets == [url.replace("http://", "ws://") + "/graphql"], sockets
        init = next(m for m in sent if m.get("type") == "connection_init")
        assert init["payload"] == {"Authorization": f"Bearer {secret}"}

        # A write over HTTP; the subscription is registered once the server has read its
        # subscribe message, so a write that raced it is retried under another name.
        for attempt in range(5):
            name = f"Browser run {attempt}"
            written = await http.post(
                "/graphql",
                json={
                    "query": LOG,
                    "variables": {
                        "i": {
                            "workoutName": name,
                            "discipline": "RUNNING",
                            "completedAt": "2026-11-01T10:00:00Z",
                        }
                    },
                },
                headers={"Authorization": f"Bearer {secret}"},
            )
            assert "errors" not in written.json(), written.json()
            try:
                await _until(lambda: any(m.get("type") == "next" for m in received), 5)
                break
            except TimeoutError:
                continue
        result = await result_containing(page, "Browser run")
        event = result["data"]["viewerEvents"]
        assert event["action"] == "ADDED" and event["entityType"] == "workout", event
        assert event["workout"]["workoutName"].startswith("Browser run")
        assert elsewhere == [], elsewhere
        assert secret not in await stored(page)


async def _until(check: Callable[[], bool], seconds: float = WAIT_MS / 1000) -> None:
    """Wait until `check()` (what the page's WebSocket frames show) holds."""
    for _ in range(int(seconds / 0.05)):
        if check():
            return
        await asyncio.sleep(0.05)
    raise TimeoutError(f"not within {seconds:g} s")


CALLER = """<!doctype html>
<html><head><title>pending</title></head><body><pre id="out"></pre><script>
(async () => {
  const { api, token } = JSON.parse(decodeURIComponent(location.hash.slice(1)));
  let outcome;
  try {
    // A bearer token and a JSON body: not a "simple" request, so a preflight goes first.
    const answer = await fetch(api + "/graphql", {
      method: "POST",
      headers: { "Authorization": "Bearer " + token, "Content-Type": "application/json" },
      body: JSON.stringify({ query: "{ viewer { username firstName } }" }),
    });
    outcome = { ok: true, status: answer.status, body: await answer.json() };
  } catch (error) {
    outcome = { ok: false, error: error.name + ": " + error.message };
  }
  document.getElementById("out").textContent = JSON.stringify(outcome);
  document.title = "done";
})();
</script></body></html>
"""


@asynccontextmanager
async def another_origin() -> AsyncIterator[str]:
    """A second web server (its own port: another origin) serving the calling page."""

    async def page(request: Request) -> HTMLResponse:
        return HTMLResponse(CALLER)

    async with listening(Starlette(routes=[StarletteRoute("/", page)])) as origin:
        yield origin


async def call_from(browser: Browser, origin: str, api: str) -> dict[str, Any]:
    """Open the page of `origin`; what its fetch() of the API gave (read from the page)."""
    context = await browser.new_context()
    try:
        page = await context.new_page()
        page.set_default_timeout(WAIT_MS)
        await page.goto(f"{origin}/#" + quote(json.dumps({"api": api, "token": token()})))
        await page.wait_for_function("document.title === 'done'", timeout=WAIT_MS)
        outcome: dict[str, Any] = json.loads(await page.locator("#out").text_content() or "")
        return outcome
    finally:
        await context.close()


async def test_a_page_of_an_allowed_origin_reads_the_api_and_another_is_blocked(
    browser: Browser, engine: EmbeddedEngine, aws: AwsClients, tmp_path: Path, demo_snapshot: Path
) -> None:
    async with another_origin() as allowed, another_origin() as refused:
        settings = make_settings(tmp_path, cors_origins=[allowed])
        async with demo_server(engine, aws, settings, demo_snapshot) as (api, seen):
            ok = await call_from(browser, allowed, api)
            assert ok["ok"] is True and ok["status"] == 200, ok
            assert "errors" not in ok["body"], ok
            assert ok["body"]["data"] == {"viewer": {"username": "demo", "firstName": "Dana"}}
            # The browser asked first (preflight), then sent the request.
            assert ("OPTIONS", "/graphql", allowed) in seen
            assert ("POST", "/graphql", allowed) in seen

            blocked = await call_from(browser, refused, api)
            assert blocked["ok"] is False and blocked["error"].startswith("TypeError"), blocked
            # Refused at the preflight: the request itself was never sent.
            assert ("OPTIONS", "/graphql", refused) in seen
            assert ("POST", "/graphql", refused) not in seen
