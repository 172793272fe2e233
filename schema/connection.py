"""Relay connections: `edges { cursor node }`, `pageInfo`, `totalCount`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import strawberry

if TYPE_CHECKING:
    from resolvers.lists import RecordList

T = TypeVar("T")


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    _count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="Matches of this list and filter (a count query; exact).")
    async def total_count(self) -> int:
        return await self._count()

    @staticmethod
    def build(
        nodes: list[T],
        cursors: list[str],
        *,
        has_next: bool,
        has_previous: bool,
        count: Callable[[], Awaitable[int]],
    ) -> Connection[T]:
        edges = [Edge(cursor=c, node=n) for c, n in zip(cursors, nodes, strict=True)]
        return Connection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=has_next,
                has_previous_page=has_previous,
                start_cursor=cursors[0] if cursors else None,
                end_cursor=cursors[-1] if cursors else None,
            ),
            _count=count,
        )

    @staticmethod
    def of_records(page: RecordList[Any], convert: Callable[[Any], T]) -> Connection[T]:
        """A page of records as a connection of their GraphQL type (`Workout.from_record`)."""
        return Connection.build(
            [convert(r) for r in page.records],
            page.cursors,
            has_next=page.has_next,
            has_previous=page.has_previous,
            count=page.count,
        )
