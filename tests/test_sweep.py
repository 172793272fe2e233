"""The orphan sweep removes objects no pointer names, and nothing else."""

from __future__ import annotations

from datetime import timedelta

from datasources.stores import Stores
from datasources.sweep import sweep_orphans
from tests.conftest import Api


async def test_sweep_removes_only_unreferenced_objects(demo_api: Api) -> None:
    stores: Stores = demo_api.runtime.stores
    before = set(await stores.content.list_keys("athletes/"))
    orphan = await stores.content.put_json("athletes/demo/workouts/2026-01-01/ghost.json", {"x": 1})
    export = await stores.content.put_json("athletes/demo/exports/2026-01-01_full_history.json", {})

    # Within the grace period nothing is touched (a write may be between its two steps).
    assert await sweep_orphans(stores) == []
    assert await sweep_orphans(stores, grace=timedelta(0), dry_run=True) == [orphan.key]
    assert await sweep_orphans(stores, grace=timedelta(0)) == [orphan.key]

    after = set(await stores.content.list_keys("athletes/"))
    assert after == before | {export.key}
