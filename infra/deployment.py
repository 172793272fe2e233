"""The service's part of the CloudFormation template (docs/operations.md).

`datasources.definition.cloudformation_template()` renders the table and the bucket and
adds what is here: the API function (`lambda_handler.handler`) behind an HTTP API or a
function URL (a parameter chooses), the stream indexer function with its event source
mapping, their log groups, alarms, the cursor secret, and the IAM policies of
`infra/permissions.py` (least privilege, derived from the code's calls) on the
functions' roles and an operations role for `migrate`, `repair-counts` and `sweep-orphans`.

With `LiveUpdates=true`, also the service that holds WebSockets (a Lambda cannot):
`server.py --workers N` in a container (the repository's Dockerfile) on ECS Fargate in
private subnets, behind an internet-facing Application Load Balancer (HTTPS, WebSockets),
serving subscriptions and, as any server process, queries and mutations too.
"""

from __future__ import annotations

from typing import Any

from infra import permissions

RUNTIME = "python3.11"
API_HANDLER = "lambda_handler.handler"
INDEXER_HANDLER = "lambda_handler.indexer_handler"
# Function timeouts: the API's request deadline is 10 s (NEONPANDA_REQUEST_DEADLINE_SECONDS)
# and a cold start adds ~1-2 s; the indexer's batch of 100 changes needs far less.
API_TIMEOUT_SECONDS = 15
INDEXER_TIMEOUT_SECONDS = 60
# The on-failure queue keeps a skipped batch's description this long (SQS's maximum).
FAILED_BATCH_RETENTION_SECONDS = 14 * 24 * 3600
LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1827, 3653]
# Routes of the HTTP API (the function URL passes every path to the app).
ROUTES = ["POST /graphql", "OPTIONS /graphql", "GET /healthz", "GET /readyz"]

# --- the live-updates service (LiveUpdates=true) -----------------------------------------
CONTAINER_NAME = "graphql"
CONTAINER_PORT = 8000
# The load balancer closes a connection idle this long. WebSockets are never idle that
# long (uvicorn pings every 20 s, the GraphQL protocol's keep-alive every 15 s).
LOAD_BALANCER_IDLE_SECONDS = 120
# uvicorn keeps an idle HTTP connection longer than the balancer does, so the balancer is
# the one that closes it (a connection the server closes as the balancer reuses it is a 502).
SERVICE_KEEP_ALIVE_SECONDS = LOAD_BALANCER_IDLE_SECONDS + 5
# Connections come only from the balancer's nodes (the tasks' security group admits only
# its group), whose addresses are private: uvicorn takes the client's address from the
# X-Forwarded-For entry the balancer appended (the rate limits and the contact form key
# anonymous callers by it). A VPC whose CIDR is outside these needs its CIDR here.
TRUSTED_PROXIES = "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16"
# ECS stops a task with SIGTERM, then SIGKILL after this: longer than uvicorn's 30 s
# graceful shutdown (server.py).
STOP_TIMEOUT_SECONDS = 40
FARGATE_CPU = ["256", "512", "1024", "2048", "4096"]


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
        **service_parameters(),
    }


def service_parameters() -> dict[str, Any]:
    """The live-updates service's parameters (empty defaults: unused while LiveUpdates is
    false; the template's rules require them when it is true)."""
    return {
        "LiveUpdates": {
            "Type": "String",
            "AllowedValues": ["true", "false"],
            "Default": "false",
            "Description": "true: also run server.py on ECS Fargate behind a load balancer "
            "that holds WebSockets (subscriptions; queries and mutations too)",
        },
        "VpcId": {
            "Type": "String",
            "Default": "",
            "Description": "LiveUpdates: the VPC of the load balancer and the tasks",
        },
        "PublicSubnetIds": {
            "Type": "CommaDelimitedList",
            "Default": "",
            "Description": "LiveUpdates: the load balancer's subnets (public, two or more "
            "availability zones)",
        },
        "PrivateSubnetIds": {
            "Type": "CommaDelimitedList",
            "Default": "",
            "Description": "LiveUpdates: the tasks' subnets (private, with a route to a NAT "
            "gateway: the tasks call DynamoDB, S3, Cognito's keys, ECR and CloudWatch Logs)",
        },
        "ContainerImage": {
            "Type": "String",
            "Default": "",
            "Description": "LiveUpdates: the image built from the repository's Dockerfile "
            "(account.dkr.ecr.region.amazonaws.com/neonpanda:tag)",
        },
        "ContainerArchitecture": {
            "Type": "String",
            "AllowedValues": ["X86_64", "ARM64"],
            "Default": "X86_64",
            "Description": "LiveUpdates: the platform the image was built for",
        },
        "CertificateArn": {
            "Type": "String",
            "Default": "",
            "Description": "LiveUpdates: the ACM certificate of the HTTPS listener (the "
            "domain pointed at the load balancer: wss:// needs it)",
        },
        "ServiceWorkers": {
            "Type": "Number",
            # One: every process reads every stream shard, and DynamoDB Streams advises
            # at most two readers per shard (docs/operations.md).
            "Default": 1,
            "MinValue": 1,
            "MaxValue": 16,
            "Description": "LiveUpdates: server processes per task (server.py --workers)",
        },
        "ServiceDesiredCount": {
            "Type": "Number",
            "Default": 2,
            "MinValue": 1,
            "MaxValue": 50,
            "Description": "LiveUpdates: tasks (spread over the private subnets)",
        },
        "ServiceCpu": {
            "Type": "String",
            "AllowedValues": FARGATE_CPU,
            "Default": "1024",
            "Description": "LiveUpdates: CPU units per task (1024 is one vCPU)",
        },
        "ServiceMemory": {
            "Type": "Number",
            "Default": 2048,
            "MinValue": 512,
            "MaxValue": 30720,
            "Description": "LiveUpdates: MB per task, a valid Fargate size for ServiceCpu "
            "(1024 CPU: 2048 to 8192)",
        },
        "ServiceCpuPercent": {
            "Type": "Number",
            "Default": 80,
            "MinValue": 1,
            "MaxValue": 100,
            "Description": "LiveUpdates: alarm when the service's average CPU stays above this",
        },
    }


def conditions() -> dict[str, Any]:
    return {
        "CreateStorage": {"Fn::Equals": [_ref("CreateStorage"), "true"]},
        "UseHttpApi": {"Fn::Equals": [_ref("Endpoint"), "HttpApi"]},
        "UseFunctionUrl": {"Fn::Equals": [_ref("Endpoint"), "FunctionUrl"]},
        "StreamIndexer": {"Fn::Equals": [_ref("StreamIndexer"), "true"]},
        "HasAlarmTopic": {"Fn::Not": [{"Fn::Equals": [_ref("AlarmTopicArn"), ""]}]},
        "LiveUpdates": {"Fn::Equals": [_ref("LiveUpdates"), "true"]},
    }


def _given(parameter: str) -> dict[str, Any]:
    return {"Fn::Not": [{"Fn::Equals": [_ref(parameter), ""]}]}


def rules() -> dict[str, Any]:
    """LiveUpdates=true refuses to deploy without its network, image and certificate; a
    stack beside an existing table that reads its stream, without the stream's label."""
    assertions = [
        {"Assert": _given(name), "AssertDescription": f"LiveUpdates=true needs {name}"}
        for name in ("VpcId", "ContainerImage", "CertificateArn")
    ] + [
        {
            "Assert": {"Fn::Not": [{"Fn::Contains": [_ref(name), ""]}]},
            "AssertDescription": f"LiveUpdates=true needs {name} (no empty entry)",
        }
        for name in ("PublicSubnetIds", "PrivateSubnetIds")
    ]
    return {
        "LiveUpdatesNeedsItsNetwork": {
            "RuleCondition": {"Fn::Equals": [_ref("LiveUpdates"), "true"]},
            "Assertions": assertions,
        },
        # Beside an existing table, whatever reads its stream needs the stream's label
        # (else the stream ARN ends in "stream/" and the deployment fails late).
        "ExistingTableNeedsItsStreamLabel": {
            "RuleCondition": {
                "Fn::And": [
                    {"Fn::Equals": [_ref("CreateStorage"), "false"]},
                    {
                        "Fn::Or": [
                            {"Fn::Equals": [_ref("StreamIndexer"), "true"]},
                            {"Fn::Equals": [_ref("LiveUpdates"), "true"]},
                        ]
                    },
                ]
            },
            "Assertions": [
                {
                    "Assert": _given("TableStreamLabel"),
                    "AssertDescription": "CreateStorage=false with StreamIndexer or "
                    "LiveUpdates needs TableStreamLabel (the table's LatestStreamLabel)",
                }
            ],
        },
    }


def environment(api: bool) -> dict[str, Any]:
    """The functions' settings (`settings.py`), as NEONPANDA_* variables; `api`: the API's
    own too (CORS origins, the cursor secret), which the indexer does without."""
    variables: dict[str, Any] = {
        "NEONPANDA_ENVIRONMENT": "production",
        "NEONPANDA_USE_AWS": "true",
        "NEONPANDA_TABLE_NAME": _ref("TableName"),
        "NEONPANDA_BUCKET": _ref("BucketName"),
        "NEONPANDA_REGION": _ref("AWS::Region"),
        "NEONPANDA_COGNITO_USER_POOL_ID": _ref("CognitoUserPoolId"),
        "NEONPANDA_COGNITO_CLIENT_ID": _ref("CognitoClientId"),
        # A frozen Lambda cannot follow the stream: the indexer function does.
        "NEONPANDA_INDEXER": "false",
        # Each request line is also a CloudWatch EMF record (docs/operations.md: Observability).
        "NEONPANDA_METRICS_EMF": "true",
    }
    if api:
        variables["NEONPANDA_CORS_ORIGINS"] = _ref("CorsOrigins")
        # The secret's ARN, not its value: each process reads it once at start (one value
        # for every process: cursors from one are valid at the others), and the value never
        # sits in the function's or the task's configuration.
        variables["NEONPANDA_CURSOR_SECRET_ARN"] = _ref("CursorSecret")
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
            "Environment": environment(api=handler == API_HANDLER),
        },
    }


# cfn-lint resolves VpcId and the subnet lists to their empty defaults and warns (W1030)
# that "" is no VPC or subnet id. Those defaults only serve LiveUpdates=false, where no
# resource using them exists; with LiveUpdates=true the template's rule refuses them
# empty. So exactly the resources that use them skip that one check.
_NETWORK_LINT = {"cfn-lint": {"config": {"ignore_checks": ["W1030"]}}}


def service_environment() -> list[dict[str, Any]]:
    """The service container's environment: the API function's settings (the same table,
    bucket, Cognito ids, CORS origins and cursor secret, so a cursor from one is valid at
    the other), the indexer on only where no indexer function runs, and the HTTP
    keep-alive and proxy addresses its load balancer needs."""
    variables: dict[str, Any] = {
        **environment(api=True)["Variables"],
        "NEONPANDA_INDEXER": _if("StreamIndexer", "false", "true"),
        "NEONPANDA_KEEP_ALIVE_SECONDS": str(SERVICE_KEEP_ALIVE_SECONDS),
        # uvicorn's own setting (server.py leaves forwarded_allow_ips to it).
        "FORWARDED_ALLOW_IPS": TRUSTED_PROXIES,
    }
    return [{"Name": name, "Value": value} for name, value in variables.items()]


def service_command() -> list[Any]:
    return [
        "python",
        "server.py",
        "--host",
        "0.0.0.0",
        "--port",
        str(CONTAINER_PORT),
        "--workers",
        _ref("ServiceWorkers"),
    ]


def _health_probe(path: str) -> str:
    # The image has no curl: Python asks, and an answer other than 2xx raises (exit 1).
    return (
        "import urllib.request; urllib.request.urlopen("
        f"'http://127.0.0.1:{CONTAINER_PORT}{path}', timeout=3)"
    )


def service_resources() -> dict[str, Any]:
    """The live-updates service (Condition LiveUpdates): ECS Fargate behind an ALB."""
    ecs_principal = {"Service": "ecs-tasks.amazonaws.com"}
    live = "LiveUpdates"
    load_balancer = {"Fn::GetAtt": ["LoadBalancer", "LoadBalancerFullName"]}
    return {
        "ServiceCluster": {"Type": "AWS::ECS::Cluster", "Condition": live},
        "ServiceLogGroup": _log_group("/ecs/${AWS::StackName}-service", Condition=live),
        # Pulls the image and writes the container's logs (AWS's managed policy for it).
        "ServiceExecutionRole": _role(
            "NeonPanda service: ECS pulls the image and writes the logs",
            ecs_principal,
            [
                {
                    "Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/"
                    "AmazonECSTaskExecutionRolePolicy"
                }
            ],
            Condition=live,
        ),
        # What the server's code calls: the derived policies, nothing else.
        "ServiceTaskRole": _role(
            "NeonPanda service tasks (server.py: API, live updates, indexer)",
            ecs_principal,
            _policy_arns("ServiceTaskRole"),
            Condition=live,
        ),
        "ServiceTaskDefinition": {
            "Type": "AWS::ECS::TaskDefinition",
            "Condition": live,
            "Properties": {
                "Family": {"Fn::Sub": "${AWS::StackName}-service"},
                "RequiresCompatibilities": ["FARGATE"],
                "NetworkMode": "awsvpc",
                "Cpu": _ref("ServiceCpu"),
                "Memory": _ref("ServiceMemory"),
                "RuntimePlatform": {
                    "CpuArchitecture": _ref("ContainerArchitecture"),
                    "OperatingSystemFamily": "LINUX",
                },
                "ExecutionRoleArn": _arn_of("ServiceExecutionRole"),
                "TaskRoleArn": _arn_of("ServiceTaskRole"),
                "ContainerDefinitions": [
                    {
                        "Name": CONTAINER_NAME,
                        "Image": _ref("ContainerImage"),
                        "Essential": True,
                        "Command": service_command(),
                        "PortMappings": [{"ContainerPort": CONTAINER_PORT, "Protocol": "tcp"}],
                        "Environment": service_environment(),
                        "StopTimeout": STOP_TIMEOUT_SECONDS,
                        "HealthCheck": {
                            "Command": ["CMD", "python", "-c", _health_probe("/healthz")],
                            "Interval": 15,
                            "Timeout": 5,
                            "Retries": 3,
                            "StartPeriod": 60,
                        },
                        "LogConfiguration": {
                            "LogDriver": "awslogs",
                            "Options": {
                                "awslogs-group": _ref("ServiceLogGroup"),
                                "awslogs-region": _ref("AWS::Region"),
                                "awslogs-stream-prefix": "service",
                                # A slow log service never blocks the server's writes.
                                "mode": "non-blocking",
                                "max-buffer-size": "25m",
                            },
                        },
                    }
                ],
            },
        },
        "LoadBalancerSecurityGroup": {
            "Type": "AWS::EC2::SecurityGroup",
            "Condition": live,
            "Metadata": _NETWORK_LINT,
            "Properties": {
                "GroupDescription": "NeonPanda load balancer: HTTPS and HTTP (redirected) "
                "from anywhere, out to the tasks port only",
                "VpcId": _ref("VpcId"),
                "SecurityGroupIngress": [
                    {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "CidrIp": "0.0.0.0/0"}
                    for port in (443, 80)
                ],
                "SecurityGroupEgress": [
                    {
                        "IpProtocol": "tcp",
                        "FromPort": CONTAINER_PORT,
                        "ToPort": CONTAINER_PORT,
                        "DestinationSecurityGroupId": _ref("ServiceSecurityGroup"),
                    }
                ],
            },
        },
        "ServiceSecurityGroup": {
            "Type": "AWS::EC2::SecurityGroup",
            "Condition": live,
            "Metadata": _NETWORK_LINT,
            "Properties": {
                "GroupDescription": "NeonPanda service tasks: the server port from the load "
                "balancer only, out to HTTPS (AWS APIs, Cognito keys, ECR)",
                "VpcId": _ref("VpcId"),
                "SecurityGroupEgress": [
                    {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "0.0.0.0/0"}
                ],
            },
        },
        # A separate rule: inline, the two groups would name each other (a cycle).
        "ServiceIngressFromLoadBalancer": {
            "Type": "AWS::EC2::SecurityGroupIngress",
            "Condition": live,
            "Properties": {
                "Description": "the load balancer's requests and health checks",
                "GroupId": _ref("ServiceSecurityGroup"),
                "IpProtocol": "tcp",
                "FromPort": CONTAINER_PORT,
                "ToPort": CONTAINER_PORT,
                "SourceSecurityGroupId": _ref("LoadBalancerSecurityGroup"),
            },
        },
        "LoadBalancer": {
            "Type": "AWS::ElasticLoadBalancingV2::LoadBalancer",
            "Condition": live,
            "Metadata": _NETWORK_LINT,
            "Properties": {
                "Type": "application",
                "Scheme": "internet-facing",
                "Subnets": _ref("PublicSubnetIds"),
                "SecurityGroups": [_ref("LoadBalancerSecurityGroup")],
                "LoadBalancerAttributes": [
                    {
                        "Key": "idle_timeout.timeout_seconds",
                        "Value": str(LOAD_BALANCER_IDLE_SECONDS),
                    },
                    {"Key": "routing.http.drop_invalid_header_fields.enabled", "Value": "true"},
                ],
            },
        },
        "ServiceTargetGroup": {
            "Type": "AWS::ElasticLoadBalancingV2::TargetGroup",
            "Condition": live,
            "Metadata": _NETWORK_LINT,
            "Properties": {
                "TargetType": "ip",
                "Protocol": "HTTP",
                "Port": CONTAINER_PORT,
                "VpcId": _ref("VpcId"),
                # Liveness, not /readyz: a DynamoDB, S3 or Cognito blip must not make ECS
                # replace every task (and drop every socket); /readyz is for alarms.
                "HealthCheckPath": "/healthz",
                "HealthCheckIntervalSeconds": 15,
                "HealthCheckTimeoutSeconds": 5,
                "HealthyThresholdCount": 2,
                "UnhealthyThresholdCount": 3,
                "Matcher": {"HttpCode": "200"},
                "TargetGroupAttributes": [
                    # A stopping task's sockets are closed (clients reconnect and resume
                    # from their cursors); 30 s lets requests in flight finish.
                    {"Key": "deregistration_delay.timeout_seconds", "Value": "30"},
                ],
            },
        },
        "HttpsListener": {
            "Type": "AWS::ElasticLoadBalancingV2::Listener",
            "Condition": live,
            "Properties": {
                "LoadBalancerArn": _ref("LoadBalancer"),
                "Port": 443,
                "Protocol": "HTTPS",
                "SslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
                "Certificates": [{"CertificateArn": _ref("CertificateArn")}],
                "DefaultActions": [
                    {"Type": "forward", "TargetGroupArn": _ref("ServiceTargetGroup")}
                ],
            },
        },
        "HttpListener": {
            "Type": "AWS::ElasticLoadBalancingV2::Listener",
            "Condition": live,
            "Properties": {
                "LoadBalancerArn": _ref("LoadBalancer"),
                "Port": 80,
                "Protocol": "HTTP",
                "DefaultActions": [
                    {
                        "Type": "redirect",
                        "RedirectConfig": {
                            "Protocol": "HTTPS",
                            "Port": "443",
                            "StatusCode": "HTTP_301",
                        },
                    }
                ],
            },
        },
        "Service": {
            "Type": "AWS::ECS::Service",
            "Condition": live,
            # The target group must belong to a load balancer before the service uses it.
            "DependsOn": ["HttpsListener"],
            "Metadata": _NETWORK_LINT,
            "Properties": {
                "Cluster": _ref("ServiceCluster"),
                "TaskDefinition": _ref("ServiceTaskDefinition"),
                "LaunchType": "FARGATE",
                "DesiredCount": _ref("ServiceDesiredCount"),
                "NetworkConfiguration": {
                    "AwsvpcConfiguration": {
                        "Subnets": _ref("PrivateSubnetIds"),
                        "SecurityGroups": [_ref("ServiceSecurityGroup")],
                        "AssignPublicIp": "DISABLED",
                    }
                },
                "LoadBalancers": [
                    {
                        "ContainerName": CONTAINER_NAME,
                        "ContainerPort": CONTAINER_PORT,
                        "TargetGroupArn": _ref("ServiceTargetGroup"),
                    }
                ],
                "HealthCheckGracePeriodSeconds": 60,
                "DeploymentConfiguration": {
                    "MinimumHealthyPercent": 100,
                    "MaximumPercent": 200,
                    "DeploymentCircuitBreaker": {"Enable": True, "Rollback": True},
                },
            },
        },
        # --- the service's alarms ----------------------------------------------------
        "ServiceTarget5xxAlarm": _alarm(
            "Service 5xx answers (the server's own)",
            "AWS/ApplicationELB",
            "HTTPCode_Target_5XX_Count",
            {"LoadBalancer": load_balancer},
            _ref("ServerErrorsPerFiveMinutes"),
            comparison="GreaterThanThreshold",
            condition=live,
        ),
        "ServiceLoadBalancer5xxAlarm": _alarm(
            "Load balancer 5xx answers (no healthy task, a task that closed or timed out)",
            "AWS/ApplicationELB",
            "HTTPCode_ELB_5XX_Count",
            {"LoadBalancer": load_balancer},
            _ref("ServerErrorsPerFiveMinutes"),
            comparison="GreaterThanThreshold",
            condition=live,
        ),
        "ServiceUnhealthyHostsAlarm": _alarm(
            "Service tasks failing the load balancer's /healthz check in 2 five-minute periods",
            "AWS/ApplicationELB",
            "UnHealthyHostCount",
            {
                "TargetGroup": {"Fn::GetAtt": ["ServiceTargetGroup", "TargetGroupFullName"]},
                "LoadBalancer": load_balancer,
            },
            1,
            statistic="Maximum",
            periods=2,
            datapoints=2,
            condition=live,
        ),
        "ServiceCpuAlarm": _alarm(
            "Service average CPU above ServiceCpuPercent in 2 of 3 five-minute periods",
            "AWS/ECS",
            "CPUUtilization",
            {
                "ClusterName": _ref("ServiceCluster"),
                "ServiceName": {"Fn::GetAtt": ["Service", "Name"]},
            },
            _ref("ServiceCpuPercent"),
            statistic="Average",
            comparison="GreaterThanThreshold",
            periods=3,
            datapoints=2,
            condition=live,
        ),
    }


def _policies() -> dict[str, Any]:
    descriptions = {
        "DataAccess": "NeonPanda API: the table, its indexes and the bucket's prefixes, only "
        "the actions the code calls",
        "TableAccess": "NeonPanda indexer: the table and its indexes only, the actions the "
        "code calls",
        "StreamRead": "NeonPanda: read the table's stream (live updates, the indexer)",
        "Operations": "NeonPanda operations (migrate, sweep-orphans): scans and UpdateTable",
        "CursorSecretRead": "NeonPanda API: read the cursor secret once at start",
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
                "Description": "Signs pagination cursors (NEONPANDA_CURSOR_SECRET_ARN names it)",
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
        # A batch that still fails after its retries (bisected down to the failing
        # record) is skipped so the shard moves on; its description (shard, sequence
        # numbers, not the records) lands here, and `server.py migrate` re-indexes the
        # whole table (docs/operations.md, "When the indexer skips a batch").
        "IndexerFailedBatches": {
            "Type": "AWS::SQS::Queue",
            "Condition": "StreamIndexer",
            "Properties": {
                "MessageRetentionPeriod": FAILED_BATCH_RETENTION_SECONDS,
                "SqsManagedSseEnabled": True,
            },
        },
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
                "DestinationConfig": {
                    "OnFailure": {"Destination": {"Fn::GetAtt": ["IndexerFailedBatches", "Arn"]}}
                },
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
        "IndexerFailedBatchesAlarm": _alarm(
            "Stream indexer batches skipped after their retries (described in the "
            "IndexerFailedBatches queue): run `server.py migrate` to re-index",
            "AWS/SQS",
            "ApproximateNumberOfMessagesVisible",
            {"QueueName": {"Fn::GetAtt": ["IndexerFailedBatches", "QueueName"]}},
            1,
            statistic="Maximum",
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
    # The indexer's poller also lists the stream and reports skipped batches (the code
    # does neither).
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
                    },
                    {
                        # The poller describes a skipped batch to the on-failure queue.
                        "Sid": "PollerReportsFailedBatches",
                        "Effect": "Allow",
                        "Action": list(permissions.EVENT_SOURCE_FAILURE_ACTIONS),
                        "Resource": {"Fn::GetAtt": ["IndexerFailedBatches", "Arn"]},
                    },
                ],
            },
        },
    ]
    out["ApiFunctionRole"]["Properties"]["Policies"] = [_log_writer("ApiLogGroup")]
    out.update(service_resources())
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
        # The service's addresses: point the certificate's domain at the load balancer
        # (an alias record: the DNS name and zone below) and use that domain.
        "ServiceGraphQLUrl": {
            "Condition": "LiveUpdates",
            "Value": {"Fn::Sub": "https://${LoadBalancer.DNSName}/graphql"},
        },
        "ServiceWebSocketUrl": {
            "Condition": "LiveUpdates",
            "Value": {"Fn::Sub": "wss://${LoadBalancer.DNSName}/graphql"},
        },
        "ServiceLoadBalancerDnsName": {
            "Condition": "LiveUpdates",
            "Value": {"Fn::GetAtt": ["LoadBalancer", "DNSName"]},
        },
        "ServiceLoadBalancerZoneId": {
            "Condition": "LiveUpdates",
            "Value": {"Fn::GetAtt": ["LoadBalancer", "CanonicalHostedZoneID"]},
        },
    }


def add_service(template: dict[str, Any]) -> None:
    """Add the service to a template holding the table and the bucket."""
    template["Parameters"].update(parameters())
    template["Conditions"] = conditions()
    template["Rules"] = rules()
    template["Resources"].update(resources())
    template["Outputs"].update(outputs())
