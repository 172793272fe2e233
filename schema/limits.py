"""Query limits, checked after parsing and BEFORE validation: depth, aliases, directives,
fragments, introspection entries, a cost that accounts for list sizes (`first`/`last`
times nesting, a variable's default when it is not sent), and a bound on the field
comparisons validation will make.

Every step here is bounded before it runs, and each reports a deterministic work counter
(tests/test_attacks.py holds them linear in the input):

- **The cost walk** is linear in the document: every fragment is summarised once (its cost
  per unit of multiplicity, its depth, its aliases) and each spread reuses that summary,
  so a document that spreads fragments into each other costs one visit per AST node
  however large its expansion is (`Analysis.visited`).
- **Field comparisons.** graphql-core's OverlappingFieldsCanBeMerged compares every pair
  of fields that share a response name at the same place of the merged selection
  (`{ node(id: "x") { id } ... }` x332 held the loop for seconds). Before it runs, the
  merged selection is counted once per response path (fragments expanded, each fragment
  at most once per selection, as graphql-core does) and the pairs it could compare are
  summed (`Analysis.comparisons`); past `max_field_comparisons` the document is refused.
  The count stops early, so its visits never pass the cost limit (`merge_visits`).
- **Variables** are walked once as they arrive, before anything else reads them
  (`bounded_variables`): element count and depth, stopping at the first element over.
- **Sign-in first**: an anonymous caller's operation may select only the public root
  fields (`PUBLIC_ROOT_FIELDS`); anything else is UNAUTHENTICATED before validation and
  before a single variable is coerced.

Only then does graphql-core's validation run, with its error count bounded too. Exceeding
any limit is QUERY_TOO_COMPLEX naming the limit (variables: BAD_USER_INPUT). The cost is
also what the per-user rate limiter charges (see resolvers/ratelimit.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_nullable_type,
    type_from_ast,
    validate,
    value_from_ast_untyped,
)
from strawberry.extensions import SchemaExtension
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from resolvers.errors import ApiError, Code, unauthenticated
from resolvers.pagination import DEFAULT_PAGE

# Arguments that say how many items a list field returns.
_COUNT_ARGUMENTS = ("first", "last")
_LIST_ARGUMENTS = ("ids",)
# List fields whose size is bounded without arguments (a workout's coaches, PRs, ...)
# count as this many items.
DEFAULT_SMALL_LIST = 1
# Introspection's own entry points: exempt from depth and cost (the standard introspection
# query nests deeper than any data query), counted by their own limit.
_INTROSPECTION = frozenset({"__schema", "__type"})
# Root fields an anonymous caller may select; anything else needs a token, checked before
# validation and before any variable is coerced.
PUBLIC_ROOT_FIELDS = frozenset(
    {"submitContactForm", "sharedProgram", "__typename", *_INTROSPECTION}
)


@dataclass
class Limits:
    max_depth: int = 10
    max_aliases: int = 30
    max_directives: int = 10
    max_cost: int = 10_000
    max_fragments: int = 100
    max_operations: int = 10
    max_validation_errors: int = 10
    # Pairs of same-named fields validation may compare (OverlappingFieldsCanBeMerged):
    # 40 copies of one field in one place is 780; a real query has a few dozen.
    max_field_comparisons: int = 2_000
    # `__schema` / `__type` entries per operation (a full introspection answer is ~60 KB).
    max_introspection: int = 2
    # Every JSON value in `variables` (objects, arrays and scalars), and their nesting.
    max_variable_elements: int = 10_000
    max_variable_depth: int = 48
    # Items in one list of a typed input (the write inputs allow at most 50; `nodes` 100),
    # checked before graphql-core coerces them one by one.
    max_input_list: int = 100


@dataclass
class Analysis:
    depth: int = 0
    aliases: int = 0
    directives: int = 0
    cost: int = 0
    fragments: int = 0
    introspection: int = 0
    visited: int = 0  # AST selections looked at: linear in the document, by construction
    comparisons: int = 0  # field pairs validation may compare (bounded by the limit)
    merge_visits: int = 0  # fields the comparison count looked at (<= cost + document)


@dataclass(frozen=True)
class _Summary:
    """A selection set seen once: its cost at multiplicity 1 (cost is linear in it)."""

    cost: int = 0
    depth: int = 0
    aliases: int = 0
    directives: int = 0
    introspection: int = 0


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


def with_defaults(
    operation: OperationDefinitionNode | None, variables: dict[str, Any] | None
) -> dict[str, Any]:
    """The variables as execution will see them: a variable not sent takes its default
    (`query($n: Int = 100)` without `$n` lists 100, and is priced so)."""
    values = dict(variables or {})
    for definition in (operation.variable_definitions or ()) if operation else ():
        name = definition.variable.name.value
        if name not in values and definition.default_value is not None:
            values[name] = value_from_ast_untyped(definition.default_value)
    return values


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
            ("introspection", s.introspection, lim.max_introspection),
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
        cost = depth = aliases = directives = introspection = 0
        for selection in selection_set.selections if selection_set else ():
            self.visited += 1
            directives += len(selection.directives or ())
            if isinstance(selection, FieldNode):
                name = selection.name.value
                if selection.alias is not None:
                    aliases += 1
                if name in _INTROSPECTION:
                    # Its answer is the schema's, bounded by the schema: counted as an
                    # entry (and an alias), not walked for depth or cost.
                    introspection += 1
                elif selection.selection_set is None:
                    cost += 1
                    # `__typename` costs and counts as an alias like any field, but adds
                    # no depth: clients such as Apollo add it to every selection set.
                    depth = depth if name == "__typename" else max(depth, 1)
                else:
                    inner = self.selection_set(selection.selection_set)
                    cost += 1 + _multiplier(selection, self.variables) * inner.cost
                    depth = max(depth, 1 + inner.depth)
                    aliases += inner.aliases
                    directives += inner.directives
                    introspection += inner.introspection
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
                introspection += inner.introspection
            # Stop at the first limit passed: nothing below can bring a value back down.
            self._check(_Summary(cost, depth, aliases, directives, introspection))
        return _Summary(cost, depth, aliases, directives, introspection)


@dataclass
class _Place:
    """One response path of the merged selection: how many fields land there."""

    fields: int = 0
    below: dict[str, _Place] = field(default_factory=dict)
    spread: set[str] = field(default_factory=set)  # fragments already merged in here


class _Comparisons:
    """Counts the field pairs OverlappingFieldsCanBeMerged may compare, top down over the
    merged selection, stopping as soon as the count or the visits pass their limits."""

    def __init__(
        self, fragments: dict[str, FragmentDefinitionNode], limits: Limits, max_visits: int
    ) -> None:
        self.fragments = fragments
        self.limits = limits
        self.max_visits = max_visits
        self.pairs = 0
        self.visits = 0
        self.reached: set[str] = set()  # fragments merged somewhere

    def merge(self, selection_set: SelectionSetNode, place: _Place, open_: frozenset[str]) -> None:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                self.visits += 1
                if self.visits > self.max_visits:
                    # Only fragments under introspection can expand past the cost walk.
                    raise Exceeded("cost", self.visits, self.max_visits)
                key = (selection.alias or selection.name).value
                here = place.below.get(key)
                if here is None:
                    here = place.below[key] = _Place()
                self.pairs += here.fields  # the new field meets every one already there
                here.fields += 1
                if self.pairs > self.limits.max_field_comparisons:
                    raise Exceeded(
                        "fieldComparisons", self.pairs, self.limits.max_field_comparisons
                    )
                if selection.selection_set is not None:
                    self.merge(selection.selection_set, here, open_)
            elif isinstance(selection, InlineFragmentNode):
                self.merge(selection.selection_set, place, open_)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                definition = self.fragments.get(name)
                if definition is None or name in open_ or name in place.spread:
                    continue  # unknown or cyclic (validation says so), or merged here
                place.spread.add(name)
                self.reached.add(name)
                self.merge(definition.selection_set, place, open_ | {name})


def _chosen(
    document: DocumentNode, operation_name: str | None
) -> tuple[list[OperationDefinitionNode], OperationDefinitionNode | None]:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = [
        o
        for o in operations
        if operation_name is None or (o.name is not None and o.name.value == operation_name)
    ][:1]
    return operations, chosen[0] if chosen else None


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
    operations, operation = _chosen(document, operation_name)
    if len(operations) > limits.max_operations:
        # Validation checks every operation of a document, not just the one that runs.
        raise Exceeded("operations", len(operations), limits.max_operations)
    walker = _Walker(fragments, with_defaults(operation, variables), limits)
    result = Analysis(fragments=len(fragments))
    if operation is not None:
        summary = walker.selection_set(operation.selection_set)
        summary = walker._check(
            _Summary(
                summary.cost,
                summary.depth,
                summary.aliases,
                summary.directives + len(operation.directives or ()),
                summary.introspection,
            )
        )
        result.depth, result.aliases = summary.depth, summary.aliases
        result.directives, result.cost = summary.directives, summary.cost
        result.introspection = summary.introspection
    result.visited = walker.visited
    # Validation compares fields in every operation and every fragment of the document:
    # each operation is counted with its fragments expanded, then each fragment no
    # operation reached from its own root. At most max_cost fields per operation.
    comparisons = _Comparisons(
        fragments, limits, max_visits=limits.max_cost * (len(operations) + 1) + walker.visited
    )
    try:
        for each in operations:
            comparisons.merge(each.selection_set, _Place(), frozenset())
        for name, fragment in fragments.items():
            if name not in comparisons.reached:
                comparisons.merge(fragment.selection_set, _Place(), frozenset({name}))
    finally:
        result.comparisons, result.merge_visits = comparisons.pairs, comparisons.visits
    return result


def needs_sign_in(document: DocumentNode, operation_name: str | None) -> bool:
    """Whether the operation that would run selects any root field but the public ones
    (fragments at the root followed; cycles and unknown names left to validation)."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    _, operation = _chosen(document, operation_name)
    if operation is None:
        return False  # no such operation: validation (or strawberry) answers
    pending: list[SelectionSetNode] = [operation.selection_set]
    seen: set[str] = set()
    while pending:
        for selection in pending.pop().selections:
            if isinstance(selection, FieldNode):
                if selection.name.value not in PUBLIC_ROOT_FIELDS:
                    return True
            elif isinstance(selection, InlineFragmentNode):
                pending.append(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name not in seen and name in fragments:
                    seen.add(name)
                    pending.append(fragments[name].selection_set)
    return False


class VariablesExceeded(Exception):
    """`variables` over an element or depth limit; `path` is where it was passed."""

    def __init__(self, limit: str, value: int, maximum: int, path: list[str | int]) -> None:
        super().__init__(limit)
        self.limit, self.value, self.maximum, self.path = limit, value, maximum, path


def bounded_variables(variables: dict[str, Any] | None, limits: Limits) -> int:
    """Walks `variables` once, iteratively, stopping at the first element past
    `max_variable_elements` or deeper than `max_variable_depth`; returns the elements
    read. Nothing else reads the variables before this (the JSON parser aside, which is
    C and bounded by the body cap)."""
    if not variables:
        return 0
    elements = 0
    # (value, depth, index of the parent entry in `trail`, key under the parent)
    stack: list[tuple[Any, int, int, str | int]] = [
        (value, 1, -1, name) for name, value in variables.items()
    ]
    trail: list[tuple[int, str | int]] = []  # containers entered: (parent, key)

    def path_to(parent: int, key: str | int) -> list[str | int]:
        parts: list[str | int] = [key]
        while parent >= 0:
            parent, key = trail[parent]
            parts.append(key)
        return parts[::-1][:10]

    while stack:
        value, depth, parent, key = stack.pop()
        elements += 1
        if elements > limits.max_variable_elements:
            raise VariablesExceeded(
                "variableElements", elements, limits.max_variable_elements, path_to(parent, key)
            )
        if isinstance(value, dict | list):
            if depth > limits.max_variable_depth:
                raise VariablesExceeded(
                    "variableDepth", depth, limits.max_variable_depth, path_to(parent, key)
                )
            trail.append((parent, key))
            here = len(trail) - 1
            items = value.items() if isinstance(value, dict) else enumerate(value)
            stack.extend((child, depth + 1, here, k) for k, child in items)
    return elements


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


def check_document(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: dict[str, Any] | None,
    limits: Limits,
    *,
    signed_in: bool,
    auth_error: str | None = None,
    rules: tuple[Any, ...] = (),
) -> tuple[list[GraphQLError], int]:
    """Limits, then the sign-in gate, then validation: (errors, the operation's cost).
    Each step runs only if the one before passed; none can run long."""
    try:
        found = analyze(document, operation_name, variables, limits)
    except Exceeded as over:
        return [too_complex(over.limit, over.value, over.maximum)], 0
    if not signed_in and needs_sign_in(document, operation_name):
        return [unauthenticated(auth_error or unauthenticated().message)], found.cost
    if (
        too_long := long_input_list(schema, document, operation_name, variables, limits)
    ) is not None:
        return [too_long], found.cost
    return _validate(schema, document, rules, limits.max_validation_errors), found.cost


def long_input_list(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: dict[str, Any] | None,
    limits: Limits,
) -> ApiError | None:
    """The first list in a typed input variable longer than `max_input_list`, refused
    before coercion (which converts every item: 2,048 messages held the loop 130 ms, for
    an input that allows 50). JSON scalars are not walked (their own bounds apply)."""
    _, operation = _chosen(document, operation_name)
    if operation is None or not variables:
        return None
    pending: list[tuple[Any, Any, list[str | int]]] = []
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        declared = type_from_ast(schema, definition.type)
        if name in variables and declared is not None:
            pending.append((variables[name], declared, [name]))
    while pending:
        value, declared, path = pending.pop()
        declared = get_nullable_type(declared)
        if isinstance(declared, GraphQLList):
            if not isinstance(value, list):
                continue  # one value where a list goes: coercion wraps it
            if len(value) > limits.max_input_list:
                return ApiError(
                    Code.BAD_USER_INPUT,
                    f"Variable '${path[0]}' has a list of {len(value):,} items at "
                    f"{'.'.join(str(p) for p in path[1:]) or 'its top'}; "
                    f"at most {limits.max_input_list}",
                    field=path,
                    limit="inputList",
                    maximum=limits.max_input_list,
                )
            pending.extend((item, declared.of_type, [*path, i]) for i, item in enumerate(value))
        elif isinstance(declared, GraphQLInputObjectType) and isinstance(value, dict):
            fields = declared.fields
            pending.extend(
                (child, fields[key].type, [*path, key])
                for key, child in value.items()
                if key in fields
            )
    return None


class QueryLimits(SchemaExtension):
    """Limits, the sign-in gate, then validation (replaces strawberry's own validation
    step and its cache): see check_document.

    A document over a limit is refused before graphql-core validates it, so neither the
    walk nor validation can be made to run long; an anonymous caller's document that
    needs a token is refused before validation and before execution coerces a single
    variable. The cost is kept on the context for the rate limiter, which runs at
    execution.
    """

    def __init__(self, limits: Limits) -> None:
        super().__init__()
        self.limits = limits

    def on_validate(self) -> Iterator[None]:
        ctx = self.execution_context
        document = ctx.graphql_document
        if document is not None and ctx.pre_execution_errors is None:
            context = ctx.context
            errors, cost = check_document(
                ctx.schema._schema,
                document,
                ctx.operation_name,
                ctx.variables,
                self.limits,
                signed_in=context.principal is not None,
                auth_error=context.auth_error,
                rules=tuple(ctx.validation_rules),
            )
            context.query_cost = cost
            ctx.pre_execution_errors = errors
        yield
