"""The cursor secret named by NEONPANDA_CURSOR_SECRET_ARN (what the template sets): read
once at start from Secrets Manager, the same cursors as a process given the value."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from datasources import aws_calls
from datasources.aws import AwsClients
from devserver.engine import EmbeddedEngine
from runtime import open_runtime
from tests.conftest import production_settings, put_secret


async def test_a_secret_named_by_arn_signs_the_same_cursors_as_its_value(
    engine: EmbeddedEngine, aws: AwsClients, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    value = "cursor-secret-" + uuid.uuid4().hex
    arn = await put_secret(engine, f"neonpanda-cursor-{uuid.uuid4().hex[:8]}", value)
    by_arn = production_settings(tmp_path / "a", monkeypatch, engine, cursor_secret_arn=arn)
    by_value = production_settings(tmp_path / "b", monkeypatch, engine, cursor_secret=value)
    assert not any("CURSOR_SECRET" in found for found in by_arn.development_conveniences())
    with aws_calls.capture() as calls:
        async with open_runtime(by_arn, seed=False, migrate=False) as reader:
            cursor = reader.cursors.encode("demo:workouts", {"sk": "workout#w1"})
    async with open_runtime(by_value, seed=False, migrate=False) as given:
        assert given.cursors.decode("demo:workouts", cursor) == {"sk": "workout#w1"}
    secret_reads = [c for c in calls if c.service == "secrets-manager"]
    assert [(c.origin, c.operation) for c in secret_reads] == [("service", "GetSecretValue")]


async def test_a_missing_secret_stops_the_start(
    engine: EmbeddedEngine, aws: AwsClients, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = "arn:aws:secretsmanager:us-east-1:123456789012:secret:neonpanda-nope-AbCdEf"
    settings = production_settings(tmp_path, monkeypatch, engine, cursor_secret_arn=missing)
    with pytest.raises(Exception, match="ResourceNotFoundException"):
        async with open_runtime(settings, seed=False, migrate=False):
            pass


async def test_the_operators_commands_never_read_it(
    engine: EmbeddedEngine, aws: AwsClients, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`migrate` and the others sign no cursor (the operations role may not read the
    secret): run with the service's settings, an unreadable secret does not stop them."""
    import server

    missing = "arn:aws:secretsmanager:us-east-1:123456789012:secret:neonpanda-nope-AbCdEf"
    settings = production_settings(tmp_path, monkeypatch, engine, cursor_secret_arn=missing)
    with aws_calls.capture() as calls:
        assert await server.migrate(settings, dry_run=True) == 0
        assert await server.repair_counts(settings, ["nobody"]) == 0
    assert calls and not [c for c in calls if c.service == "secrets-manager"]
