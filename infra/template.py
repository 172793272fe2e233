"""The CloudFormation template (`infra/template.json`): the table (the seed's plus the
accelerators) and the bucket from `datasources/definition.py`, and the service around them
(`infra/deployment.py`). Render it with `uv run python -m infra.template > infra/template.json`;
tests/test_infra.py keeps the committed file equal to it and runs cfn-lint."""

from __future__ import annotations

import json
from typing import Any

from datasources.definition import (
    ACCELERATOR_GSIS,
    BUCKET_ENCRYPTION,
    LIFECYCLE_RULES,
    PUBLIC_ACCESS_BLOCK,
    SEED_GSIS,
    STREAM_VIEW,
    TTL_ATTRIBUTE,
    _attribute_definitions,
    table_spec,
)


def _cfn_lifecycle_rule(rule: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"Id": rule["ID"], "Status": rule["Status"]}
    prefix = rule["Filter"].get("Prefix")
    if prefix:
        out["Prefix"] = prefix
    if "Transitions" in rule:
        out["Transitions"] = [
            {"TransitionInDays": t["Days"], "StorageClass": t["StorageClass"]}
            for t in rule["Transitions"]
        ]
    if "Expiration" in rule:
        out["ExpirationInDays"] = rule["Expiration"]["Days"]
    if "AbortIncompleteMultipartUpload" in rule:
        out["AbortIncompleteMultipartUpload"] = rule["AbortIncompleteMultipartUpload"]
    return out


def cloudformation_template() -> dict[str, Any]:
    """The same table (seed plus accelerators) and bucket for real AWS (created unless the
    stack uses existing ones: `CreateStorage`), and the service (infra/deployment.py)."""
    from infra.deployment import add_service

    spec = table_spec("PLACEHOLDER")
    gsis = SEED_GSIS + ACCELERATOR_GSIS
    table_props: dict[str, Any] = {
        "TableName": {"Ref": "TableName"},
        "BillingMode": spec["BillingMode"],
        "AttributeDefinitions": _attribute_definitions(gsis),
        "KeySchema": spec["KeySchema"],
        "GlobalSecondaryIndexes": gsis,
        "TimeToLiveSpecification": {"AttributeName": TTL_ATTRIBUTE, "Enabled": True},
        "StreamSpecification": {"StreamViewType": STREAM_VIEW},
        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
    }
    encryption = BUCKET_ENCRYPTION["Rules"][0]["ApplyServerSideEncryptionByDefault"]
    bucket_props: dict[str, Any] = {
        "BucketName": {"Ref": "BucketName"},
        "BucketEncryption": {
            "ServerSideEncryptionConfiguration": [
                {"ServerSideEncryptionByDefault": {"SSEAlgorithm": encryption["SSEAlgorithm"]}}
            ]
        },
        "PublicAccessBlockConfiguration": PUBLIC_ACCESS_BLOCK,
        "LifecycleConfiguration": {"Rules": [_cfn_lifecycle_rule(r) for r in LIFECYCLE_RULES]},
    }
    template: dict[str, Any] = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "NeonPanda GraphQL API on Lambda (and, with LiveUpdates, on ECS "
        "Fargate behind a load balancer for subscriptions), its single table (the seed's, "
        "plus this API's accelerators) and athlete-data bucket (generated from "
        "datasources/definition.py; do not edit by hand)",
        "Parameters": {
            "TableName": {"Type": "String", "Default": "neonpanda"},
            "BucketName": {"Type": "String", "Default": "neonpanda-athlete-data"},
        },
        "Resources": {
            "Table": {
                "Type": "AWS::DynamoDB::Table",
                "Condition": "CreateStorage",
                "DeletionPolicy": "Retain",
                "UpdateReplacePolicy": "Retain",
                "Properties": table_props,
            },
            "Bucket": {
                "Type": "AWS::S3::Bucket",
                "Condition": "CreateStorage",
                "DeletionPolicy": "Retain",
                "UpdateReplacePolicy": "Retain",
                "Properties": bucket_props,
            },
        },
        "Outputs": {
            "TableArn": {"Condition": "CreateStorage", "Value": {"Fn::GetAtt": ["Table", "Arn"]}},
            "TableStreamArn": {
                "Condition": "CreateStorage",
                "Value": {"Fn::GetAtt": ["Table", "StreamArn"]},
            },
            "BucketArn": {"Condition": "CreateStorage", "Value": {"Fn::GetAtt": ["Bucket", "Arn"]}},
        },
    }
    add_service(template)
    return template


def render_template() -> str:
    """The template as committed in infra/template.json."""
    return json.dumps(cloudformation_template(), indent=2, sort_keys=False) + "\n"


if __name__ == "__main__":
    print(render_template(), end="")
