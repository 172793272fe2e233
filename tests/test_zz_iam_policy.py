"""The IAM policies of infra/template.json hold the code's AWS calls, and only those.

Runs late (pytest takes files alphabetically): by then `datasources/aws_calls.py` has
recorded every AWS call the suite's code made, with who made it. This file adds a workload
of its own through the HTTP endpoint (every mutation, the read graph, an export and an
account deletion of an athlete of the app's, /readyz, a start as on AWS, the migration and
the sweep), so that it means the same when run alone. Then:

(a) every recorded call is allowed to its origin's role (the service's calls to the
    server's policies, DataAccess, StreamRead and CursorSecretRead; the migration's and the
    sweep's to the operations role; table and bucket creation is CloudFormation's);
(b) every action the policies grant is one the code calls: the call lists of
    `infra/permissions.py` equal a scan of the code's client calls (so they cannot
    drift), and every (action, resource, prefix) a policy grants was used by some call.
"""

from __future__ import annotations

import ast
import typing
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import botocore.session
import httpx
import pytest
from botocore import xform_name

from app import create_app
from datasources import transaction
from datasources.aws import AwsClients
from datasources.aws_calls import ROOT, Operation, recorded
from datasources.content import ContentStore
from datasources.migrate import recount_all
from datasources.sweep import sweep_orphans
from datasources.table import Table
from devserver.asgi import served
from devserver.builders import bulk_put
from devserver.engine import EmbeddedEngine
from devserver.snapshot import Snapshotter
from infra import permissions
from runtime import open_runtime
from settings import Settings
from tests import app_items
from tests.conftest import Api, make_settings, production_settings, put_secret
from tests.test_mutations_account import CONTACT, DELETE, EXPORT
from tests.test_mutations_program import DELETE as DELETE_PROGRAM
from tests.test_mutations_program import DELETE_SESSION, RENAME, REST, SKIP, _log_input
from tests.test_mutations_program import LOG as LOG_PROGRAM
from tests.test_mutations_program import UPDATE as UPDATE_PROGRAM
from tests.test_mutations_session import ABANDON, ANSWER, COMPLETE, START
from tests.test_mutations_workout import LOG, _fran_input

# --- (b), statically: the code's client calls --------------------------------------------

# The project's code that runs in production (tests/, benchmarks/ and devserver/, the
# embedded engine's tooling, are not).
CODE = [p for p in ROOT.glob("*.py")] + [
    p for d in ("datasources", "resolvers", "schema") for p in (ROOT / d).rglob("*.py")
]
SERVICES = ("dynamodb", "s3", "dynamodbstreams", "secretsmanager")


def _botocore_names() -> tuple[dict[str, tuple[str, str]], dict[str, tuple[str, str]]]:
    """snake_case method -> (service id, operation); waiter name -> the same."""
    session = botocore.session.get_session()
    methods: dict[str, tuple[str, str]] = {}
    waiters: dict[str, tuple[str, str]] = {}
    for name in SERVICES:
        model = session.get_service_model(name)
        service = model.service_id.hyphenize()
        for operation in model.operation_names:
            methods[xform_name(operation)] = (service, operation)
        try:
            waiter_model = session.get_waiter_model(name)
        except Exception:  # no waiters for this service
            continue
        for waiter in waiter_model.waiter_names:
            operation = waiter_model.get_waiter(waiter).operation
            waiters[xform_name(waiter)] = (service, operation)
    return methods, waiters


def code_calls() -> dict[tuple[str, str], list[str]]:
    """Every AWS operation the code calls, with where: a client method call
    (`.get_object(Bucket=...)`: keywords only, unlike the stores' own methods), the Table
    wrapper's operations (`self._call("Query", ...)`), a
    presigned URL's operation and a waiter's."""
    methods, waiters = _botocore_names()
    found: dict[tuple[str, str], list[str]] = {}
    for path in CODE:
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            name = node.func.attr
            first = (
                node.args[0].value if node.args and isinstance(node.args[0], ast.Constant) else None
            )
            call: tuple[str, str] | None = None
            if name in methods and not node.args:  # client methods take keywords only
                call = methods[name]
            elif name in ("_call", "_conditional") and isinstance(first, str):
                call = ("dynamodb", first)
            elif name == "generate_presigned_url" and isinstance(first, str):
                call = methods[first]
            elif name == "generate_presigned_post":  # an upload form: the browser's PutObject
                call = ("s3", "PutObject")
            elif name == "get_waiter" and isinstance(first, str):
                call = waiters[first]
            if call is not None:
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                found.setdefault(call, []).append(where)
    return found


def test_the_call_lists_are_exactly_the_codes_calls() -> None:
    found = code_calls()
    listed = permissions.ALL_CALLS
    missing = {call: found[call] for call in set(found) - listed}
    assert not missing, f"the code calls these; classify them in infra/permissions.py: {missing}"
    assert not listed - set(found), f"listed but no longer called: {listed - set(found)}"
    # TransactWriteItems: the action kinds the Transaction builder can send.
    assert set(typing.get_args(transaction.Kind)) == set(permissions.TRANSACTION_ACTIONS)


def test_the_roles_grant_only_actions_of_the_listed_calls() -> None:
    derived = {
        permissions.needs(Operation("service", service, operation, target)).action
        for service, operation in permissions.ALL_CALLS - permissions.DEPLOY_CALLS
        for target in (
            permissions.TRANSACTION_ACTIONS
            if operation == "TransactWriteItems"
            else ["athletes/" if service == "s3" else "table"]
        )
    }
    for role, policies in permissions.ROLES.items():
        assert permissions.granted_actions(policies) <= derived, role


# --- (a) and (b), dynamically: what the suite and the workload called ----------------------


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """This file's server runs the stream indexer and the live-update hub (stream reads)."""
    return make_settings(tmp_path, indexer=True)


async def _ok(api: Api, query: str, variables: dict[str, Any] | None = None, **kw: Any) -> Any:
    body = await api.gql(query, variables, **kw)
    assert "errors" not in body, body["errors"]
    return body["data"]


READ = """query($after: String) { viewer {
  userId username email displayName
  coaches(first: 10) { totalCount edges { node { coachId name } } }
  conversations(first: 10) { totalCount edges { node { conversationId title
    messages(last: 5) { edges { node { role content } } } summary { summaryText } } } }
  conversationSummaries { totalCount }
  workouts(first: 5, after: $after) { totalCount edges { node { workoutId
    detailedLog { key content downloadUrl(expiresInSeconds: 60) } images { key content } } }
    pageInfo { endCursor } }
  may: workouts(filter: {completedFrom: "2026-01-01T00:00:00Z"}) {
    totalCount }
  memories(first: 10) { totalCount edges { node { memoryId content } } }
  coachCreatorSessions(first: 5) { totalCount edges { node { sessionId
    history { document { questionHistory { questionId } } } } } } } }"""


async def drive(api: Api) -> None:
    """Every query field and mutation, as the demo athlete; then an app athlete's export
    and deletion (objects under the app's prefixes)."""
    await _ok(api, READ)
    await _ok(api, '{ usernameAvailable(username: "fresh_name") }')
    await _ok(api, '{ publicProfile(username: "demo") { username } }')
    await _ok(
        api,
        '{ admin { userByEmail(email: "demo@neonpanda.local") { userId } '
        "entities(entityType: USER, first: 2) { totalCount } } }",
        headers={"Authorization": f"Bearer {api.token('ops', groups=['admin'])}"},
    )
    await _ok(api, '{ node(id: "V29ya291dDpkZW1vX3dvcmtvdXRfMDAx") { id } nodes(ids: []) { id } }')

    profile = """mutation($input: CreateProfileInput!) { createProfile(input: $input) {
        user { userId version } } }"""
    await _ok(
        api,
        profile,
        {"input": {"username": "iam_new", "email": "iam@example.com", "firstName": "I"}},
        user="iam-new",
    )
    await _ok(
        api,
        """mutation($input: UpdateProfileInput!) { updateProfile(input: $input) {
            user { version } } }""",
        {"input": {"expectedVersion": 1, "nickname": "I", "username": "iam_renamed"}},
        user="iam-new",
    )

    coach = (
        await _ok(
            api,
            """mutation($input: CreateCoachInput!) { createCoach(input: $input) {
                coach { coachId } } }""",
            {"input": {"name": "Ava"}},
        )
    )["createCoach"]["coach"]["coachId"]
    await _ok(
        api,
        "mutation($input: UpdateCoachInput!) { updateCoach(input: $input) { coach { version } } }",
        {"input": {"coachId": coach, "expectedVersion": 1, "name": "Ava 2"}},
    )

    started = await _ok(
        api,
        """mutation($input: StartConversationInput!) { startConversation(input: $input) {
            conversation { conversationId version } } }""",
        {
            "input": {
                "coachId": coach,
                "title": "IAM",
                "messages": [{"messageId": "m0", "role": "USER", "content": "hi"}],
            }
        },
    )
    conversation = started["startConversation"]["conversation"]["conversationId"]
    await _ok(
        api,
        """mutation($input: SendMessageInput!) { sendMessage(input: $input) {
            conversation { totalMessages } } }""",
        {
            "input": {
                "conversationId": conversation,
                "coachId": coach,
                "messages": [{"messageId": "m1", "role": "ASSISTANT", "content": "x" * 5000}],
            }
        },
    )
    # An upload: the form this API signs, posted by the "browser", named on a message.
    targets = await _ok(
        api,
        """mutation($i: CreateUploadUrlsInput!) { createUploadUrls(input: $i) {
            uploads { key url fields } } }""",
        {"i": {"files": [{"contentType": "image/png", "size": 4}]}},
    )
    (target,) = targets["createUploadUrls"]["uploads"]
    async with httpx.AsyncClient() as browser:
        posted = await browser.post(
            target["url"], data=target["fields"], files={"file": ("p.png", b"\x89PNG", "image/png")}
        )
    assert posted.status_code == 204, posted.text
    await _ok(
        api,
        """mutation($input: SendMessageInput!) { sendMessage(input: $input) {
            conversation { totalMessages } } }""",
        {
            "input": {
                "conversationId": conversation,
                "coachId": coach,
                "messages": [{"role": "USER", "content": "photo", "imageS3Keys": [target["key"]]}],
            }
        },
    )
    await _ok(
        api,
        """mutation($input: SaveConversationSummaryInput!) { saveConversationSummary(
            input: $input) { summary { version } } }""",
        {"input": {"conversationId": conversation, "coachId": coach, "summaryText": "s"}},
    )
    await _ok(
        api,
        """mutation($input: UpdateConversationInput!) { updateConversation(input: $input) {
            conversation { version } } }""",
        {
            "input": {
                "conversationId": conversation,
                "coachId": coach,
                "expectedVersion": 3,  # two messages sent (one with an upload)
                "title": "Renamed",
            }
        },
    )
    await _ok(
        api,
        """mutation($input: DeleteConversationInput!) { deleteConversation(input: $input) {
            deletedConversationId } }""",
        {"input": {"conversationId": conversation, "coachId": coach, "expectedVersion": 4}},
    )

    logged = (await _ok(api, LOG, {"input": _fran_input()}))["logWorkout"]["workout"]
    await _ok(
        api,
        """mutation($input: UpdateWorkoutInput!) { updateWorkout(input: $input) {
            workout { version } } }""",
        {
            "input": {
                "workoutId": logged["workoutId"],
                "expectedVersion": 1,
                "detailedLog": {"raw": "corrected"},
            }
        },
    )
    await _ok(
        api,
        """mutation($input: DeleteWorkoutInput!) { deleteWorkout(input: $input) {
            deletedWorkoutId } }""",
        {"input": {"workoutId": logged["workoutId"], "expectedVersion": 2}},
    )

    memory = (
        await _ok(
            api,
            """mutation($input: CreateMemoryInput!) { createMemory(input: $input) {
                memory { memoryId } } }""",
            {"input": {"content": "Likes rowing", "memoryType": "PREFERENCE", "coachId": coach}},
        )
    )["createMemory"]["memory"]["memoryId"]
    await _ok(
        api,
        """mutation($input: RecordMemoryUseInput!) { recordMemoryUse(input: $input) {
            memory { usageCount } } }""",
        {"input": {"memoryId": memory, "idempotencyKey": "use-1"}},
    )
    await _ok(
        api,
        """mutation($input: UpdateMemoryInput!) { updateMemory(input: $input) {
            memory { version } } }""",
        {"input": {"memoryId": memory, "expectedVersion": 2, "content": "Loves rowing"}},
    )
    await _ok(
        api,
        """mutation($input: DeleteMemoryInput!) { deleteMemory(input: $input) {
            deletedMemoryId } }""",
        {"input": {"memoryId": memory, "expectedVersion": 3}},
    )

    fields = "sessionId version"
    session = (await _ok(api, START, {"input": {"totalQuestions": 2}}))["startCoachCreatorSession"][
        "session"
    ]
    answer = {
        "sessionId": session["sessionId"],
        "expectedVersion": 1,
        "questionId": 1,
        "topic": "goals",
        "userResponse": "a 10k",
        "detectedSophistication": "INTERMEDIATE",
        "sophisticationSignals": ["s"],
        "confidence": 0.6,
    }
    await _ok(api, ANSWER, {"input": answer})
    await _ok(
        api,
        COMPLETE,
        {
            "input": {
                "sessionId": session["sessionId"],
                "expectedVersion": 2,
                "generatedCoachId": coach,
            }
        },
    )
    other = (await _ok(api, START, {"input": {"totalQuestions": 2}}))["startCoachCreatorSession"][
        "session"
    ]
    await _ok(api, ABANDON, {"input": {"sessionId": other["sessionId"], "expectedVersion": 1}})
    assert fields  # the session documents select these and more

    await _ok(
        api,
        """mutation($input: DeleteCoachInput!) { deleteCoach(input: $input) {
            deletedCoachId } }""",
        {"input": {"coachId": coach, "expectedVersion": 2}},
    )
    await _ok(api, CONTACT, {"input": {"email": "fan@example.com", "message": "hi"}}, user=None)
    await _ok(api, EXPORT)
    await _ok(api, DELETE)
    await _programs(api)
    # An athlete of the app's: objects under user-uploads/, programs/, sharedPrograms/.
    await _ok(api, EXPORT, user=app_items.ATHLETE)
    await _ok(api, DELETE, user=app_items.ATHLETE)

    readyz = await api.http.get("/readyz")
    assert readyz.status_code == 200, readyz.text


PROGRAMS = """query($id: ID!) { viewer {
  programs { totalCount countsByStatus { active } edges { node { programId } } }
  program(programId: $id) { today { templates { name linkedWorkout { workoutId } } }
    workouts { workoutId } insights { coachNote } details { content } }
  programDesignerSessions(filter: {includeDeleted: true}) { totalCount
    edges { node { sessionId } } } } }"""


async def _programs(api: Api) -> None:
    """An app athlete's programs (the app's details under programs/), read and written."""
    user = app_items.ATHLETE
    athlete = app_items._Athlete(user)
    await _ok(api, PROGRAMS, {"id": athlete.legacy_program}, user=user)
    await _ok(api, LOG_PROGRAM, {"i": _log_input()}, user=user)
    await _ok(api, REST, {"i": {"programId": athlete.program, "expectedVersion": 2}}, user=user)
    update = {"programId": athlete.program, "expectedVersion": 3, "action": "PAUSE"}
    await _ok(api, UPDATE_PROGRAM, {"i": update}, user=user)
    await _ok(api, PROGRAMS, {"id": athlete.program}, user=user)
    skip = {
        "programId": athlete.legacy_program,
        "expectedVersion": 1,
        "templateId": athlete.legacy_template,
    }
    await _ok(api, SKIP, {"i": skip}, user=user)
    session = {"sessionId": athlete.pd_session, "expectedVersion": 1}
    await _ok(api, RENAME, {"i": {**session, "title": "Block"}}, user=user)
    await _ok(api, DELETE_SESSION, {"i": {**session, "expectedVersion": 2}}, user=user)
    hard = {"programId": athlete.legacy_program, "expectedVersion": 2, "hard": True}
    await _ok(api, DELETE_PROGRAM, {"i": hard}, user=user)


@pytest.fixture
async def workload(
    engine: EmbeddedEngine,
    aws: AwsClients,
    settings: Settings,
    demo_snapshot: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[None]:
    table = Table(aws.dynamodb, settings.table_name)
    content = ContentStore(aws.s3, settings.bucket)
    await Snapshotter(table, content, demo_snapshot).restore()
    await bulk_put(table, app_items.all_items())
    for user in (app_items.ATHLETE, app_items.OTHER):
        for key, body in app_items.s3_objects(user).items():
            await aws.s3.put_object(Bucket=settings.bucket, Key=key, Body=body)
    async with served(create_app(settings, engine=engine)) as (http, runtime):
        await drive(Api(http, settings, runtime))
    # Started as on AWS (check_seed, the accelerators) and the operator's commands.
    # The cursor secret as the template gives it: an ARN, read at start.
    arn = await put_secret(engine, "neonpanda-iam-cursor", "iam-cursor-secret")
    production = production_settings(tmp_path / "aws", monkeypatch, engine, cursor_secret_arn=arn)
    async with open_runtime(production, seed=False, migrate=False) as runtime:
        assert runtime.stores.table.accelerators.lists
        await sweep_orphans(runtime.stores, dry_run=True)

        async def once(call: Any) -> Any:
            return await call()

        await recount_all(runtime.stores.table, once)
    yield


def _atoms(policies: tuple[str, ...]) -> set[tuple[str, str, str | None]]:
    """Each (action, resource, prefix) the policies grant."""
    out: set[tuple[str, str, str | None]] = set()
    for name in policies:
        for s in permissions.POLICIES[name]:
            for action in s.actions:
                if s.resource in ("objects", "bucket"):
                    out |= {(action, s.resource, p) for p in s.prefixes}
                    if s.unprefixed:
                        out.add((action, s.resource, None))
                else:
                    out.add((action, s.resource, None))
    return out


def _atom(op: Operation) -> tuple[str, str, str | None]:
    need = permissions.needs(op)
    return (need.action, need.resource, need.prefix)


# A server process's role (API, hub, indexer): the ECS service's task role in the template.
SERVER = permissions.ROLES["ServiceTaskRole"]
OPERATIONS = permissions.ROLES["OperationsRole"]


async def test_every_recorded_call_is_allowed_and_every_grant_is_used(workload: None) -> None:
    calls = recorded()
    by_origin: dict[str, set[Operation]] = {}
    for call in calls:
        by_origin.setdefault(call.origin, set()).add(call)
    assert by_origin.get("service") and by_origin.get("operations")

    # (a) Allowed to their origin's role.
    refused = [
        c for c in by_origin["service"] if not permissions.allowed(permissions.needs(c), SERVER)
    ]
    assert not refused, f"the service called these; its role does not allow them: {refused}"
    refused = [
        c
        for c in by_origin["operations"]
        if not permissions.allowed(permissions.needs(c), OPERATIONS)
    ]
    assert not refused, f"migrate/sweep called these; the operations role refuses: {refused}"
    deploy = {(c.service, c.operation) for c in by_origin.get("deploy", set())}
    assert deploy <= permissions.DEPLOY_CALLS | permissions.SERVICE_CALLS, deploy
    unknown = {
        (c.service, c.operation) for c in calls if c.origin != "harness"
    } - permissions.ALL_CALLS
    assert not unknown, f"calls missing from infra/permissions.py: {unknown}"

    # (b) Every grant used: by the service (server policies) and by the operations.
    used = {_atom(c) for c in by_origin["service"]}
    # The upload forms the service signed: the browser's PutObject, authorised as the
    # service's (the workload posted one; it is not the service's own call).
    used.add(("s3:PutObject", "objects", permissions.UPLOADS_PREFIX))
    assert _atoms(SERVER) - used == set(), "granted to the service but never used"
    used_by_operations = {_atom(c) for c in by_origin["operations"]}
    assert _atoms(("Operations",)) - used_by_operations == set()
