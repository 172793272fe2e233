"""GraphiQL served by the server itself: no CDN, pinned files, Subresource Integrity.

The browser files are the npm packages' own builds (React's and GraphiQL's UMD bundles,
GraphiQL's CSS, the explorer plugin), vendored in `static/graphiql/` at the versions its
`manifest.json` pins, with each file's sha384. The app serves them under
`/graphiql/<file>` (the names carry the version: cached as immutable) and the page
(`static/graphiql/page.html`, derived from strawberry's) loads each with
`integrity="sha384-..."`; the hashes are checked against the files before anything is
served. The page keeps no token: GraphiQL's `shouldPersistHeaders` is false, so the Headers
tab is never written to localStorage. Subscriptions go over WebSocket to the same URL with
the Headers tab's entries as connection_init's payload (GraphiQL's fetcher does that when
given a `subscriptionUrl`; its bundle carries the graphql-ws client).

    uv run python graphiql.py check      verify the files against the manifest (offline)
    uv run python graphiql.py refresh    download the manifest's versions (npm) and re-hash
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

if TYPE_CHECKING:
    from starlette.routing import BaseRoute

    from settings import Settings

ASSETS_DIR = Path(__file__).resolve().parent / "static" / "graphiql"
MANIFEST = "manifest.json"
TEMPLATE = "page.html"
LICENSES = "LICENSES.txt"
URL_PREFIX = "/graphiql/"

_CONTENT_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
_IMMUTABLE = "public, max-age=31536000, immutable"


@dataclass(frozen=True)
class Asset:
    """One vendored file: where it came from and what it must hash to."""

    file: str
    package: str
    version: str
    path: str  # inside the npm package
    kind: str  # "script" or "style"
    sha384: str  # the Subresource Integrity value, "sha384-<base64>"

    @property
    def url(self) -> str:
        return URL_PREFIX + self.file


def sri(data: bytes) -> str:
    """The Subresource Integrity value of `data` (sha384, as browsers check it)."""
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def read_manifest(directory: Path = ASSETS_DIR) -> dict[str, Any]:
    manifest: dict[str, Any] = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    return manifest


def load_manifest(directory: Path = ASSETS_DIR) -> list[Asset]:
    """The manifest's files, in the order the page loads them."""
    return [
        Asset(
            file=entry["file"],
            package=entry["package"],
            version=entry["version"],
            path=entry["path"],
            kind=entry["kind"],
            sha384=entry.get("sha384", ""),
        )
        for entry in read_manifest(directory)["files"]
    ]


def verify(directory: Path = ASSETS_DIR) -> list[str]:
    """What is wrong with the vendored files (empty: each is there and hashes as recorded)."""
    problems: list[str] = []
    for asset in load_manifest(directory):
        path = directory / asset.file
        if Path(asset.file).name != asset.file or path.suffix not in _CONTENT_TYPES:
            problems.append(f"{asset.file}: not a .js or .css file name")
        elif asset.version not in asset.file:
            problems.append(f"{asset.file}: the name must carry the version {asset.version}")
        elif asset.kind not in ("script", "style"):
            problems.append(f"{asset.file}: kind {asset.kind!r} (script or style)")
        elif not path.is_file():
            problems.append(f"{asset.file}: missing (run `uv run python graphiql.py refresh`)")
        elif (actual := sri(path.read_bytes())) != asset.sha384:
            problems.append(
                f"{asset.file}: {actual}, the manifest says {asset.sha384 or 'nothing'}"
            )
    return problems


@functools.cache
def _assets() -> dict[str, tuple[Asset, bytes]]:
    """The files, read once and checked against the manifest: a file that does not hash
    as recorded is never served (the page would refuse it anyway)."""
    problems = verify()
    if problems:
        raise RuntimeError(
            "GraphiQL's vendored files do not match their manifest: " + "; ".join(problems)
        )
    return {a.file: (a, (ASSETS_DIR / a.file).read_bytes()) for a in load_manifest()}


def _tags(kind: str) -> str:
    assets = [asset for asset, _ in _assets().values() if asset.kind == kind]
    if kind == "style":
        lines = [
            f'<link rel="stylesheet" href="{a.url}" integrity="{a.sha384}" '
            'crossorigin="anonymous" />'
            for a in assets
        ]
    else:
        lines = [
            f'<script src="{a.url}" integrity="{a.sha384}" crossorigin="anonymous"></script>'
            for a in assets
        ]
    return "\n    ".join(lines)


@functools.cache
def page_html() -> str:
    """The GraphiQL page: the template with the manifest's files and their integrity."""
    template = (ASSETS_DIR / TEMPLATE).read_text(encoding="utf-8")
    return template.replace("<!-- graphiql:styles -->", _tags("style")).replace(
        "<!-- graphiql:scripts -->", _tags("script")
    )


@functools.cache
def _content_security_policy() -> str:
    """Only this origin's files, plus the page's own inline script (by its hash)."""
    inline = re.findall(r"<script>(.*?)</script>", page_html(), flags=re.DOTALL)
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in inline
    )
    return "; ".join(
        [
            "default-src 'none'",
            f"script-src 'self' {hashes}",
            # GraphiQL and CodeMirror set inline styles.
            "style-src 'self' 'unsafe-inline'",
            "font-src 'self' data:",
            "img-src 'self' data:",
            # The API over HTTP and WebSocket, on this origin only.
            "connect-src 'self'",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        ]
    )


def page_response() -> Response:
    return HTMLResponse(
        page_html(),
        headers={
            "Cache-Control": "no-cache",
            "Content-Security-Policy": _content_security_policy(),
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        },
    )


async def asset(request: Request) -> Response:
    """A vendored file, by its versioned name (only the manifest's files)."""
    found = _assets().get(request.path_params["file"])
    if found is None:
        return Response("Not Found", status_code=404, media_type="text/plain")
    entry, body = found
    headers = {
        "Cache-Control": _IMMUTABLE,
        "ETag": f'"{entry.sha384}"',
        "X-Content-Type-Options": "nosniff",
        "Cross-Origin-Resource-Policy": "same-origin",
    }
    if f'"{entry.sha384}"' in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    media_type = _CONTENT_TYPES[Path(entry.file).suffix]
    return Response(body, media_type=media_type, headers=headers)


def asset_routes(settings: Settings) -> list[BaseRoute]:
    """The files' route, when the GraphiQL page is on (`settings.graphiql_enabled`)."""
    if not settings.graphiql_enabled:
        return []
    return [Route(URL_PREFIX + "{file}", asset, methods=["GET"])]


def refresh(directory: Path = ASSETS_DIR) -> None:
    """Download each package at the manifest's version (`npm pack`: the registry's
    tarball, checked by npm against the registry's integrity), copy the file out, and
    record its sha384 and the tarball's integrity. Files no longer listed are removed."""
    manifest = read_manifest(directory)
    with tempfile.TemporaryDirectory() as tmp:
        tarballs: dict[str, dict[str, Any]] = {}
        licenses: dict[str, str] = {}
        for entry in manifest["files"]:
            if entry["version"] not in entry["file"]:
                raise SystemExit(f"{entry['file']}: the name must carry {entry['version']}")
            spec = f"{entry['package']}@{entry['version']}"
            if spec not in tarballs:
                packed = subprocess.run(
                    ["npm", "pack", spec, "--json", "--pack-destination", tmp],
                    check=True,
                    capture_output=True,
                    text=True,
                )
                tarballs[spec] = json.loads(packed.stdout)[0]
            info = tarballs[spec]
            with tarfile.open(Path(tmp) / info["filename"]) as tar:
                data = _member(tar, entry["path"])
                if data is None:
                    raise SystemExit(f"{spec} has no file {entry['path']}")
                if spec not in licenses:
                    package = json.loads(_member(tar, "package.json") or b"{}")
                    license_file = _member(tar, "LICENSE") or _member(tar, "LICENSE.md") or b""
                    licenses[spec] = "\n\n".join(
                        [
                            f"{spec}: {package.get('license', 'see the package')}",
                            license_file.decode().strip() or "(the package ships no license file)",
                        ]
                    )
            (directory / entry["file"]).write_bytes(data)
            entry["sha384"] = sri(data)
            entry["bytes"] = len(data)
            entry["tarball"] = info["integrity"]
            print(f"{entry['file']}: {spec} {entry['path']} ({len(data):,} bytes)")
    separator = "\n\n" + "-" * 78 + "\n\n"
    (directory / LICENSES).write_text(
        "The licenses of the packages these files come from.\n\n"
        + separator.join(licenses.values())
        + "\n",
        encoding="utf-8",
    )
    listed = {entry["file"] for entry in manifest["files"]}
    for path in directory.iterdir():
        if path.suffix in _CONTENT_TYPES and path.name not in listed:
            path.unlink()
            print(f"{path.name}: removed (no longer listed)")
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    (directory / MANIFEST).write_text(text, encoding="utf-8")


def _member(tar: tarfile.TarFile, path: str) -> bytes | None:
    try:
        member = tar.extractfile(f"package/{path}")
    except KeyError:
        return None
    return member.read() if member is not None else None


def main(argv: list[str]) -> int:
    command = argv[0] if argv else ""
    if command == "refresh":
        refresh()
    elif command != "check":
        print(__doc__, file=sys.stderr)
        return 2
    problems = verify()
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        total = sum((ASSETS_DIR / a.file).stat().st_size for a in load_manifest())
        print(f"GraphiQL's files match the manifest ({total:,} bytes)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
