"""The AWS calls this code makes, and the IAM policies that allow exactly those.

The call lists below are derived from the code's client calls (the `Table` wrapper's
operations in `datasources/table.py`, the content store, the stream reader, the start-up
checks, the readiness probe, the migration and the sweep). `tests/test_zz_iam_policy.py`
holds them to the code both ways: a scan of the code's client calls must find exactly
these operations, and every call the test suite made (recorded by
`datasources/aws_calls.py`) must be allowed to its origin's role.

The policies (rendered into `infra/template.json` by `infra/deployment.py`):

- `DataAccess`: what the API does on the table, its indexes and the bucket (the API
  function's role; also the ECS service's task role, with `StreamRead`);
- `StreamRead`: reading the table's stream (the live-update hub and the indexer in a
  server process; the indexer function's event source mapping);
- `Operations`: what `migrate`, `repair-counts` and `sweep-orphans` need beyond those;
- `CursorSecretRead`: reading the cursor secret once at start (the API function's and the
  service's roles; the indexer signs no cursor).

Creating the table and the bucket (`create-table`, `datasources/definition.py`) is the
template's job on AWS, done with the deployer's credentials: no role here grants it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from datasources.aws_calls import Operation

Call = tuple[str, str]  # (botocore service id, operation)

# --- what the code calls, by who calls it (datasources/aws_calls.py's origins) ----------

# The API: request paths (reads, writes, transactions, the rate limit, exports, account
# deletion, presigned GETs, attachments' HeadObject, presigned upload POSTs), the start-up
# checks on AWS (`check_seed`: DescribeTable and
# DescribeTimeToLive; the accelerators: DescribeTable, BatchGetItem) and /readyz
# (DescribeTable, a one-key ListObjectsV2 of athletes/).
SERVICE_CALLS: frozenset[Call] = frozenset(
    {
        ("dynamodb", "GetItem"),
        ("dynamodb", "BatchGetItem"),
        ("dynamodb", "Query"),
        ("dynamodb", "PutItem"),
        ("dynamodb", "UpdateItem"),
        ("dynamodb", "DeleteItem"),
        ("dynamodb", "BatchWriteItem"),
        ("dynamodb", "TransactWriteItems"),
        ("dynamodb", "DescribeTable"),
        ("dynamodb", "DescribeTimeToLive"),
        ("s3", "GetObject"),
        ("s3", "HeadObject"),
        ("s3", "PutObject"),
        ("s3", "DeleteObject"),
        ("s3", "DeleteObjects"),
        ("s3", "ListObjectsV2"),
    }
)
# The live-update hub and the indexer of a server process (datasources/stream.py).
STREAM_CALLS: frozenset[Call] = frozenset(
    {
        ("dynamodb-streams", "DescribeStream"),
        ("dynamodb-streams", "GetShardIterator"),
        ("dynamodb-streams", "GetRecords"),
    }
)
# The cursor secret, read once at start when NEONPANDA_CURSOR_SECRET_ARN names it.
SECRET_CALLS: frozenset[Call] = frozenset({("secrets-manager", "GetSecretValue")})
# The migration (adds the accelerators, walks the table) and the orphan sweep.
OPERATIONS_CALLS: frozenset[Call] = frozenset({("dynamodb", "Scan"), ("dynamodb", "UpdateTable")})
# `create-table` and the embedded engine's bootstrap; CloudFormation does this on AWS.
DEPLOY_CALLS: frozenset[Call] = frozenset(
    {
        ("dynamodb", "ListTables"),
        ("dynamodb", "CreateTable"),
        ("dynamodb", "UpdateTimeToLive"),
        ("s3", "ListBuckets"),
        ("s3", "CreateBucket"),
        ("s3", "PutBucketEncryption"),
        ("s3", "PutPublicAccessBlock"),
        ("s3", "PutBucketLifecycleConfiguration"),
    }
)
ALL_CALLS = SERVICE_CALLS | STREAM_CALLS | SECRET_CALLS | OPERATIONS_CALLS | DEPLOY_CALLS

# TransactWriteItems is authorised per action, by the action's own operation.
TRANSACTION_ACTIONS = {
    "Put": "dynamodb:PutItem",
    "Update": "dynamodb:UpdateItem",
    "Delete": "dynamodb:DeleteItem",
    "ConditionCheck": "dynamodb:ConditionCheckItem",
}
# Lambda's event source mapping reads the stream with the indexer function's role: the
# three calls the code makes, and ListStreams, which only the poller makes.
EVENT_SOURCE_ACTIONS = ("dynamodb:ListStreams",)
# ...and sends the description of a batch it gave up on to the on-failure queue.
EVENT_SOURCE_FAILURE_ACTIONS = ("sqs:SendMessage",)

# --- S3: which prefixes -------------------------------------------------------------------

# This API writes and lists only under athletes/<userId>/ (datasources/keys.py).
ATHLETE_PREFIX = "athletes/"
# NeonPanda's app's own objects that its items name (attachments, program details,
# shared programs: docs/storage.md "S3"): read for exports and attachments' `content`, deleted with
# the account. An item naming an object under another prefix cannot be read (the export
# marks it unavailable) and fails `deleteAccount` until the prefix is added here.
APP_PREFIXES = ("user-uploads/", "programs/", "sharedPrograms/")
# Uploads: the athlete's browser puts the file with a POST form this API signed
# (createUploadUrls, datasources/uploads.py). S3 authorises that PutObject as the signer's,
# so the signing role needs PutObject there; the signed policy holds each upload to one key
# under user-uploads/<userId>/, its type and size.
UPLOADS_PREFIX = "user-uploads/"

Resource = Literal["table", "index", "stream", "bucket", "objects", "secret"]


@dataclass(frozen=True)
class Need:
    """What one call needs: an action on a resource (S3 objects or a listing: a prefix;
    None for a bucket-level call)."""

    action: str
    resource: Resource
    prefix: str | None = None


@dataclass(frozen=True)
class Statement:
    sid: str
    actions: tuple[str, ...]
    resource: Resource
    prefixes: tuple[str, ...] = ()  # objects: under these; bucket: listings of these
    # A bucket statement: also calls with no prefix (HeadBucket), which IAM cannot tell
    # from a listing of the whole bucket.
    unprefixed: bool = False

    def allows(self, need: Need) -> bool:
        if need.action not in self.actions or need.resource != self.resource:
            return False
        if self.resource == "objects":
            return need.prefix in self.prefixes
        if self.resource == "bucket":
            return need.prefix in self.prefixes if need.prefix is not None else self.unprefixed
        return True


_S3_ACTIONS = {
    "GetObject": "s3:GetObject",
    "HeadObject": "s3:GetObject",
    "PutObject": "s3:PutObject",
    "DeleteObject": "s3:DeleteObject",
    "DeleteObjects": "s3:DeleteObject",
    "ListObjectsV2": "s3:ListBucket",
    "ListObjects": "s3:ListBucket",
    "HeadBucket": "s3:ListBucket",
}


def needs(op: Operation) -> Need:
    """The IAM action and resource one recorded call needs."""
    if op.service == "dynamodb":
        if op.operation == "TransactWriteItems":
            return Need(TRANSACTION_ACTIONS[op.target], "table")
        return Need(f"dynamodb:{op.operation}", "index" if op.target == "index" else "table")
    if op.service == "dynamodb-streams":
        return Need(f"dynamodb:{op.operation}", "stream")
    if op.service == "secrets-manager":
        return Need(f"secretsmanager:{op.operation}", "secret")
    if op.service == "s3":
        action = _S3_ACTIONS.get(op.operation, f"s3:{op.operation}")
        if action == "s3:ListBucket":
            return Need(action, "bucket", op.target if op.operation != "HeadBucket" else None)
        return Need(action, "objects", op.target)
    raise ValueError(f"no IAM mapping for {op.service} {op.operation}")


def _dynamodb_actions(calls: frozenset[Call]) -> tuple[str, ...]:
    actions: set[str] = set()
    for service, operation in calls:
        if service != "dynamodb":
            continue
        if operation == "TransactWriteItems":
            actions.update(TRANSACTION_ACTIONS.values())
        else:
            actions.add(f"dynamodb:{operation}")
    return tuple(sorted(actions))


def _s3_object_actions(calls: frozenset[Call], *, writes: bool) -> tuple[str, ...]:
    actions = {_S3_ACTIONS[op] for svc, op in calls if svc == "s3" and op in _S3_ACTIONS}
    actions.discard("s3:ListBucket")
    if not writes:
        actions.discard("s3:PutObject")
    return tuple(sorted(actions))


def _table_access() -> list[Statement]:
    return [
        Statement("TableItems", _dynamodb_actions(SERVICE_CALLS), "table"),
        # Only Query reads an index (the lists, email, username and entityType GSIs).
        Statement("IndexQueries", ("dynamodb:Query",), "index"),
    ]


def _data_access() -> list[Statement]:
    listing = [
        op for svc, op in SERVICE_CALLS if svc == "s3" and _S3_ACTIONS.get(op) == "s3:ListBucket"
    ]
    statements = [
        *_table_access(),
        Statement(
            "AthleteObjects",
            _s3_object_actions(SERVICE_CALLS, writes=True),
            "objects",
            (ATHLETE_PREFIX,),
        ),
        Statement(
            "AppObjects", _s3_object_actions(SERVICE_CALLS, writes=False), "objects", APP_PREFIXES
        ),
        Statement("UploadTargets", ("s3:PutObject",), "objects", (UPLOADS_PREFIX,)),
    ]
    if listing:
        statements.append(
            Statement(
                "ListAthletes",
                ("s3:ListBucket",),
                "bucket",
                # An athlete's own objects, and their uploads (exports, account deletion).
                (ATHLETE_PREFIX, UPLOADS_PREFIX),
                unprefixed="HeadBucket" in listing,
            )
        )
    return statements


POLICIES: dict[str, list[Statement]] = {
    "DataAccess": _data_access(),
    # The table alone: the indexer function (list keys, claims, counters) touches no object.
    "TableAccess": _table_access(),
    "StreamRead": [
        Statement(
            "StreamRecords",
            tuple(sorted(f"dynamodb:{op}" for _svc, op in STREAM_CALLS)),
            "stream",
        )
    ],
    "Operations": [Statement("Migration", _dynamodb_actions(OPERATIONS_CALLS), "table")],
    "CursorSecretRead": [
        Statement(
            "CursorSecret",
            tuple(sorted(f"secretsmanager:{op}" for _svc, op in SECRET_CALLS)),
            "secret",
        )
    ],
}
# Which policies each role of the template has. The service's task role (`server.py`'s
# processes on ECS: queries, mutations, subscriptions through the live-update hub, and the
# indexer where no indexer function runs) has the server's: DataAccess, StreamRead and the
# cursor secret.
ROLES: dict[str, tuple[str, ...]] = {
    "ApiFunctionRole": ("DataAccess", "CursorSecretRead"),
    "IndexerFunctionRole": ("TableAccess", "StreamRead"),
    "ServiceTaskRole": ("DataAccess", "StreamRead", "CursorSecretRead"),
    "OperationsRole": ("DataAccess", "StreamRead", "Operations"),
}


def allowed(need: Need, policies: tuple[str, ...]) -> bool:
    return any(s.allows(need) for name in policies for s in POLICIES[name])


def granted_actions(policies: tuple[str, ...]) -> set[str]:
    return {a for name in policies for s in POLICIES[name] for a in s.actions}


# --- rendering ------------------------------------------------------------------------


def _arn(resource: Resource, prefix: str = "") -> dict[str, Any]:
    if resource == "secret":
        return {"Ref": "CursorSecret"}  # a Secrets Manager secret's Ref is its ARN
    table = "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${TableName}"
    bucket = "arn:${AWS::Partition}:s3:::${BucketName}"
    text = {
        "table": table,
        "index": table + "/index/*",
        "stream": table + "/stream/*",
        "bucket": bucket,
        "objects": f"{bucket}/{prefix}*",
    }[resource]
    return {"Fn::Sub": text}


def _render(statement: Statement) -> dict[str, Any]:
    out: dict[str, Any] = {
        "Sid": statement.sid,
        "Effect": "Allow",
        "Action": list(statement.actions),
    }
    if statement.resource == "objects":
        out["Resource"] = [_arn("objects", p) for p in statement.prefixes]
    else:
        out["Resource"] = _arn(statement.resource)
    if statement.resource == "bucket":
        test = "StringLikeIfExists" if statement.unprefixed else "StringLike"
        out["Condition"] = {test: {"s3:prefix": [f"{p}*" for p in statement.prefixes]}}
    return out


def policy_document(name: str) -> dict[str, Any]:
    """One policy as an IAM policy document (CloudFormation intrinsics for the ARNs)."""
    return {"Version": "2012-10-17", "Statement": [_render(s) for s in POLICIES[name]]}
