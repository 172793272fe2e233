"""Embedded mode keeps its data across a clean restart (journal and a final snapshot on
shutdown; snapshot plus journal replay at start). Crashes: tests/test_durability.py."""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx

from app import create_app
from auth import mint_dev_token
from devserver.asgi import served
from tests.conftest import DEV_SECRET, make_settings


async def _viewer_email(http: httpx.AsyncClient, user: str) -> object:
    response = await http.post(
        "/graphql",
        json={"query": "{ viewer { email } }"},
        headers={"Authorization": f"Bearer {mint_dev_token(DEV_SECRET, user)}"},
    )
    return response.json()["data"]["viewer"]


async def test_data_survives_a_restart(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, seed_demo_data=True)

    first = create_app(settings)  # starts its own engine, seeds, journals every write
    async with served(first) as (http, _):
        assert await _viewer_email(http, "demo") == {"email": "demo@neonpanda.local"}
        assert any((settings.data_dir / "engine").glob("journal.*"))
    # A clean stop leaves a final snapshot and an empty journal: nothing to replay next time.
    engine_dir = settings.data_dir / "engine"
    assert (engine_dir / "snapshot.pkl").exists()
    assert all(path.stat().st_size == 0 for path in engine_dir.glob("journal.*"))

    restarted = create_app(make_settings(tmp_path, seed_demo_data=False))
    async with served(restarted) as (http, runtime):
        assert await _viewer_email(http, "demo") == {"email": "demo@neonpanda.local"}
        stores = runtime.stores
        workout = await stores.workouts.get("demo", "demo_workout_001")
        assert workout is not None and workout.attributes.detailed_log is not None
        pointer = workout.attributes.detailed_log
        log = await stores.content.get_json(pointer["s3Key"], pointer["sha256"])
        assert log["workoutData"]["workout_name"] == "Fran"


async def test_data_of_the_snapshot_era_is_imported_once(
    tmp_path: Path, demo_snapshot: Path
) -> None:
    """Versions before the journal kept `<data dir>/snapshot/`: its data comes across."""
    settings = make_settings(tmp_path, seed_demo_data=False)
    shutil.copytree(demo_snapshot, settings.data_dir / "snapshot")
    async with served(create_app(settings)) as (http, _):
        assert await _viewer_email(http, "demo") == {"email": "demo@neonpanda.local"}
    assert not (settings.data_dir / "snapshot").exists()
    assert (settings.data_dir / "snapshot.imported" / "table.json").exists()
    # The next start has it from the engine's own files.
    async with served(create_app(settings)) as (http, _):
        assert await _viewer_email(http, "demo") == {"email": "demo@neonpanda.local"}
