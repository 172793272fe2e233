"""infra/template.json is rendered from the one table/bucket definition and lints clean."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

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
