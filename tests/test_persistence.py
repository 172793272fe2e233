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


async def test_a_seeding_cut_short_is_done_again_at_the_next_start(tmp_path: Path) -> None:
    """The demo athletes are seeded between a marker's creation and its removal: a start
    that finds the marker (the last one was killed mid-seeding) deletes the partial
    athletes and seeds them again, whole; one that finds none and the athletes seeds
    nothing."""
    from datasources.stores.workout import WorkoutQuery
    from devserver.embedded import SEEDING_MARKER

    settings = make_settings(tmp_path, seed_demo_data=True)
    async with served(create_app(settings)) as (_, runtime):
        whole = await runtime.stores.workouts.count_for_user("demo", WorkoutQuery())
        assert whole > 10
        # A cut seeding: some workouts never written, and the marker left behind.
        for n in range(1, 6):
            await runtime.stores.table.delete("user#demo", f"workout#demo_workout_{n:03d}")
        assert await runtime.stores.workouts.count_for_user("demo", WorkoutQuery()) == whole - 5
    assert not (settings.data_dir / SEEDING_MARKER).exists()
    (settings.data_dir / SEEDING_MARKER).write_text("cut\n")

    async with served(create_app(settings)) as (http, runtime):
        assert await runtime.stores.workouts.count_for_user("demo", WorkoutQuery()) == whole
        assert await _viewer_email(http, "demo") == {"email": "demo@neonpanda.local"}
        assert await _viewer_email(http, "demo2") == {"email": "demo2@neonpanda.local"}
    assert not (settings.data_dir / SEEDING_MARKER).exists()
