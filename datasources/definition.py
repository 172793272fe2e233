"""The ONE definition of the table and the bucket.

The embedded engine is bootstrapped from it (`bootstrap`), and `infra/template.yaml` is
rendered from it (`cloudformation_template`); a test keeps the two in step.
"""

from __future__ import annotations

import json
from typing import Any

TTL_ATTRIBUTE = "ttl"
LSI1 = "lsi1"
GSI_EMAIL = "gsi1"
GSI_USERNAME = "gsi2"
GSI_ENTITY_TYPE = "gsi3"

_KEY_ATTRIBUTES = ["pk", "sk", "lsi1sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk", "entityType"]


def _key(hash_key: str, range_key: str) -> list[dict[str, str]]:
    return [
        {"AttributeName": hash_key, "KeyType": "HASH"},
        {"AttributeName": range_key, "KeyType": "RANGE"},
    ]


def table_spec(table_name: str) -> dict[str, Any]:
    """CreateTable parameters (PAY_PER_REQUEST, as the seed advises to start)."""
    return {
        "TableName": table_name,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [
            {"AttributeName": name, "AttributeType": "S"} for name in _KEY_ATTRIBUTES
        ],
        "KeySchema": _key("pk", "sk"),
        "LocalSecondaryIndexes": [
            {
                "IndexName": LSI1,
                "KeySchema": _key("pk", "lsi1sk"),
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        "GlobalSecondaryIndexes": [
            {
                "IndexName": GSI_EMAIL,
                "KeySchema": _key("gsi1pk", "gsi1sk"),
                "Projection": {"ProjectionType": "ALL"},
            },
            {
                "IndexName": GSI_USERNAME,
                "KeySchema": _key("gsi2pk", "gsi2sk"),
                "Projection": {"ProjectionType": "ALL"},
            },
            {
                "IndexName": GSI_ENTITY_TYPE,
                "KeySchema": _key("entityType", "pk"),
                "Projection": {"ProjectionType": "ALL"},
            },
        ],
        "SSESpecification": {"Enabled": True},
    }


# Seed: Standard for 30 days, Infrequent Access after 30, Glacier after 90, delete after 2 years.
LIFECYCLE_RULES: list[dict[str, Any]] = [
    {
        "ID": "athlete-content-tiering",
        "Status": "Enabled",
        "Filter": {"Prefix": "athletes/"},
        "Transitions": [
            {"Days": 30, "StorageClass": "STANDARD_IA"},
            {"Days": 90, "StorageClass": "GLACIER"},
        ],
        "Expiration": {"Days": 730},
    },
    {
        "ID": "abort-incomplete-uploads",
        "Status": "Enabled",
        "Filter": {"Prefix": ""},
        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
    },
]

BUCKET_ENCRYPTION = {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}


async def bootstrap(dynamodb: Any, s3: Any, table_name: str, bucket: str, region: str) -> None:
    """Create the table (with TTL) and the bucket (encryption, lifecycle) if missing."""
    existing = await dynamodb.list_tables()
    if table_name not in existing.get("TableNames", []):
        await dynamodb.create_table(**table_spec(table_name))
        waiter = dynamodb.get_waiter("table_exists")
        await waiter.wait(TableName=table_name, WaiterConfig={"Delay": 0.1, "MaxAttempts": 100})
        await dynamodb.update_time_to_live(
            TableName=table_name,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": TTL_ATTRIBUTE},
        )
    buckets = await s3.list_buckets()
    if bucket not in {b["Name"] for b in buckets.get("Buckets", [])}:
        params: dict[str, Any] = {"Bucket": bucket}
        if region != "us-east-1":
            params["CreateBucketConfiguration"] = {"LocationConstraint": region}
        await s3.create_bucket(**params)
        await s3.put_bucket_encryption(
            Bucket=bucket, ServerSideEncryptionConfiguration=BUCKET_ENCRYPTION
        )
        await s3.put_public_access_block(
            Bucket=bucket,
            PublicAccessBlockConfiguration={
                "BlockPublicAcls": True,
                "IgnorePublicAcls": True,
                "BlockPublicPolicy": True,
                "RestrictPublicBuckets": True,
            },
        )
        await s3.put_bucket_lifecycle_configuration(
            Bucket=bucket, LifecycleConfiguration={"Rules": LIFECYCLE_RULES}
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
    """The same table and bucket as a CloudFormation template for real AWS."""
    spec = table_spec("PLACEHOLDER")
    table_props: dict[str, Any] = {
        "TableName": {"Ref": "TableName"},
        "BillingMode": spec["BillingMode"],
        "AttributeDefinitions": spec["AttributeDefinitions"],
        "KeySchema": spec["KeySchema"],
        "LocalSecondaryIndexes": spec["LocalSecondaryIndexes"],
        "GlobalSecondaryIndexes": spec["GlobalSecondaryIndexes"],
        "SSESpecification": {"SSEEnabled": True},
        "TimeToLiveSpecification": {"AttributeName": TTL_ATTRIBUTE, "Enabled": True},
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
        "PublicAccessBlockConfiguration": {
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
        "LifecycleConfiguration": {"Rules": [_cfn_lifecycle_rule(r) for r in LIFECYCLE_RULES]},
    }
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "NeonPanda single table and athlete-data bucket "
        "(generated from datasources/definition.py; do not edit by hand)",
        "Parameters": {
            "TableName": {"Type": "String", "Default": "neonpanda"},
            "BucketName": {"Type": "String", "Default": "neonpanda-athlete-data"},
        },
        "Resources": {
            "Table": {
                "Type": "AWS::DynamoDB::Table",
                "DeletionPolicy": "Retain",
                "UpdateReplacePolicy": "Retain",
                "Properties": table_props,
            },
            "Bucket": {
                "Type": "AWS::S3::Bucket",
                "DeletionPolicy": "Retain",
                "UpdateReplacePolicy": "Retain",
                "Properties": bucket_props,
            },
        },
        "Outputs": {
            "TableArn": {"Value": {"Fn::GetAtt": ["Table", "Arn"]}},
            "BucketArn": {"Value": {"Fn::GetAtt": ["Bucket", "Arn"]}},
        },
    }


def render_template() -> str:
    """The template as committed in infra/template.json."""
    return json.dumps(cloudformation_template(), indent=2, sort_keys=False) + "\n"


if __name__ == "__main__":
    print(render_template(), end="")
