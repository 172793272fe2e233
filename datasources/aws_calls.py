"""Which AWS operations this process's code has called: the evidence for the IAM policy.

Every client `open_clients` opens carries a botocore `provide-client-params` hook that
records each API call once (a presigned URL too: it works only if its signer may make the
call) as an `Operation`: who made it, the service, the operation and what it touched.
`tests/test_zz_iam_policy.py` checks everything recorded against the roles of
`infra/template.json` (`infra/permissions.py`).

Who made a call (`origin`) is read from the Python stack at the call, innermost first:

- `harness`: the innermost project frame is in one of the folders `enable` was given (the
  test suite gives tests/, devserver/ and benchmarks/: a test
  or the embedded engine's tooling calling a client directly), not the service's code;
- `deploy`: creating the table or the bucket (`datasources/definition.py`), which the
  CloudFormation template does on AWS;
- `operations`: the migration, the recount and the orphan sweep (`datasources/migrate.py`,
  `datasources/sweep.py`), run by an operator with the operations role;
- `service`: everything else, i.e. what the API (and its indexer and live updates) calls.

Off unless `enable()` was called (the test suite's conftest does, before any client is
opened): a production process never walks its stack for this. Cheap when on (a walk of
the stack's frames per call, a few microseconds against the ~2 ms botocore spends per
call); the set is bounded (`MAX_RECORDED`).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any, Literal

Origin = Literal["service", "operations", "deploy", "harness"]

ROOT = Path(__file__).resolve().parent.parent
_ROOT_PREFIX = str(ROOT) + "/"
# The service's code; the folders of whoever enables recording (`enable(harness=...)`) are
# told apart as the harness.
_SERVICE_DIRS = frozenset({"datasources", "resolvers", "schema", "infra"})
_PROJECT_DIRS: frozenset[str] = _SERVICE_DIRS
_HARNESS_DIRS: frozenset[str] = frozenset()
# Functions (qualified-name prefixes, per file) whose calls belong to a role other than the
# service's; everything they call on (the Table wrapper included) is theirs.
ROLE_ENTRY_POINTS: dict[str, tuple[Origin, tuple[str, ...]]] = {
    "datasources/definition.py": ("deploy", ("create_table", "create_bucket")),
    "datasources/migrate.py": ("operations", ("Migration.", "migrate", "recount_all")),
    "datasources/sweep.py": ("operations", ("sweep_orphans", "referenced_keys")),
}
MAX_RECORDED = 4096


@dataclass(frozen=True, order=True)
class Operation:
    origin: Origin
    service: str  # "dynamodb", "s3", "dynamodb-streams" (botocore's hyphenated service id)
    operation: str  # "GetItem", "TransactWriteItems", "ListObjectsV2", ...
    # DynamoDB: "table" or "index" (Query/Scan with IndexName); a TransactWriteItems
    # action's kind ("Put", "Update", "Delete", "ConditionCheck"). S3: an object key's (or a
    # listing prefix's) first segment with its slash ("athletes/"), "" for bucket-level
    # calls. Streams: "stream".
    target: str


_recorded: set[Operation] = set()
_captures: list[set[Operation]] = []
# Items the service's code wrote (table, pk, sk), for whoever watches (the test suite's
# check of NeonPanda's app contract, tests/app_contract.py).
ItemKey = tuple[str, str, str]
_write_captures: list[set[ItemKey]] = []
_DYNAMODB_WRITES = frozenset(
    {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}
)
_lock = threading.Lock()
_paths: dict[str, str | None] = {}


def recorded() -> frozenset[Operation]:
    """Everything recorded in this process so far."""
    with _lock:
        return frozenset(_recorded)


@contextmanager
def capture() -> Iterator[set[Operation]]:
    """What is recorded while the block runs (in any thread)."""
    seen: set[Operation] = set()
    with _lock:
        _captures.append(seen)
    try:
        yield seen
    finally:
        with _lock:
            _captures.remove(seen)


@contextmanager
def capture_writes() -> Iterator[set[ItemKey]]:
    """The items (table, pk, sk) the service's code writes while the block runs."""
    seen: set[ItemKey] = set()
    with _lock:
        _write_captures.append(seen)
    try:
        yield seen
    finally:
        with _lock:
            _write_captures.remove(seen)


_enabled = False


def enable(harness: tuple[str, ...] = ()) -> None:
    """Record from now on: clients opened after this carry the hook. `harness`: the
    project's folders whose calls are the caller's own (a test suite's, its tooling's),
    not the service's."""
    global _enabled, _PROJECT_DIRS, _HARNESS_DIRS
    _enabled = True
    _HARNESS_DIRS = frozenset(harness)
    _PROJECT_DIRS = _SERVICE_DIRS | _HARNESS_DIRS
    _paths.clear()


def install(client: Any) -> None:
    if _enabled:
        client.meta.events.register("provide-client-params", _record)


def _record(
    event_name: str, params: dict[str, Any], model: Any, context: Any = None, **_: Any
) -> None:
    # event_name: "provide-client-params.<service>.<Operation>"
    _event, service, operation = event_name.split(".", 2)
    if operation == "CreateBucket" and (context or {}).get("is_presign_request"):
        # botocore signs a POST upload form through CreateBucket's model: no request is
        # sent, and the browser's PutObject it allows is in infra/permissions.py.
        return
    origin = _origin(sys._getframe(1))
    found = {Operation(origin, service, operation, t) for t in _targets(service, operation, params)}
    written = (
        _written_keys(operation, params)
        if _write_captures and origin != "harness" and operation in _DYNAMODB_WRITES
        else set()
    )
    with _lock:
        if len(_recorded) < MAX_RECORDED:
            _recorded.update(found)
        for seen in _captures:
            seen.update(found)
        for keys in _write_captures:
            keys.update(written)


def _written_keys(operation: str, params: dict[str, Any]) -> set[ItemKey]:
    """(table, pk, sk) of each item a DynamoDB write touches (wire-format params)."""

    def key(table: str, item: dict[str, Any]) -> ItemKey | None:
        pk, sk = item.get("pk", {}).get("S"), item.get("sk", {}).get("S")
        return (table, pk, sk) if isinstance(pk, str) and isinstance(sk, str) else None

    found: list[ItemKey | None] = []
    if operation == "TransactWriteItems":
        for action in params.get("TransactItems", []):
            for kind, body in action.items():
                if kind == "ConditionCheck":
                    continue  # a check reads the item; it writes nothing
                found.append(
                    key(body.get("TableName", ""), body.get("Item") or body.get("Key", {}))
                )
    elif operation == "BatchWriteItem":
        for table, requests in params.get("RequestItems", {}).items():
            for request in requests:
                for body in request.values():
                    found.append(key(table, body.get("Item") or body.get("Key", {})))
    else:
        found.append(key(params.get("TableName", ""), params.get("Item") or params.get("Key", {})))
    return {k for k in found if k is not None}


def _targets(service: str, operation: str, params: dict[str, Any]) -> set[str]:
    if service == "dynamodb":
        if operation == "TransactWriteItems":
            return {kind for action in params.get("TransactItems", []) for kind in action}
        return {"index" if params.get("IndexName") else "table"}
    if service == "s3":
        if operation == "DeleteObjects":
            objects = params.get("Delete", {}).get("Objects", [])
            return {_segment(str(o.get("Key", ""))) for o in objects} or {""}
        if "Key" in params:
            return {_segment(str(params["Key"]))}
        if "Prefix" in params:
            return {_segment(str(params["Prefix"]))}
        return {""}
    return {"stream"} if service == "dynamodb-streams" else {""}


def _segment(key: str) -> str:
    head, slash, _rest = key.partition("/")
    return head + slash


def _project_path(filename: str) -> str | None:
    """The file's path in the project (`datasources/table.py`), None for anything else
    (the standard library, installed packages: those in a Lambda's bundle too)."""
    try:
        return _paths[filename]
    except KeyError:
        pass
    path = None
    if filename.startswith(_ROOT_PREFIX):
        relative = filename[len(_ROOT_PREFIX) :]
        head, _slash, rest = relative.partition("/")
        if (not rest and head.endswith(".py")) or head in _PROJECT_DIRS:
            path = relative
    _paths[filename] = path
    return path


def _origin(frame: FrameType | None) -> Origin:
    innermost = True
    while frame is not None:
        path = _project_path(frame.f_code.co_filename)
        if path is not None:
            if innermost and path.partition("/")[0] in _HARNESS_DIRS:
                return "harness"
            innermost = False
            role = ROLE_ENTRY_POINTS.get(path)
            if role is not None and frame.f_code.co_qualname.startswith(role[1]):
                return role[0]
        frame = frame.f_back
    return "harness" if innermost else "service"
