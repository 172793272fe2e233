"""Query limits, checked after parsing and BEFORE validation: depth, aliases, directives,
fragments, and a cost that accounts for list sizes (`first`/`last` times nesting).

The walk is linear in the document: every fragment is summarised once (its cost per unit
of multiplicity, its depth, its aliases) and each spread reuses that summary, so a
document that spreads fragments into each other (`...F1` ten times in F0, ten times F2 in
F1, ...) costs one visit per AST node however large its expansion is. The walk stops as
soon as any limit is exceeded. Only then does graphql-core's validation run, with its
error count bounded too. Exceeding any limit is QUERY_TOO_COMPLEX, naming the limit.

The cost is also what the per-user rate limiter charges (see resolvers/ratelimit.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    validate,
)
from strawberry.extensions import SchemaExtension
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from resolvers.errors import ApiError, Code
from resolvers.pagination import DEFAULT_PAGE

# Arguments that say how many items a list field returns.
_COUNT_ARGUMENTS = ("first", "last")
_LIST_ARGUMENTS = ("ids",)
# List fields whose size is bounded without arguments (a workout's coaches, PRs, ...)
# count as this many items.
DEFAULT_SMALL_LIST = 1
# Introspection's own entry points: governed by the introspection switch, not these limits.
_INTROSPECTION = frozenset({"__schema", "__type"})


@dataclass
class Limits:
    max_depth: int = 10
    max_aliases: int = 30
    max_directives: int = 10
    max_cost: int = 10_000
    max_fragments: int = 100
    max_operations: int = 10
    max_validation_errors: int = 10


@dataclass
class Analysis:
    depth: int = 0
    aliases: int = 0
    directives: int = 0
    cost: int = 0
    fragments: int = 0
    visited: int = 0  # AST selections looked at: linear in the document, by construction


@dataclass(frozen=True)
class _Summary:
    """A selection set seen once: its cost at multiplicity 1 (cost is linear in it)."""

    cost: int = 0
    depth: int = 0
    aliases: int = 0
    directives: int = 0


_EMPTY = _Summary()


class Exceeded(Exception):
    def __init__(self, limit: str, value: int, maximum: int) -> None:
        super().__init__(limit)
        self.limit, self.value, self.maximum = limit, value, maximum


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
    def __init__(
        self,
        fragments: dict[str, FragmentDefinitionNode],
        variables: dict[str, Any],
        limits: Limits,
    ) -> None:
        self.fragments = fragments
        self.variables = variables
        self.limits = limits
        self.visited = 0
        self._memo: dict[str, _Summary] = {}
        self._open: set[str] = set()

    def _check(self, s: _Summary, depth_offset: int = 0) -> _Summary:
        lim = self.limits
        for name, value, maximum in (
            ("depth", s.depth + depth_offset, lim.max_depth),
            ("aliases", s.aliases, lim.max_aliases),
            ("directives", s.directives, lim.max_directives),
            ("cost", s.cost, lim.max_cost),
        ):
            if value > maximum:
                raise Exceeded(name, value, maximum)
        return s

    def fragment(self, name: str) -> _Summary:
        if name in self._memo:
            return self._memo[name]
        definition = self.fragments.get(name)
        if definition is None or name in self._open:
            return _EMPTY  # unknown or cyclic: validation reports it
        self._open.add(name)
        try:
            summary = self.selection_set(definition.selection_set)
        finally:
            self._open.discard(name)
        self._memo[name] = summary
        return summary

    def selection_set(self, selection_set: SelectionSetNode | None) -> _Summary:
        cost = depth = aliases = directives = 0
        for selection in selection_set.selections if selection_set else ():
            self.visited += 1
            directives += len(selection.directives or ())
            if isinstance(selection, FieldNode):
                name = selection.name.value
                if name in _INTROSPECTION:
                    continue
                if selection.alias is not None:
                    aliases += 1
                if selection.selection_set is None:
                    cost += 1
                    # `__typename` costs and counts as an alias like any field, but adds
                    # no depth: clients such as Apollo add it to every selection set.
                    depth = depth if name == "__typename" else max(depth, 1)
                    continue
                inner = self.selection_set(selection.selection_set)
                cost += 1 + _multiplier(selection, self.variables) * inner.cost
                depth = max(depth, 1 + inner.depth)
                aliases += inner.aliases
                directives += inner.directives
            else:
                inner = (
                    self.selection_set(selection.selection_set)
                    if isinstance(selection, InlineFragmentNode)
                    else self.fragment(selection.name.value)
                    if isinstance(selection, FragmentSpreadNode)
                    else _EMPTY
                )
                cost += inner.cost
                depth = max(depth, inner.depth)
                aliases += inner.aliases
                directives += inner.directives
            # Stop at the first limit passed: nothing below can bring a value back down.
            self._check(_Summary(cost, depth, aliases, directives))
        return _Summary(cost, depth, aliases, directives)


def analyze(
    document: DocumentNode,
    operation_name: str | None,
    variables: dict[str, Any] | None,
    limits: Limits | None = None,
) -> Analysis:
    """The document's figures; raises Exceeded at the first limit passed."""
    limits = limits or Limits()
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    if len(fragments) > limits.max_fragments:
        raise Exceeded("fragments", len(fragments), limits.max_fragments)
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) > limits.max_operations:
        # Validation checks every operation of a document, not just the one that runs.
        raise Exceeded("operations", len(operations), limits.max_operations)
    chosen = [
        o
        for o in operations
        if operation_name is None or (o.name is not None and o.name.value == operation_name)
    ][:1]
    walker = _Walker(fragments, variables or {}, limits)
    result = Analysis(fragments=len(fragments))
    for operation in chosen:
        summary = walker.selection_set(operation.selection_set)
        summary = _Summary(
            summary.cost,
            summary.depth,
            summary.aliases,
            summary.directives + len(operation.directives or ()),
        )
        walker._check(summary)
        result.depth, result.aliases = summary.depth, summary.aliases
        result.directives, result.cost = summary.directives, summary.cost
    result.visited = walker.visited
    return result


def too_complex(limit: str, value: int, maximum: int) -> ApiError:
    return ApiError(
        Code.QUERY_TOO_COMPLEX,
        f"Query {limit} is {value}, over the limit of {maximum}",
        limit=limit,
        value=value,
        maximum=maximum,
    )


_RULES_ADDED_BY_STRAWBERRY = (MaybeNullValidationRule, OneOfInputValidationRule)


@lru_cache(maxsize=256)
def _validate(
    schema: GraphQLSchema, document: DocumentNode, rules: tuple[Any, ...], max_errors: int
) -> list[GraphQLError]:
    """graphql-core validation with a bounded error count, cached per parsed document
    (the parser cache hands back the same DocumentNode for the same text)."""
    return validate(schema, document, (*rules, *_RULES_ADDED_BY_STRAWBERRY), max_errors=max_errors)


class QueryLimits(SchemaExtension):
    """Limits, then validation (replaces strawberry's own validation step and its cache).

    A document over a limit is refused before graphql-core validates it, so neither the
    walk nor validation can be made to run long. The cost is kept on the context for the
    rate limiter, which runs at execution.
    """

    def __init__(self, limits: Limits) -> None:
        super().__init__()
        self.limits = limits

    def on_validate(self) -> Iterator[None]:
        ctx = self.execution_context
        document = ctx.graphql_document
        if document is not None and ctx.pre_execution_errors is None:
            try:
                found = analyze(document, ctx.operation_name, ctx.variables, self.limits)
            except Exceeded as over:
                ctx.pre_execution_errors = [too_complex(over.limit, over.value, over.maximum)]
            else:
                ctx.context.query_cost = found.cost
                ctx.pre_execution_errors = _validate(
                    ctx.schema._schema,
                    document,
                    tuple(ctx.validation_rules),
                    self.limits.max_validation_errors,
                )
        yield
