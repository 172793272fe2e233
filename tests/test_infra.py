"""infra/template.json is rendered from the one table/bucket definition and lints clean."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from datasources.aws import AwsClients
from datasources.definition import LIFECYCLE_RULES, SEED_GSIS, SEED_KEY_SCHEMA, table_spec
from infra.template import cloudformation_template, render_template
from settings import Settings
from tests.imports import imports_of

TEMPLATE = Path(__file__).resolve().parent.parent / "infra" / "template.json"


def test_template_is_rendered_from_the_definition() -> None:
    assert TEMPLATE.read_text() == render_template(), (
        "regenerate: uv run python -m infra.template > infra/template.json"
    )


def test_cfn_lint_passes() -> None:
    exe = shutil.which("cfn-lint") or str(Path(sys.executable).with_name("cfn-lint"))
    result = subprocess.run([exe, str(TEMPLATE)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


async def test_engine_table_matches_the_template(aws: AwsClients, settings: Settings) -> None:
    described = (await aws.dynamodb.describe_table(TableName=settings.table_name))["Table"]
    props = cloudformation_template()["Resources"]["Table"]["Properties"]
    assert described["KeySchema"] == props["KeySchema"]
    assert sorted(described["AttributeDefinitions"], key=lambda a: a["AttributeName"]) == sorted(
        props["AttributeDefinitions"], key=lambda a: a["AttributeName"]
    )
    gsis = {
        g["IndexName"]: (g["KeySchema"], g["Projection"])
        for g in described["GlobalSecondaryIndexes"]
    }
    assert gsis == {
        g["IndexName"]: (g["KeySchema"], g["Projection"]) for g in props["GlobalSecondaryIndexes"]
    }
    assert not described.get("LocalSecondaryIndexes")  # a live table can never get one
    assert described["StreamSpecification"] == {
        "StreamEnabled": True,
        "StreamViewType": props["StreamSpecification"]["StreamViewType"],
    }
    ttl = await aws.dynamodb.describe_time_to_live(TableName=settings.table_name)
    assert ttl["TimeToLiveDescription"]["AttributeName"] == "ttl"
    assert ttl["TimeToLiveDescription"]["TimeToLiveStatus"] == "ENABLED"


async def test_engine_bucket_has_encryption_and_lifecycle(
    aws: AwsClients, settings: Settings
) -> None:
    enc = await aws.s3.get_bucket_encryption(Bucket=settings.bucket)
    rule = enc["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    lifecycle = await aws.s3.get_bucket_lifecycle_configuration(Bucket=settings.bucket)
    assert [r["ID"] for r in lifecycle["Rules"]] == [r["ID"] for r in LIFECYCLE_RULES]
    tiering = lifecycle["Rules"][0]
    assert [(t["Days"], t["StorageClass"]) for t in tiering["Transitions"]] == [
        (30, "STANDARD_IA"),
        (90, "GLACIER"),
    ]
    assert tiering["Expiration"]["Days"] == 730


def test_the_created_table_is_exactly_the_seeds() -> None:
    """What `create-table` (and the embedded engine) creates: the seed's keys and GSI1-3,
    nothing else; the accelerators are added by the migration, as on the live table."""
    spec = table_spec("t")
    assert spec["KeySchema"] == SEED_KEY_SCHEMA
    assert spec["GlobalSecondaryIndexes"] == SEED_GSIS
    assert [g["IndexName"] for g in SEED_GSIS] == ["gsi1", "gsi2", "gsi3"]
    assert "LocalSecondaryIndexes" not in spec and "StreamSpecification" not in spec


def test_template_is_valid_json() -> None:
    assert json.loads(TEMPLATE.read_text())["Resources"]["Table"]["Type"] == "AWS::DynamoDB::Table"


def _resources() -> dict[str, Any]:
    resources: dict[str, Any] = json.loads(TEMPLATE.read_text())["Resources"]
    return resources


def test_the_functions_run_the_handlers_with_settings_that_exist() -> None:
    """Each function's handler is a callable of lambda_handler; every NEONPANDA_* variable
    it gets names a setting (a typo would be ignored silently: settings allow extras)."""
    import lambda_handler

    fields = {f"NEONPANDA_{name.upper()}" for name in Settings.model_fields}
    functions = {
        k: r["Properties"] for k, r in _resources().items() if r["Type"] == "AWS::Lambda::Function"
    }
    assert set(functions) == {"ApiFunction", "IndexerFunction"}
    for props in functions.values():
        module, _, name = props["Handler"].partition(".")
        assert module == "lambda_handler" and callable(getattr(lambda_handler, name))
        assert props["Runtime"] == "python3.11"
        variables = props["Environment"]["Variables"]
        assert set(variables) <= fields, set(variables) - fields
        assert variables["NEONPANDA_USE_AWS"] == "true"
        assert variables["NEONPANDA_INDEXER"] == "false"
        assert props["Code"] == {"S3Bucket": {"Ref": "CodeBucket"}, "S3Key": {"Ref": "CodeKey"}}
        group = _resources()[props["LoggingConfig"]["LogGroup"]["Ref"]]
        assert group["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}


def test_alarms_watch_errors_throttles_p99_duration_and_5xx() -> None:
    watched = {
        (p["Namespace"], p["MetricName"], p.get("ExtendedStatistic") or p["Statistic"])
        for r in _resources().values()
        if r["Type"] == "AWS::CloudWatch::Alarm"
        for p in [r["Properties"]]
    }
    assert {
        ("AWS/Lambda", "Errors", "Sum"),
        ("AWS/Lambda", "Throttles", "Sum"),
        ("AWS/Lambda", "Duration", "p99"),
        ("AWS/ApiGateway", "5xx", "Sum"),
        ("AWS/Lambda", "Url5xxCount", "Sum"),
        ("AWS/Lambda", "IteratorAge", "Maximum"),
    } <= watched


def test_a_batch_the_indexer_gives_up_on_is_reported_and_alarmed() -> None:
    """After its retries (bisected to the failing record) the poller skips a batch; its
    description goes to a queue only the indexer's role may send to, and an alarm fires."""
    resources = _resources()
    mapping = resources["IndexerEventSource"]["Properties"]
    queue = {"Fn::GetAtt": ["IndexerFailedBatches", "Arn"]}
    assert mapping["BisectBatchOnFunctionError"] is True and mapping["MaximumRetryAttempts"] > 0
    assert mapping["DestinationConfig"] == {"OnFailure": {"Destination": queue}}
    assert resources["IndexerFailedBatches"]["Condition"] == "StreamIndexer"
    senders = [
        (role, statement)
        for role, resource in resources.items()
        if resource["Type"] == "AWS::IAM::Role"
        for policy in resource["Properties"].get("Policies", [])
        for statement in policy["PolicyDocument"]["Statement"]
        if any(a.startswith("sqs:") for a in statement["Action"])
    ]
    assert [(role, st["Action"], st["Resource"]) for role, st in senders] == [
        ("IndexerFunctionRole", ["sqs:SendMessage"], queue)
    ]
    alarm = resources["IndexerFailedBatchesAlarm"]["Properties"]
    assert (alarm["Namespace"], alarm["MetricName"]) == (
        "AWS/SQS",
        "ApproximateNumberOfMessagesVisible",
    )
    assert alarm["Dimensions"] == [
        {"Name": "QueueName", "Value": {"Fn::GetAtt": ["IndexerFailedBatches", "QueueName"]}}
    ]
    assert alarm["Threshold"] == 1 and "server.py migrate" in alarm["AlarmDescription"]


def test_the_roles_hold_the_derived_policies_and_no_wildcards() -> None:
    """The roles' data access is exactly infra/permissions.py (derived from the code,
    held to it by tests/test_zz_iam_policy.py); no action or resource is a wildcard."""
    from infra import permissions

    resources = _resources()
    for name in permissions.POLICIES:
        document = resources[f"{name}Policy"]["Properties"]["PolicyDocument"]
        assert document == permissions.policy_document(name)
    for role, policies in permissions.ROLES.items():
        attached = resources[role]["Properties"]["ManagedPolicyArns"]
        assert attached == [{"Ref": f"{p}Policy"} for p in policies]
    for resource in resources.values():
        if resource["Type"] not in ("AWS::IAM::Role", "AWS::IAM::ManagedPolicy"):
            continue
        props = resource["Properties"]
        documents = [props.get("PolicyDocument")] + [
            p["PolicyDocument"] for p in props.get("Policies", [])
        ]
        for document in filter(None, documents):
            for statement in document["Statement"]:
                assert all("*" not in a for a in statement["Action"]), statement
                assert statement["Resource"] != "*", statement


def test_the_http_api_routes_graphql_and_the_probes_to_the_function() -> None:
    from infra.deployment import ROUTES

    resources = _resources()
    routes = {
        r["Properties"]["RouteKey"]: r["Properties"]["Target"]
        for r in resources.values()
        if r["Type"] == "AWS::ApiGatewayV2::Route"
    }
    assert set(routes) == set(ROUTES) >= {"POST /graphql", "OPTIONS /graphql"}
    assert all(t == {"Fn::Sub": "integrations/${HttpApiIntegration}"} for t in routes.values())
    integration = resources["HttpApiIntegration"]["Properties"]
    assert integration["PayloadFormatVersion"] == "2.0"
    assert integration["IntegrationUri"] == {"Fn::GetAtt": ["ApiFunction", "Arn"]}


# --- the live-updates service (LiveUpdates=true) and its image -----------------------------

ROOT = TEMPLATE.parent.parent
DOCKERFILE = ROOT / "Dockerfile"


def _service_container() -> dict[str, Any]:
    definition = _resources()["ServiceTaskDefinition"]["Properties"]
    (container,) = definition["ContainerDefinitions"]
    assert isinstance(container, dict)
    return container


def _refs(node: Any) -> set[str]:
    if isinstance(node, dict):
        own = {node["Ref"]} if "Ref" in node else set()
        return own.union(*(_refs(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_refs(v) for v in node))
    return set()


def test_the_service_exists_only_with_live_updates() -> None:
    from infra.deployment import service_parameters, service_resources

    template = json.loads(TEMPLATE.read_text())
    for name in service_resources():
        assert template["Resources"][name]["Condition"] == "LiveUpdates", name
    assert template["Parameters"]["LiveUpdates"]["Default"] == "false"
    service_outputs = [k for k in template["Outputs"] if k.startswith("Service")]
    assert service_outputs and all(
        template["Outputs"][k]["Condition"] == "LiveUpdates" for k in service_outputs
    )
    # A parameter left empty by default is one LiveUpdates=true must be given.
    rule = template["Rules"]["LiveUpdatesNeedsItsNetwork"]
    label = template["Rules"]["ExistingTableNeedsItsStreamLabel"]
    assert {ref for a in label["Assertions"] for ref in _refs(a["Assert"])} == {"TableStreamLabel"}
    assert {"CreateStorage", "StreamIndexer", "LiveUpdates"} == set(_refs(label["RuleCondition"]))
    assert rule["RuleCondition"] == {"Fn::Equals": [{"Ref": "LiveUpdates"}, "true"]}
    asserted = {ref for a in rule["Assertions"] for ref in _refs(a["Assert"])}
    required = {k for k, p in service_parameters().items() if p.get("Default") == ""}
    assert (
        asserted
        == required
        == {
            "VpcId",
            "PublicSubnetIds",
            "PrivateSubnetIds",
            "ContainerImage",
            "CertificateArn",
        }
    )


def test_the_service_runs_server_py_with_the_api_functions_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The container runs server.py's own command line (parsed here by server.main) with
    the API function's settings (the same cursor secret: cursors are valid at both), the
    indexer only where no indexer function runs, and uvicorn's keep-alive above the load
    balancer's idle timeout, which is above uvicorn's WebSocket ping interval."""
    import inspect

    import uvicorn

    import server
    import telemetry
    from infra.deployment import CONTAINER_PORT

    container = _service_container()
    command = container["Command"]
    assert command[:2] == ["python", "server.py"]
    assert command[-2:] == ["--workers", {"Ref": "ServiceWorkers"}]
    seen: dict[str, Any] = {}

    def serve(settings: Settings, host: str, port: int, workers: int = 1) -> int:
        seen.update(host=host, port=port, workers=workers)
        return 0

    monkeypatch.setattr(telemetry, "configure_logging", lambda settings: None)
    monkeypatch.setattr(server, "serve", serve)
    assert server.main([a if isinstance(a, str) else "3" for a in command[2:]]) == 0
    assert seen == {"host": "0.0.0.0", "port": CONTAINER_PORT, "workers": 3}
    assert container["PortMappings"] == [{"ContainerPort": CONTAINER_PORT, "Protocol": "tcp"}]

    fields = {f"NEONPANDA_{name.upper()}" for name in Settings.model_fields}
    variables = {v["Name"]: v["Value"] for v in container["Environment"]}
    assert set(variables) - {"FORWARDED_ALLOW_IPS"} <= fields, set(variables) - fields
    api = _resources()["ApiFunction"]["Properties"]["Environment"]["Variables"]
    different = {k for k in api if variables[k] != api[k]}
    assert different == {"NEONPANDA_INDEXER"}
    assert variables["NEONPANDA_INDEXER"] == {"Fn::If": ["StreamIndexer", "false", "true"]}
    assert variables["NEONPANDA_ENVIRONMENT"] == "production"
    # The secret's ARN, read at start: its value is in no function's or task's configuration.
    assert variables["NEONPANDA_CURSOR_SECRET_ARN"] == {"Ref": "CursorSecret"}
    assert "secretsmanager" not in json.dumps(_resources()).replace("secretsmanager:Get", "")

    attributes = _resources()["LoadBalancer"]["Properties"]["LoadBalancerAttributes"]
    idle = int({a["Key"]: a["Value"] for a in attributes}["idle_timeout.timeout_seconds"])
    ping = inspect.signature(uvicorn.Config).parameters["ws_ping_interval"].default
    assert ping < idle < int(variables["NEONPANDA_KEEP_ALIVE_SECONDS"])
    log = _resources()[container["LogConfiguration"]["Options"]["awslogs-group"]["Ref"]]
    assert log["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    probe = container["HealthCheck"]["Command"]
    assert probe[:3] == ["CMD", "python", "-c"] and f":{CONTAINER_PORT}/healthz'" in probe[3]


def test_the_service_task_role_holds_the_servers_policies() -> None:
    """The task role: assumed by ECS tasks, the server's derived policies only (held to
    the code by tests/test_zz_iam_policy.py); the execution role: AWS's managed policy for
    pulling the image and writing the logs, nothing of the data."""
    from infra import permissions

    resources = _resources()
    definition = resources["ServiceTaskDefinition"]["Properties"]
    assert definition["TaskRoleArn"] == {"Fn::GetAtt": ["ServiceTaskRole", "Arn"]}
    assert definition["ExecutionRoleArn"] == {"Fn::GetAtt": ["ServiceExecutionRole", "Arn"]}
    assert definition["RequiresCompatibilities"] == ["FARGATE"]
    assert definition["NetworkMode"] == "awsvpc"
    for role in ("ServiceTaskRole", "ServiceExecutionRole"):
        trust = resources[role]["Properties"]["AssumeRolePolicyDocument"]["Statement"]
        assert trust == [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ]
    task_role = resources["ServiceTaskRole"]["Properties"]
    assert permissions.ROLES["ServiceTaskRole"] == ("DataAccess", "StreamRead", "CursorSecretRead")
    assert task_role["ManagedPolicyArns"] == [
        {"Ref": "DataAccessPolicy"},
        {"Ref": "StreamReadPolicy"},
        {"Ref": "CursorSecretReadPolicy"},
    ]
    assert "Policies" not in task_role
    execution = resources["ServiceExecutionRole"]["Properties"]
    assert execution["ManagedPolicyArns"] == [
        {
            "Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/"
            "AmazonECSTaskExecutionRolePolicy"
        }
    ]
    assert "Policies" not in execution


def test_the_load_balancer_holds_websockets_over_https_in_front_of_private_tasks() -> None:
    resources = _resources()
    balancer = resources["LoadBalancer"]["Properties"]
    assert balancer["Scheme"] == "internet-facing"
    assert balancer["Subnets"] == {"Ref": "PublicSubnetIds"}
    https = resources["HttpsListener"]["Properties"]
    assert (https["Port"], https["Protocol"]) == (443, "HTTPS")
    assert https["Certificates"] == [{"CertificateArn": {"Ref": "CertificateArn"}}]
    assert https["DefaultActions"] == [
        {"Type": "forward", "TargetGroupArn": {"Ref": "ServiceTargetGroup"}}
    ]
    redirect = resources["HttpListener"]["Properties"]["DefaultActions"][0]
    assert redirect["RedirectConfig"]["Protocol"] == "HTTPS"
    target = resources["ServiceTargetGroup"]["Properties"]
    assert (target["TargetType"], target["Port"], target["HealthCheckPath"]) == (
        "ip",
        8000,
        "/healthz",
    )
    service = resources["Service"]["Properties"]
    network = service["NetworkConfiguration"]["AwsvpcConfiguration"]
    assert network["Subnets"] == {"Ref": "PrivateSubnetIds"}
    assert network["AssignPublicIp"] == "DISABLED"
    assert network["SecurityGroups"] == [{"Ref": "ServiceSecurityGroup"}]
    assert service["DesiredCount"] == {"Ref": "ServiceDesiredCount"}
    breaker = service["DeploymentConfiguration"]["DeploymentCircuitBreaker"]
    assert breaker == {"Enable": True, "Rollback": True}
    (attached,) = service["LoadBalancers"]
    assert attached["ContainerName"] == _service_container()["Name"]
    assert attached["TargetGroupArn"] == {"Ref": "ServiceTargetGroup"}
    # The tasks' port is open to the load balancer's group only.
    tasks = resources["ServiceSecurityGroup"]["Properties"]
    assert "SecurityGroupIngress" not in tasks
    ingress = [
        r["Properties"]
        for r in resources.values()
        if r["Type"] == "AWS::EC2::SecurityGroupIngress"
        and r["Properties"]["GroupId"] == {"Ref": "ServiceSecurityGroup"}
    ]
    assert ingress == [
        {
            "Description": ingress[0]["Description"],
            "GroupId": {"Ref": "ServiceSecurityGroup"},
            "IpProtocol": "tcp",
            "FromPort": 8000,
            "ToPort": 8000,
            "SourceSecurityGroupId": {"Ref": "LoadBalancerSecurityGroup"},
        }
    ]


def test_the_service_alarms_watch_5xx_unhealthy_tasks_and_cpu() -> None:
    watched = {
        (p["Namespace"], p["MetricName"])
        for r in _resources().values()
        if r["Type"] == "AWS::CloudWatch::Alarm" and r.get("Condition") == "LiveUpdates"
        for p in [r["Properties"]]
    }
    assert watched == {
        ("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count"),
        ("AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count"),
        ("AWS/ApplicationELB", "UnHealthyHostCount"),
        ("AWS/ECS", "CPUUtilization"),
    }


def _dockerfile() -> list[tuple[str, str]]:
    """The Dockerfile's instructions as (INSTRUCTION, arguments), continuations joined."""
    text = DOCKERFILE.read_text().replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines()]
    out = []
    for line in lines:
        if line and not line.startswith("#"):
            instruction, _, arguments = line.partition(" ")
            out.append((instruction.upper(), " ".join(arguments.split())))
    return out


def _copied() -> list[Path]:
    """What the image's COPY lines take from the build context (globs expanded, in
    order; not `COPY --from`, which takes from another image)."""
    out: list[Path] = []
    for instruction, arguments in _dockerfile():
        if instruction != "COPY" or arguments.startswith("--from"):
            continue
        *sources, _destination = arguments.split()
        for source in sources:
            matches = sorted(ROOT.glob(source))
            assert matches, f"COPY {source}: nothing in the repository matches"
            out += matches
    return out


def test_the_image_installs_the_locked_production_dependencies() -> None:
    """`uv sync --frozen --no-dev`: uv.lock as it is, without the development group (no
    moto, no test tools), after copying what it reads; Python 3.11, as the functions."""
    from infra.deployment import RUNTIME

    instructions = _dockerfile()
    assert instructions[0] == ("FROM", "python:3.11-slim")
    assert RUNTIME == "python3.11"
    syncs = [i for i, (kind, args) in enumerate(instructions) if "uv sync" in args]
    assert len(syncs) == 1
    sync = instructions[syncs[0]]
    assert sync[0] == "RUN" and {"--frozen", "--no-dev"} <= set(sync[1].split())
    before = [
        args for kind, args in instructions[: syncs[0]] if kind == "COPY" and "--from" not in args
    ]
    assert before == ["pyproject.toml uv.lock ./"]


def test_the_image_runs_server_py_as_a_user_without_privileges() -> None:
    from infra.deployment import CONTAINER_PORT

    instructions = dict(_dockerfile())  # the last of each kind
    assert json.loads(instructions["CMD"])[:2] == ["python", "server.py"]
    assert instructions["EXPOSE"] == str(CONTAINER_PORT)
    assert instructions["USER"] not in ("root", "0")
    assert (
        _resources()["ServiceTaskDefinition"]["Properties"]["ContainerDefinitions"][0]["Command"][
            :2
        ]
        == json.loads(instructions["CMD"])[:2]
    )


def _source(module: str) -> Path | None:
    """The repository's file of a module (None: not ours, or not a module)."""
    base = ROOT.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


# Development only: the embedded engine and its tooling, imported only in embedded mode
# (no AWS settings), which production refuses. tests/test_production_install.py runs the
# server from exactly what the image's COPY lines take, so an import this walk excuses
# would fail there.
DEVELOPMENT_ONLY = ROOT / "devserver"


def test_the_image_holds_every_module_the_server_imports() -> None:
    """Every module of this repository that server.py imports, directly or through others
    (at start, in a command, in a function), is in the image: all but the development
    harness."""
    needed: set[Path] = set()
    todo = [ROOT / "server.py"]
    while todo:
        path = todo.pop()
        if path in needed:
            continue
        if path.is_relative_to(DEVELOPMENT_ONLY):
            continue
        needed.add(path)
        for module in imports_of(path):
            source = _source(module)
            if source is not None:
                todo.append(source)
                parts = module.split(".")
                todo += [p for i in range(1, len(parts)) if (p := _source(".".join(parts[:i])))]
    copied = _copied()
    missing = sorted(
        str(p.relative_to(ROOT)) for p in needed if not any(p.is_relative_to(c) for c in copied)
    )
    assert not missing, f"server.py needs these; COPY them in the Dockerfile: {missing}"
    top = {p.relative_to(ROOT).parts[0].removesuffix(".py") for p in needed}
    assert {"app", "runtime", "settings", "auth", "telemetry", "graphiql"} <= top
    assert {"schema", "resolvers", "datasources"} <= top
    assert "tests" not in top and not any(c.name == "tests" for c in copied)


def test_the_docker_context_leaves_out_local_state() -> None:
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".venv", ".data", ".git", "build", "tests/node/node_modules"} <= ignored
