"""Property-based isolation: generated queries and mutations, sent as one athlete, never
return or change another athlete's data (hypothesis-graphql over the real schema).

demo's identifiers all start with `demo_` and its profile says "Dana Demo"; the queries
run as demo2, whose identifiers start with `demo2_`. After the mutations, demo's whole
partition and S3 prefix must be byte-for-byte what they were.

Examples per run: NEONPANDA_ISOLATION_EXAMPLES (default 600 queries and 600 mutations,
about a minute and a half here; derandomized, so every run sends the same documents).
Every response must also be free of INTERNAL_SERVER_ERROR.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import graphql
import hypothesis_graphql as hg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import nodes

from schema.build import SDL_PATH
from tests.conftest import Api

EXAMPLES = int(os.environ.get("NEONPANDA_ISOLATION_EXAMPLES", "600"))
SDL = graphql.build_schema(SDL_PATH.read_text())
LEAKS = ("demo_", "Dana Demo", "demo@neonpanda.local", 'user#demo"')

_json_leaf = st.one_of(st.integers(-5, 5), st.text("abc", max_size=3), st.booleans())
CUSTOM = {
    "DateTime": st.datetimes(
        min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)
    ).map(lambda d: nodes.String(d.isoformat())),
    "JSON": st.dictionaries(st.sampled_from(["a", "b", "units"]), _json_leaf, max_size=2).map(
        lambda d: nodes.Object(
            [
                graphql.ObjectFieldNode(
                    name=graphql.NameNode(value=k),
                    value=nodes.String(v)
                    if isinstance(v, str)
                    else nodes.Boolean(v)
                    if isinstance(v, bool)
                    else nodes.Int(v),
                )
                for k, v in d.items()
            ]
        )
    ),
}
RUN = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def _leaked(body: dict[str, Any]) -> list[str]:
    text = json.dumps(body.get("data"))
    return [marker for marker in LEAKS if marker in text]


async def _partition(api: Api, user: str) -> tuple[list[dict[str, Any]], list[str]]:
    runtime = api.runtime
    from boto3.dynamodb.conditions import Key

    page = await runtime.stores.table.query(Key("pk").eq(f"user#{user}"), consistent=True)
    objects = await runtime.stores.content.list_objects(f"athletes/{user}/")
    return page.items, sorted(f"{o['Key']}:{o['ETag']}" for o in objects)


def _documents(strategy: st.SearchStrategy[str]) -> list[str]:
    """Documents drawn by hypothesis (derandomized: the same ones every run). They are
    collected first and sent after, since hypothesis does not drive coroutines itself."""
    drawn: list[str] = []

    @RUN
    @given(document=strategy)
    def collect(document: str) -> None:
        drawn.append(document)

    collect()
    return drawn


@pytest.mark.slow(seconds=100)
async def test_generated_queries_never_show_another_athletes_data(demo_api: Api) -> None:
    documents = _documents(hg.queries(SDL, custom_scalars=CUSTOM, allow_x00=False))
    assert len(documents) >= EXAMPLES * 0.9
    codes: Counter[str] = Counter()
    for query in documents:
        body = await demo_api.gql(query, user="demo2")
        assert not _leaked(body), (query, _leaked(body))
        codes.update(e["extensions"]["code"] for e in body.get("errors", []))
        codes["answered"] += body.get("data") is not None
    assert codes["INTERNAL_SERVER_ERROR"] == 0, codes
    assert codes["answered"] > len(documents) / 5, codes  # many documents really ran


@pytest.mark.slow(seconds=90)
async def test_generated_mutations_never_change_another_athletes_data(demo_api: Api) -> None:
    before = await _partition(demo_api, "demo")
    documents = _documents(hg.mutations(SDL, custom_scalars=CUSTOM, allow_x00=False))
    assert len(documents) >= EXAMPLES * 0.9
    codes: Counter[str] = Counter()
    for mutation in documents:
        body = await demo_api.gql(mutation, user="demo2")
        assert not _leaked(body), (mutation, _leaked(body))
        codes.update(e["extensions"]["code"] for e in body.get("errors", []))
    assert codes["INTERNAL_SERVER_ERROR"] == 0, codes
    assert await _partition(demo_api, "demo") == before
