"""Embedded mode keeps its data across a clean restart (snapshot on shutdown, restore at start)."""

from __future__ import annotations

from pathlib import Path

import httpx

from auth import mint_dev_token
from server import create_app
from tests.conftest import DEV_SECRET, make_settings


async def _viewer_email(app: object, user: str) -> object:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        response = await http.post(
            "/graphql",
            json={"query": "{ viewer { email } }"},
            headers={"Authorization": f"Bearer {mint_dev_token(DEV_SECRET, user)}"},
        )
    return response.json()["data"]["viewer"]


async def test_data_survives_a_restart(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, seed_demo_data=True)

    first = create_app(settings)  # starts its own engine, seeds, snapshots on shutdown
    async with first.router.lifespan_context(first):
        assert await _viewer_email(first, "demo") == {"email": "demo@neonpanda.local"}
    snapshot = settings.data_dir / "snapshot"
    assert (snapshot / "table.json").exists()
    assert any((snapshot / "objects").iterdir())

    restarted = create_app(make_settings(tmp_path, seed_demo_data=False))
    async with restarted.router.lifespan_context(restarted):
        assert await _viewer_email(restarted, "demo") == {"email": "demo@neonpanda.local"}
        stores = restarted.state.runtime.stores
        workout = await stores.workouts.get("demo", "demo_workout_001")
        assert workout is not None and workout.attributes.detailed_log is not None
        pointer = workout.attributes.detailed_log
        log = await stores.content.get_json(pointer["s3Key"], pointer["sha256"])
        assert log["workoutData"]["workout_name"] == "Fran"
