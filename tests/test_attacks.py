"""Attacks tried from outside, each sent over HTTP with its outcome asserted."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from graphql import parse

from schema.limits import Exceeded, Limits, analyze
from tests.conftest import Api, cost


def fan_out(levels: int, width: int = 10, leaf: str = "__typename") -> str:
    """`query{...F0}`, each fragment spreading the next `width` times, ending in `leaf`."""
    parts = ["query{...F0}"]
    for i in range(levels):
        parts.append(f"fragment F{i} on Query{{" + " ".join([f"...F{i + 1}"] * width) + "}")
    parts.append(f"fragment F{levels} on Query{{{leaf}}}")
    return "\n".join(parts)


def _document_selections(text: str) -> int:
    """Selections written in the document (what a linear walk may visit, at most)."""
    return text.count("...") + text.count("__typename") + text.count("userId")


@pytest.mark.parametrize("levels", [2, 3, 8, 12, 20])
def test_fragment_walk_is_linear_and_stops_at_the_limit(levels: int) -> None:
    text = fan_out(levels)
    document = parse(text)
    limits = Limits()
    try:
        found = analyze(document, None, {}, limits)
    except Exceeded as over:
        assert levels > 3
        assert over.limit == "cost"
        assert over.value > limits.max_cost
    else:
        assert levels <= 3
        assert found.cost == 10**levels  # every expanded __typename is counted
        assert found.visited <= _document_selections(text)


def test_fragment_walk_visits_each_selection_once() -> None:
    # Under the limits (cost 10^3), spread from many places: still one visit per selection.
    text = fan_out(3)
    found = analyze(parse(text), None, {})
    assert found.visited == _document_selections(text)


def test_typename_aliases_count() -> None:
    text = "{ " + " ".join(f"a{i}: __typename" for i in range(31)) + " }"
    with pytest.raises(Exceeded) as over:
        analyze(parse(text), None, {})
    assert over.value.limit == "aliases"


async def test_fragment_fan_out_is_refused_before_validation(demo_api: Api) -> None:
    body = await demo_api.gql(fan_out(8), user=None)
    assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert body["errors"][0]["extensions"]["limit"] == "cost"
    assert cost(body)["dynamodb"]["calls"] == 0


async def test_other_clients_are_answered_during_fragment_attacks(demo_api: Api) -> None:
    attack = fan_out(12)

    async def attacker() -> str:
        body = await demo_api.gql(attack, user=None)
        code: str = body["errors"][0]["extensions"]["code"]
        return code

    async def athlete() -> Any:
        body = await demo_api.gql("{ viewer { userId } }")
        return body["data"]["viewer"]["userId"]

    results = await asyncio.gather(
        *[attacker() for _ in range(20)], *[athlete() for _ in range(20)]
    )
    assert results[:20] == ["QUERY_TOO_COMPLEX"] * 20
    assert results[20:] == ["demo"] * 20


async def test_many_unknown_directives_get_a_bounded_answer(demo_api: Api) -> None:
    query = "{ viewer { userId " + " ".join(f"@d{i}" for i in range(1400)) + " } }"
    body = await demo_api.gql(query)
    assert [e["extensions"]["code"] for e in body["errors"]] == ["QUERY_TOO_COMPLEX"]
    assert body["errors"][0]["extensions"]["limit"] == "directives"


async def test_validation_errors_are_bounded(demo_api: Api) -> None:
    query = "{ viewer { " + " ".join(f"nope{i}" for i in range(200)) + " } }"
    body = await demo_api.gql(query)
    assert 1 <= len(body["errors"]) <= Limits().max_validation_errors + 1
    assert {e["extensions"]["code"] for e in body["errors"]} == {"BAD_USER_INPUT"}
