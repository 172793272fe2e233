"""The service's part of the CloudFormation template (README: Deploying).

`datasources.definition.cloudformation_template()` renders the table and the bucket and
adds what is here: the API function (`lambda_handler.handler`) behind an HTTP API or a
function URL (a parameter chooses), the stream indexer function with its event source
mapping, their log groups, alarms, the cursor secret, and the IAM policies of
`datasources/permissions.py` (least privilege, derived from the code's calls) on the
functions' roles and an operations role for `migrate`, `repair-counts` and `sweep-orphans`.
"""

from __future__ import annotations

from typing import Any

from datasources import permissions

RUNTIME = "python3.11"
API_HANDLER = "lambda_handler.handler"
INDEXER_HANDLER = "lambda_handler.indexer_handler"
# Function timeouts: the API's request deadline is 10 s (NEONPANDA_REQUEST_DEADLINE_SECONDS)
# and a cold start adds ~1-2 s; the indexer's batch of 100 changes needs far less.
API_TIMEOUT_SECONDS = 15
INDEXER_TIMEOUT_SECONDS = 60
LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1827, 3653]
# Routes of the HTTP API (the function URL passes every path to the app).
ROUTES = ["POST /graphql", "OPTIONS /graphql", "GET /healthz", "GET /readyz"]


def _ref(name: str) -> dict[str, Any]:
    return {"Ref": name}


def _arn_of(resource: str) -> dict[str, Any]:
    return {"Fn::GetAtt": [resource, "Arn"]}


def _if(condition: str, yes: Any, no: Any) -> dict[str, Any]:
    return {"Fn::If": [condition, yes, no]}


NO_VALUE = _ref("AWS::NoValue")


def parameters() -> dict[str, Any]:
    return {
        "CreateStorage": {
            "Type": "String",
            "AllowedValues": ["true", "false"],
            "Default": "true",
            "Description": "true: create the table and the bucket; false: use NeonPanda's "
            "existing ones named by TableName and BucketName (run `migrate` for the "
            "accelerators)",
        },
        "TableStreamLabel": {
            "Type": "String",
            "Default": "",
            "Description": "CreateStorage false: the existing table's LatestStreamLabel (once "
            "`migrate` has enabled the stream), for the stream indexer",
        },
        "CodeBucket": {"Type": "String", "Description": "S3 bucket holding the code zip"},
        "CodeKey": {
            "Type": "String",
            "Description": "S3 key of the code zip (a new key per build: a changed key is "
            "what makes CloudFormation update the functions)",
        },
        "Architecture": {
            "Type": "String",
            "AllowedValues": ["arm64", "x86_64"],
            "Default": "arm64",
            "Description": "the platform the zip's wheels were installed for",
        },
        "MemorySize": {
            "Type": "Number",
            "Default": 1024,
            "MinValue": 128,
            "MaxValue": 10240,
            "Description": "API function memory in MB (CPU grows with it: cold starts too)",
        },
        "Endpoint": {
            "Type": "String",
            "AllowedValues": ["HttpApi", "FunctionUrl"],
            "Default": "HttpApi",
            "Description": "API Gateway HTTP API or a Lambda function URL in front of the API",
        },
        "CognitoUserPoolId": {"Type": "String", "Description": "the user pool issuing tokens"},
        "CognitoClientId": {"Type": "String", "Description": "the app client of that pool"},
        "CorsOrigins": {
            "Type": "String",
            "Default": "[]",
            "Description": 'browser origins allowed, a JSON list: ["https://app.neonpanda.ai"]',
        },
        "StreamIndexer": {
            "Type": "String",
            "AllowedValues": ["true", "false"],
            "Default": "true",
            "Description": "run the stream indexer as a function on the table's stream "
            "(false: a server process runs it, or the stream is not there yet)",
        },
        "LogRetentionDays": {
            "Type": "Number",
            "Default": 30,
            "AllowedValues": LOG_RETENTION_DAYS,
            "Description": "how long the functions' and the API's logs are kept",
        },
        "AlarmTopicArn": {
            "Type": "String",
            "Default": "",
            "Description": "SNS topic the alarms notify (empty: alarms without actions)",
        },
        "DurationP99Milliseconds": {
            "Type": "Number",
            "Default": 3000,
            "Description": "alarm when the API function's p99 duration stays above this",
        },
        "ServerErrorsPerFiveMinutes": {
            "Type": "Number",
            "Default": 5,
            "Description": "alarm when the endpoint answers more 5xx than this in 5 minutes",
        },
    }


def conditions() -> dict[str, Any]:
    return {
        "CreateStorage": {"Fn::Equals": [_ref("CreateStorage"), "true"]},
        "UseHttpApi": {"Fn::Equals": [_ref("Endpoint"), "HttpApi"]},
        "UseFunctionUrl": {"Fn::Equals": [_ref("Endpoint"), "FunctionUrl"]},
        "StreamIndexer": {"Fn::Equals": [_ref("StreamIndexer"), "true"]},
        "HasAlarmTopic": {"Fn::Not": [{"Fn::Equals": [_ref("AlarmTopicArn"), ""]}]},
    }


def environment(cors: bool) -> dict[str, Any]:
    """The functions' settings (`settings.py`), as NEONPANDA_* variables."""
    variables: dict[str, Any] = {
        "NEONPANDA_ENVIRONMENT": "production",
        "NEONPANDA_USE_AWS": "true",
        "NEONPANDA_TABLE_NAME": _ref("TableName"),
        "NEONPANDA_BUCKET": _ref("BucketName"),
        "NEONPANDA_REGION": _ref("AWS::Region"),
        "NEONPANDA_COGNITO_USER_POOL_ID": _ref("CognitoUserPoolId"),
        "NEONPANDA_COGNITO_CLIENT_ID": _ref("CognitoClientId"),
        # Resolved at deploy time from the secret this template generates (one value for
        # every process: cursors from one are valid at the others).
        "NEONPANDA_CURSOR_SECRET": {
            "Fn::Sub": "{{resolve:secretsmanager:${CursorSecret}:SecretString}}"
        },
        # A frozen Lambda cannot follow the stream: the indexer function does.
        "NEONPANDA_INDEXER": "false",
    }
    if cors:
        variables["NEONPANDA_CORS_ORIGINS"] = _ref("CorsOrigins")
    return {"Variables": variables}


def _role(description: str, principal: dict[str, Any], policies: list[Any], **extra: Any) -> Any:
    return {
        "Type": "AWS::IAM::Role",
        **extra,
        "Properties": {
            "Description": description,
            "AssumeRolePolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
                ],
            },
            "ManagedPolicyArns": policies,
        },
    }


def _log_writer(log_group: str) -> dict[str, Any]:
    return {
        "PolicyName": "logs",
        "PolicyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "OwnLogGroup",
                    "Effect": "Allow",
                    "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                    "Resource": _arn_of(log_group),
                }
            ],
        },
    }


def _log_group(name: str, **extra: Any) -> dict[str, Any]:
    return {
        "Type": "AWS::Logs::LogGroup",
        **extra,
        "Properties": {
            "LogGroupName": {"Fn::Sub": name},
            "RetentionInDays": _ref("LogRetentionDays"),
        },
    }


def _alarm(
    description: str,
    namespace: str,
    metric: str,
    dimensions: dict[str, Any],
    threshold: Any,
    *,
    statistic: str = "Sum",
    comparison: str = "GreaterThanOrEqualToThreshold",
    periods: int = 1,
    datapoints: int = 1,
    condition: str | None = None,
) -> dict[str, Any]:
    props: dict[str, Any] = {
        "AlarmDescription": description,
        "Namespace": namespace,
        "MetricName": metric,
        "Dimensions": [{"Name": k, "Value": v} for k, v in dimensions.items()],
        "Period": 300,
        "EvaluationPeriods": periods,
        "DatapointsToAlarm": datapoints,
        "Threshold": threshold,
        "ComparisonOperator": comparison,
        "TreatMissingData": "notBreaching",
        "AlarmActions": _if("HasAlarmTopic", [_ref("AlarmTopicArn")], NO_VALUE),
        "OKActions": _if("HasAlarmTopic", [_ref("AlarmTopicArn")], NO_VALUE),
    }
    if statistic.startswith("p"):
        props["ExtendedStatistic"] = statistic
    else:
        props["Statistic"] = statistic
    alarm: dict[str, Any] = {"Type": "AWS::CloudWatch::Alarm", "Properties": props}
    if condition is not None:
        alarm["Condition"] = condition
    return alarm


def _function(
    description: str,
    handler: str,
    role: str,
    log_group: str,
    memory: Any,
    timeout: int,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "Type": "AWS::Lambda::Function",
        **extra,
        "Properties": {
            "Description": description,
            "Runtime": RUNTIME,
            "Handler": handler,
            "Code": {"S3Bucket": _ref("CodeBucket"), "S3Key": _ref("CodeKey")},
            "Architectures": [_ref("Architecture")],
            "MemorySize": memory,
            "Timeout": timeout,
            "Role": _arn_of(role),
            "LoggingConfig": {"LogGroup": _ref(log_group), "LogFormat": "Text"},
            "Environment": environment(cors=handler == API_HANDLER),
        },
    }


def _policies() -> dict[str, Any]:
    descriptions = {
        "DataAccess": "NeonPanda API: the table, its indexes and the bucket's prefixes, only "
        "the actions the code calls",
        "StreamRead": "NeonPanda: read the table's stream (live updates, the indexer)",
        "Operations": "NeonPanda operations (migrate, sweep-orphans): scans and UpdateTable",
    }
    return {
        f"{name}Policy": {
            "Type": "AWS::IAM::ManagedPolicy",
            "Properties": {
                "Description": descriptions[name],
                "PolicyDocument": permissions.policy_document(name),
            },
        }
        for name in permissions.POLICIES
    }


def _policy_arns(role: str) -> list[dict[str, Any]]:
    return [_ref(f"{name}Policy") for name in permissions.ROLES[role]]


def resources() -> dict[str, Any]:
    lambda_principal = {"Service": "lambda.amazonaws.com"}
    api_function = _ref("ApiFunction")
    indexer_function = _ref("IndexerFunction")
    stream_arn = _if(
        "CreateStorage",
        {"Fn::GetAtt": ["Table", "StreamArn"]},
        {
            "Fn::Sub": "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:"
            "table/${TableName}/stream/${TableStreamLabel}"
        },
    )
    out: dict[str, Any] = {
        "CursorSecret": {
            "Type": "AWS::SecretsManager::Secret",
            "Properties": {
                "Description": "Signs pagination cursors (NEONPANDA_CURSOR_SECRET)",
                "GenerateSecretString": {"PasswordLength": 64, "ExcludePunctuation": True},
            },
        },
        **_policies(),
        # --- the API ---------------------------------------------------------------------
        "ApiLogGroup": _log_group("/aws/lambda/${AWS::StackName}-api"),
        "ApiFunctionRole": _role(
            "NeonPanda API function",
            lambda_principal,
            _policy_arns("ApiFunctionRole"),
        ),
        "ApiFunction": _function(
            "NeonPanda GraphQL API (queries and mutations)",
            API_HANDLER,
            "ApiFunctionRole",
            "ApiLogGroup",
            _ref("MemorySize"),
            API_TIMEOUT_SECONDS,
        ),
        "HttpApi": {
            "Type": "AWS::ApiGatewayV2::Api",
            "Condition": "UseHttpApi",
            "Properties": {
                "Name": {"Fn::Sub": "${AWS::StackName}-graphql"},
                "ProtocolType": "HTTP",
            },
        },
        "HttpApiIntegration": {
            "Type": "AWS::ApiGatewayV2::Integration",
            "Condition": "UseHttpApi",
            "Properties": {
                "ApiId": _ref("HttpApi"),
                "IntegrationType": "AWS_PROXY",
                "IntegrationUri": _arn_of("ApiFunction"),
                "PayloadFormatVersion": "2.0",
                "TimeoutInMillis": API_TIMEOUT_SECONDS * 1000,
            },
        },
        "HttpApiAccessLogGroup": _log_group(
            "/aws/apigateway/${AWS::StackName}-graphql", Condition="UseHttpApi"
        ),
        "HttpApiStage": {
            "Type": "AWS::ApiGatewayV2::Stage",
            "Condition": "UseHttpApi",
            "Properties": {
                "ApiId": _ref("HttpApi"),
                "StageName": "$default",
                "AutoDeploy": True,
                "AccessLogSettings": {
                    "DestinationArn": _arn_of("HttpApiAccessLogGroup"),
                    "Format": (
                        '{"requestId":"$context.requestId","ip":"$context.identity.sourceIp",'
                        '"time":"$context.requestTime","route":"$context.routeKey",'
                        '"status":"$context.status","latencyMs":"$context.responseLatency",'
                        '"integrationStatus":"$context.integrationStatus",'
                        '"integrationError":"$context.integrationErrorMessage"}'
                    ),
                },
            },
        },
        "HttpApiPermission": {
            "Type": "AWS::Lambda::Permission",
            "Condition": "UseHttpApi",
            "Properties": {
                "Action": "lambda:InvokeFunction",
                "FunctionName": api_function,
                "Principal": "apigateway.amazonaws.com",
                "SourceArn": {
                    "Fn::Sub": "arn:${AWS::Partition}:execute-api:${AWS::Region}:"
                    "${AWS::AccountId}:${HttpApi}/*"
                },
            },
        },
        "FunctionUrl": {
            "Type": "AWS::Lambda::Url",
            "Condition": "UseFunctionUrl",
            "Properties": {
                "TargetFunctionArn": _arn_of("ApiFunction"),
                "AuthType": "NONE",  # the app checks the bearer token itself
                "InvokeMode": "BUFFERED",
            },
        },
        # Public function URLs need both permissions (since October 2025).
        "FunctionUrlPermission": {
            "Type": "AWS::Lambda::Permission",
            "Condition": "UseFunctionUrl",
            "Properties": {
                "Action": "lambda:InvokeFunctionUrl",
                "FunctionName": api_function,
                "Principal": "*",
                "FunctionUrlAuthType": "NONE",
            },
        },
        "FunctionUrlInvokePermission": {
            "Type": "AWS::Lambda::Permission",
            "Condition": "UseFunctionUrl",
            "Properties": {
                "Action": "lambda:InvokeFunction",
                "FunctionName": api_function,
                "Principal": "*",
                "InvokedViaFunctionUrl": True,
            },
        },
        # --- the stream indexer ----------------------------------------------------------
        "IndexerLogGroup": _log_group(
            "/aws/lambda/${AWS::StackName}-indexer", Condition="StreamIndexer"
        ),
        "IndexerFunctionRole": _role(
            "NeonPanda stream indexer function",
            lambda_principal,
            _policy_arns("IndexerFunctionRole"),
            Condition="StreamIndexer",
        ),
        "IndexerFunction": _function(
            "NeonPanda stream indexer (list keys, claims, counters for other writers' items)",
            INDEXER_HANDLER,
            "IndexerFunctionRole",
            "IndexerLogGroup",
            512,
            INDEXER_TIMEOUT_SECONDS,
            Condition="StreamIndexer",
        ),
        "IndexerEventSource": {
            "Type": "AWS::Lambda::EventSourceMapping",
            "Condition": "StreamIndexer",
            "Properties": {
                "EventSourceArn": stream_arn,
                "FunctionName": indexer_function,
                # Nothing written while no indexer ran is missed (as in a server process).
                "StartingPosition": "TRIM_HORIZON",
                "BatchSize": 100,
                "MaximumBatchingWindowInSeconds": 1,
                "BisectBatchOnFunctionError": True,
                "MaximumRetryAttempts": 10,
            },
        },
        # --- operations ------------------------------------------------------------------
        "OperationsRole": _role(
            "NeonPanda operations: migrate, repair-counts, sweep-orphans (assumed by the "
            "account's administrators)",
            {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}},
            _policy_arns("OperationsRole"),
        ),
        # --- alarms ----------------------------------------------------------------------
        "ApiErrorsAlarm": _alarm(
            "API function invocations that failed (an unhandled error or a timeout, not a "
            "GraphQL error answer)",
            "AWS/Lambda",
            "Errors",
            {"FunctionName": api_function},
            1,
        ),
        "ApiThrottlesAlarm": _alarm(
            "API function invocations refused for lack of concurrency",
            "AWS/Lambda",
            "Throttles",
            {"FunctionName": api_function},
            1,
        ),
        "ApiDurationAlarm": _alarm(
            "API function p99 duration above DurationP99Milliseconds in 2 of 3 five-minute "
            "periods (cold starts included)",
            "AWS/Lambda",
            "Duration",
            {"FunctionName": api_function},
            _ref("DurationP99Milliseconds"),
            statistic="p99",
            comparison="GreaterThanThreshold",
            periods=3,
            datapoints=2,
        ),
        "HttpApi5xxAlarm": _alarm(
            "HTTP API 5xx answers (the function's own and API Gateway's: failed or timed-out "
            "invocations)",
            "AWS/ApiGateway",
            "5xx",
            {"ApiId": _ref("HttpApi"), "Stage": "$default"},
            _ref("ServerErrorsPerFiveMinutes"),
            comparison="GreaterThanThreshold",
            condition="UseHttpApi",
        ),
        "FunctionUrl5xxAlarm": _alarm(
            "Function URL 5xx answers",
            "AWS/Lambda",
            "Url5xxCount",
            {"FunctionName": api_function},
            _ref("ServerErrorsPerFiveMinutes"),
            comparison="GreaterThanThreshold",
            condition="UseFunctionUrl",
        ),
        "IndexerErrorsAlarm": _alarm(
            "Stream indexer batches that failed (retried, then bisected)",
            "AWS/Lambda",
            "Errors",
            {"FunctionName": indexer_function},
            1,
            condition="StreamIndexer",
        ),
        "IndexerIteratorAgeAlarm": _alarm(
            "Stream indexer more than a minute behind the table's writes",
            "AWS/Lambda",
            "IteratorAge",
            {"FunctionName": indexer_function},
            60_000,
            statistic="Maximum",
            comparison="GreaterThanThreshold",
            periods=3,
            datapoints=2,
            condition="StreamIndexer",
        ),
    }
    for route in ROUTES:
        method, path = route.split(" ")
        name = "HttpApiRoute" + method.title() + "".join(p.title() for p in path.split("/"))
        out[name] = {
            "Type": "AWS::ApiGatewayV2::Route",
            "Condition": "UseHttpApi",
            "Properties": {
                "ApiId": _ref("HttpApi"),
                "RouteKey": route,
                "Target": {"Fn::Sub": "integrations/${HttpApiIntegration}"},
            },
        }
    # The indexer's poller also lists the stream (the code never does).
    indexer_role = out["IndexerFunctionRole"]["Properties"]
    indexer_role["Policies"] = [
        _log_writer("IndexerLogGroup"),
        {
            "PolicyName": "event-source",
            "PolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "PollerListsStreams",
                        "Effect": "Allow",
                        "Action": list(permissions.EVENT_SOURCE_ACTIONS),
                        "Resource": {
                            "Fn::Sub": "arn:${AWS::Partition}:dynamodb:${AWS::Region}:"
                            "${AWS::AccountId}:table/${TableName}/stream/*"
                        },
                    }
                ],
            },
        },
    ]
    out["ApiFunctionRole"]["Properties"]["Policies"] = [_log_writer("ApiLogGroup")]
    return out


def outputs() -> dict[str, Any]:
    return {
        "GraphQLUrl": {
            "Condition": "UseHttpApi",
            "Value": {"Fn::Sub": "${HttpApi.ApiEndpoint}/graphql"},
        },
        "FunctionGraphQLUrl": {
            "Condition": "UseFunctionUrl",
            "Value": {"Fn::Sub": "${FunctionUrl.FunctionUrl}graphql"},
        },
        "ApiFunctionName": {"Value": _ref("ApiFunction")},
        "CursorSecretArn": {"Value": _ref("CursorSecret")},
        "DataAccessPolicyArn": {"Value": _ref("DataAccessPolicy")},
        "StreamReadPolicyArn": {"Value": _ref("StreamReadPolicy")},
        "OperationsRoleArn": {"Value": _arn_of("OperationsRole")},
    }


def add_service(template: dict[str, Any]) -> None:
    """Add the service to a template holding the table and the bucket."""
    template["Parameters"].update(parameters())
    template["Conditions"] = conditions()
    template["Resources"].update(resources())
    template["Outputs"].update(outputs())
