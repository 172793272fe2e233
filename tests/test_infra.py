"""infra/template.json is rendered from the one table/bucket definition and lints clean."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from datasources.aws import AwsClients
from datasources.definition import (
    LIFECYCLE_RULES,
    SEED_GSIS,
    SEED_KEY_SCHEMA,
    cloudformation_template,
    render_template,
    table_spec,
)
from settings import Settings

TEMPLATE = Path(__file__).resolve().parent.parent / "infra" / "template.json"


def test_template_is_rendered_from_the_definition() -> None:
    assert TEMPLATE.read_text() == render_template(), (
        "regenerate: uv run python -m datasources.definition > infra/template.json"
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


def test_the_roles_hold_the_derived_policies_and_no_wildcards() -> None:
    """The roles' data access is exactly datasources/permissions.py (derived from the code,
    held to it by tests/test_zz_iam_policy.py); no action or resource is a wildcard."""
    from datasources import permissions

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
    from datasources.deployment import ROUTES

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
