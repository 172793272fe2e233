"""Embedded mode keeps its data across a clean restart (snapshot on shutdown, restore at start)."""

from __future__ import annotations

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

    first = create_app(settings)  # starts its own engine, seeds, snapshots on shutdown
    async with served(first) as (http, _):
        assert await _viewer_email(http, "demo") == {"email": "demo@neonpanda.local"}
    snapshot = settings.data_dir / "snapshot"
    assert (snapshot / "table.json").exists()
    assert any((snapshot / "objects").iterdir())

    restarted = create_app(make_settings(tmp_path, seed_demo_data=False))
    async with served(restarted) as (http, runtime):
        assert await _viewer_email(http, "demo") == {"email": "demo@neonpanda.local"}
        stores = runtime.stores
        workout = await stores.workouts.get("demo", "demo_workout_001")
        assert workout is not None and workout.attributes.detailed_log is not None
        pointer = workout.attributes.detailed_log
        log = await stores.content.get_json(pointer["s3Key"], pointer["sha256"])
        assert log["workoutData"]["workout_name"] == "Fran"
