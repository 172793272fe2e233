"""GraphiQL's vendored files (static/graphiql/): each hashes as its manifest says, the page
loads only them, from this server, with those hashes as Subresource Integrity, and they are
served with their types and an immutable cache; none of it when GraphiQL is off."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

from app import create_app
from devserver.engine import EmbeddedEngine
from graphiql import ASSETS_DIR, load_manifest, verify
from tests.conftest import Api, _serve, make_settings

HTML = {"Accept": "text/html"}


def sha384(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def manifest_hashes() -> dict[str, str]:
    entries = json.loads((ASSETS_DIR / "manifest.json").read_text())["files"]
    return {"/graphiql/" + entry["file"]: entry["sha384"] for entry in entries}


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.inline_scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script" and not dict(attrs).get("src")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.inline_scripts.append(data)


def test_the_vendored_files_hash_as_the_manifest_says() -> None:
    assert verify() == []
    entries = json.loads((ASSETS_DIR / "manifest.json").read_text())["files"]
    for entry in entries:
        data = (ASSETS_DIR / entry["file"]).read_bytes()
        assert sha384(data) == entry["sha384"], entry["file"]
        assert len(data) == entry["bytes"], entry["file"]
        assert entry["version"] in entry["file"]  # cached as immutable: a new version, a new name
    # Nothing else is vendored there unlisted.
    on_disk = {p.name for p in ASSETS_DIR.iterdir() if p.suffix in (".js", ".css")}
    assert on_disk == {entry["file"] for entry in entries}


async def test_the_page_loads_only_this_servers_files_with_their_integrity(api: Api) -> None:
    page = await api.http.get("/graphql", headers=HTML)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    parsed = Tags()
    parsed.feed(page.text)

    loaded = {
        str(attrs.get("src") or attrs.get("href")): attrs
        for tag, attrs in parsed.tags
        if (tag == "script" and attrs.get("src"))
        or (tag == "link" and attrs.get("rel") == "stylesheet")
    }
    expected = manifest_hashes()
    assert set(loaded) == set(expected)
    for url, attrs in loaded.items():
        assert attrs["integrity"] == expected[url], url
        assert attrs.get("crossorigin") == "anonymous", url
        # What the server sends hashes to the same value the browser will check.
        served = await api.http.get(url)
        assert sha384(served.content) == expected[url], url
    # No other address anywhere in the page's scripts and styles.
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page.text)

    # The token is never persisted by GraphiQL; the page says so.
    assert "shouldPersistHeaders: false" in page.text
    assert "NOT saved in this browser" in page.text

    # The Content-Security-Policy allows this origin and the page's own inline script only.
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "connect-src 'self'" in policy
    (inline,) = parsed.inline_scripts
    inline_hash = base64.b64encode(hashlib.sha256(inline.encode()).digest()).decode()
    assert f"script-src 'self' 'sha256-{inline_hash}'" in policy
    assert page.headers["cache-control"] == "no-cache"


async def test_the_files_are_served_with_their_types_and_an_immutable_cache(api: Api) -> None:
    for asset in load_manifest():
        answer = await api.http.get(asset.url)
        assert answer.status_code == 200, asset.file
        kind = "text/javascript" if asset.file.endswith(".js") else "text/css"
        assert answer.headers["content-type"] == f"{kind}; charset=utf-8"
        assert answer.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.content == (ASSETS_DIR / asset.file).read_bytes()
        again = await api.http.get(asset.url, headers={"If-None-Match": answer.headers["etag"]})
        assert again.status_code == 304 and again.content == b""

    # Only the manifest's files: not the template, the manifest, or anything beside them.
    for name in ("page.html", "manifest.json", "LICENSES.txt", "nope.js", "..%2Fapp.py"):
        assert (await api.http.get(f"/graphiql/{name}")).status_code == 404, name
    assert (await api.http.get("/graphiql/../app.py")).status_code == 404


async def test_no_page_and_no_files_when_graphiql_is_off(
    tmp_path: Path, engine: EmbeddedEngine, aws: object
) -> None:
    settings = make_settings(tmp_path, graphiql=False)
    async for api in _serve(create_app(settings, engine=engine), settings):
        page = await api.http.get("/graphql", headers=HTML)
        assert page.status_code == 404
        assert "graphiql" not in page.text.lower()
        for asset in load_manifest():
            assert (await api.http.get(asset.url)).status_code == 404
