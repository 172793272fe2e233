"""The ONE definition of the table and the bucket.

The table is the seed's (`docs/database-schema.md`: pk/sk, GSI1 email, GSI2 username, GSI3
entityType/pk, all projecting ALL, TTL on `ttl`), exactly as NeonPanda's app already has
it. What this project adds are **accelerators**: things `UpdateTable` can add to the live
table, which the server uses when present and does without when not (correct either way,
at the round-trip floor only with them):

- the `lists` GSI (`pk` / `listsk`): each listable entity in its list order inside the
  athlete's partition (workouts by completion time, conversations by last activity, ...),
  so pages and date ranges read only what they return;
- the table's stream (NEW_AND_OLD_IMAGES): live updates, and keeping `listsk` and the
  uniqueness claims true for items other writers (the app's Lambdas) add.

`uv run server.py migrate` adds them and backfills what they index; the embedded engine
is bootstrapped with the seed's table and then migrated by the same code. The
CloudFormation template (`infra/template.json`) is rendered from here: seed table plus
accelerators and the bucket, and the service around them (`infra/deployment.py`);
a test keeps the two in step.
"""

from __future__ import annotations

from typing import Any

TTL_ATTRIBUTE = "ttl"
GSI_EMAIL = "gsi1"
GSI_USERNAME = "gsi2"
GSI_ENTITY_TYPE = "gsi3"
# Accelerators (ours; added to a live table by the migration).
GSI_LISTS = "lists"
LIST_KEY = "listsk"
STREAM_VIEW = "NEW_AND_OLD_IMAGES"


def _key(hash_key: str, range_key: str) -> list[dict[str, str]]:
    return [
        {"AttributeName": hash_key, "KeyType": "HASH"},
        {"AttributeName": range_key, "KeyType": "RANGE"},
    ]


def _gsi(name: str, hash_key: str, range_key: str) -> dict[str, Any]:
    return {
        "IndexName": name,
        "KeySchema": _key(hash_key, range_key),
        "Projection": {"ProjectionType": "ALL"},
    }


# The seed's table: keys and indexes that must be there (the migration checks them).
SEED_KEY_SCHEMA = _key("pk", "sk")
SEED_GSIS = [
    _gsi(GSI_EMAIL, "gsi1pk", "gsi1sk"),
    _gsi(GSI_USERNAME, "gsi2pk", "gsi2sk"),
    _gsi(GSI_ENTITY_TYPE, "entityType", "pk"),
]
ACCELERATOR_GSIS = [_gsi(GSI_LISTS, "pk", LIST_KEY)]


def _attribute_definitions(gsis: list[dict[str, Any]]) -> list[dict[str, str]]:
    names = ["pk", "sk"]
    for gsi in gsis:
        for part in gsi["KeySchema"]:
            if part["AttributeName"] not in names:
                names.append(part["AttributeName"])
    return [{"AttributeName": name, "AttributeType": "S"} for name in names]


def table_spec(table_name: str) -> dict[str, Any]:
    """CreateTable parameters for the seed's table (PAY_PER_REQUEST, as the seed advises to
    start), without accelerators: what NeonPanda's live table is."""
    return {
        "TableName": table_name,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": _attribute_definitions(SEED_GSIS),
        "KeySchema": SEED_KEY_SCHEMA,
        "GlobalSecondaryIndexes": SEED_GSIS,
    }


def accelerator_index_update(gsi: dict[str, Any]) -> dict[str, Any]:
    """UpdateTable parameters that add one accelerator GSI to the live table (with every
    key attribute's definition: the seed's and the new index's)."""
    return {
        "AttributeDefinitions": _attribute_definitions([*SEED_GSIS, gsi]),
        "GlobalSecondaryIndexUpdates": [{"Create": gsi}],
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
PUBLIC_ACCESS_BLOCK = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}


async def create_table(dynamodb: Any, table_name: str) -> bool:
    """The seed's table with TTL, if missing; True when it was created."""
    existing = await dynamodb.list_tables()
    if table_name in existing.get("TableNames", []):
        return False
    await dynamodb.create_table(**table_spec(table_name))
    waiter = dynamodb.get_waiter("table_exists")
    await waiter.wait(TableName=table_name, WaiterConfig={"Delay": 0.1, "MaxAttempts": 600})
    await dynamodb.update_time_to_live(
        TableName=table_name,
        TimeToLiveSpecification={"Enabled": True, "AttributeName": TTL_ATTRIBUTE},
    )
    return True


async def create_bucket(s3: Any, bucket: str, region: str) -> bool:
    """The bucket (encryption, no public access, lifecycle), if missing."""
    buckets = await s3.list_buckets()
    if bucket in {b["Name"] for b in buckets.get("Buckets", [])}:
        return False
    params: dict[str, Any] = {"Bucket": bucket}
    if region != "us-east-1":
        params["CreateBucketConfiguration"] = {"LocationConstraint": region}
    await s3.create_bucket(**params)
    await s3.put_bucket_encryption(
        Bucket=bucket, ServerSideEncryptionConfiguration=BUCKET_ENCRYPTION
    )
    await s3.put_public_access_block(
        Bucket=bucket, PublicAccessBlockConfiguration=PUBLIC_ACCESS_BLOCK
    )
    await s3.put_bucket_lifecycle_configuration(
        Bucket=bucket, LifecycleConfiguration={"Rules": LIFECYCLE_RULES}
    )
    return True
