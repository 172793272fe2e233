"""Query limits checked before execution: depth, aliases, directives, and a cost that
accounts for list sizes (`first`/`last` times nesting). Token count is capped at parse
time (MaxTokensLimiter). Exceeding any limit is QUERY_TOO_COMPLEX, naming the limit.

The cost is also what the per-user rate limiter charges (see resolvers/ratelimit.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
)
from strawberry.extensions import SchemaExtension

from resolvers.errors import ApiError, Code
from resolvers.pagination import DEFAULT_PAGE

# Arguments that say how many items a list field returns.
_COUNT_ARGUMENTS = ("first", "last")
_LIST_ARGUMENTS = ("ids",)
# List fields whose size is bounded without arguments (a workout's coaches, PRs, ...)
# count as this many items.
DEFAULT_SMALL_LIST = 1


@dataclass
class Limits:
    max_depth: int = 10
    max_aliases: int = 30
    max_directives: int = 10
    max_cost: int = 10_000


@dataclass
class Analysis:
    depth: int = 0
    aliases: int = 0
    directives: int = 0
    cost: int = 0


def _value(node: Any, variables: dict[str, Any]) -> Any:
    if isinstance(node, VariableNode):
        return variables.get(node.name.value)
    if isinstance(node, IntValueNode):
        return int(node.value)
    if isinstance(node, ListValueNode):
        return [_value(v, variables) for v in node.values]
    return None


def _multiplier(field: FieldNode, variables: dict[str, Any]) -> int:
    args = {a.name.value: a.value for a in field.arguments or ()}
    for name in _COUNT_ARGUMENTS:
        if name in args:
            value = _value(args[name], variables)
            return max(1, value) if isinstance(value, int) else DEFAULT_PAGE
    for name in _LIST_ARGUMENTS:
        if name in args:
            value = _value(args[name], variables)
            return max(1, len(value)) if isinstance(value, list) else 1
    if field.name.value in {"edges", "nodes"}:
        return 1  # sized by the connection above
    return DEFAULT_SMALL_LIST


class _Walker:
    def __init__(self, fragments: dict[str, FragmentDefinitionNode], variables: dict[str, Any]):
        self.fragments = fragments
        self.variables = variables
        self.result = Analysis()

    def fields(
        self, selection_set: SelectionSetNode | None, seen: frozenset[str]
    ) -> Iterator[FieldNode]:
        for selection in selection_set.selections if selection_set else ():
            self.result.directives += len(selection.directives or ())
            if isinstance(selection, FieldNode):
                yield selection
            elif isinstance(selection, InlineFragmentNode):
                yield from self.fields(selection.selection_set, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is not None and name not in seen:
                    yield from self.fields(fragment.selection_set, seen | {name})

    def walk(
        self,
        selection_set: SelectionSetNode | None,
        depth: int,
        count: int,
        seen: frozenset[str] = frozenset(),
    ) -> int:
        cost = 0
        for field in self.fields(selection_set, seen):
            if field.name.value.startswith("__"):
                continue  # introspection: its own switch, not these limits
            if field.alias is not None:
                self.result.aliases += 1
            self.result.depth = max(self.result.depth, depth)
            if field.selection_set is None:
                cost += count
                continue
            inner = count * _multiplier(field, self.variables)
            cost += count + self.walk(field.selection_set, depth + 1, inner, seen)
        return cost


def analyze(
    document: DocumentNode, operation_name: str | None, variables: dict[str, Any] | None
) -> Analysis:
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = [
        o
        for o in operations
        if operation_name is None or (o.name is not None and o.name.value == operation_name)
    ][:1]
    walker = _Walker(fragments, variables or {})
    for operation in chosen:
        walker.result.directives += len(operation.directives or ())
        walker.result.cost = walker.walk(operation.selection_set, 1, 1)
    return walker.result


def too_complex(limit: str, value: int, maximum: int) -> ApiError:
    return ApiError(
        Code.QUERY_TOO_COMPLEX,
        f"Query {limit} is {value}, over the limit of {maximum}",
        limit=limit,
        value=value,
        maximum=maximum,
    )


class QueryLimits(SchemaExtension):
    """Runs after validation, before execution; stores the cost on the context."""

    def __init__(self, limits: Limits) -> None:
        super().__init__()
        self.limits = limits

    def on_execute(self) -> Iterator[None]:
        ctx = self.execution_context
        if ctx.graphql_document is not None:
            found = analyze(ctx.graphql_document, ctx.operation_name, ctx.variables)
            for name, value, maximum in (
                ("depth", found.depth, self.limits.max_depth),
                ("aliases", found.aliases, self.limits.max_aliases),
                ("directives", found.directives, self.limits.max_directives),
                ("cost", found.cost, self.limits.max_cost),
            ):
                if value > maximum:
                    raise too_complex(name, value, maximum)
            ctx.context.query_cost = found.cost
        yield
