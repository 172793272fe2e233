"""GraphQL types derived from the pydantic models of `datasources/`, so a shape is declared
once: output types from the records (`output_type`), input types from the write inputs
(`input_type`).

Output types read stored data leniently (`schema.convert.from_data`): every field is
nullable, a value of the wrong kind reads as null. A model may reshape what is stored before
it is read (`readable(stored)`: a key stored in two forms, see records/discipline.py).

Input types are sparse: no field publishes a default, so an omitted field reaches the
pydantic model absent (not in `model_fields_set`) and an explicit null as None, and a
partial update can tell "leave it" from "remove it" (`records.base.merge_into`).
"""

from __future__ import annotations

import dataclasses
import types
from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import strawberry
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from strawberry import UNSET
from strawberry.experimental.pydantic import input as pydantic_input
from strawberry.scalars import JSON
from strawberry.types.arguments import InputContext
from strawberry.types.base import StrawberryOptional, get_object_definition

from datasources.records.base import Deprecated

_SCALARS = (str, int, float, bool, datetime)
_outputs: dict[type[BaseModel], type] = {}
_inputs: dict[type[BaseModel], type] = {}


def _bare(hint: Any) -> Any:
    """`X` from `X | None` and `Annotated[X, ...]` (a union of several stays as it is)."""
    while True:
        origin = get_origin(hint)
        if origin is Annotated:
            hint = get_args(hint)[0]
        elif origin in (Union, types.UnionType):
            options = [a for a in get_args(hint) if a is not type(None)]
            if len(options) != 1:
                return hint
            hint = options[0]
        else:
            return hint


def _is_model(hint: Any) -> bool:
    return isinstance(hint, type) and issubclass(hint, BaseModel)


def _output_hint(annotation: Any, strict_lists: bool) -> Any:
    hint = _bare(annotation)
    if get_origin(hint) is list:
        item = _bare(get_args(hint)[0])
        if _is_model(item):
            return list[output_type(item)] | None  # type: ignore[misc]
        if strict_lists:
            return list[_scalar(item)] | None  # type: ignore[misc]
        return list[_scalar(item) | None] | None  # type: ignore[misc]
    if _is_model(hint):
        return output_type(hint) | None
    return _scalar(hint) | None


def _scalar(hint: Any) -> Any:
    if hint in _SCALARS:
        return hint
    if get_origin(hint) is Literal:
        return str
    return JSON  # maps, Any, and a key stored as one of several kinds


def _deprecation(info: FieldInfo) -> str | None:
    return next((m.reason for m in info.metadata if isinstance(m, Deprecated)), None)


def output_type(
    model: type[BaseModel], name: str | None = None, *, strict_lists: bool = False
) -> type:
    """The strawberry object type of a record model (nested models first, once each),
    named `name`, the model's `graphql_name`, or its class name. A list of scalars has
    nullable items (a stored element of the wrong kind reads as null), unless
    `strict_lists` (a type first written by hand with non-null items keeps them)."""
    if model in _outputs:
        return _outputs[model]
    type_name = name or getattr(model, "graphql_name", None) or model.__name__
    body: dict[str, Any] = {"__annotations__": {}}
    for field_name, info in model.model_fields.items():
        body["__annotations__"][field_name] = _output_hint(info.annotation, strict_lists)
        deprecated = _deprecation(info)
        if info.description or deprecated:
            body[field_name] = strawberry.field(
                description=info.description, deprecation_reason=deprecated
            )
    cls = strawberry.type(type(type_name, (), body), name=type_name)
    readable = getattr(model, "readable", None)
    if readable is not None:
        cls.__readable__ = readable  # type: ignore[attr-defined]
    _outputs[model] = cls
    return cls


def _nested(hint: Any) -> list[type[BaseModel]]:
    hint = _bare(hint)
    if get_origin(hint) is list:
        return _nested(get_args(hint)[0])
    return [hint] if _is_model(hint) else []


def input_type(model: type[BaseModel], name: str | None = None, **overrides: Any) -> type:
    """`<Model>Input` over the pydantic model (all its fields; maps are JSON), sparse (see
    the module docstring), its nested models' input types made first, once each.
    `overrides` are field annotations to use instead of the derived ones (`strawberry.ID`,
    a JSON scalar)."""
    if model in _inputs:
        return _inputs[model]
    for info in model.model_fields.values():
        for inner in _nested(info.annotation):
            input_type(inner)
    type_name = name or f"{model.__name__}Input"
    annotations: dict[str, Any] = {}
    body: dict[str, Any] = {}
    for field_name, info in model.model_fields.items():
        hint = _bare(info.annotation)
        deprecated = _deprecation(info)
        if field_name in overrides:
            annotations[field_name] = overrides[field_name]
        elif get_origin(hint) is dict or hint is Any:
            annotations[field_name] = JSON if info.is_required() else JSON | None
        elif deprecated:
            annotations[field_name] = strawberry.auto
        else:
            continue
        body[field_name] = strawberry.field(
            default=None, description=info.description, deprecation_reason=deprecated
        )
    body["__annotations__"] = annotations
    cls = pydantic_input(model=model, all_fields=True, name=type_name)(type(type_name, (), body))
    _inputs[model] = sparse(cls)
    return cls


def sparse(cls: type) -> type:
    """The input type publishes no default for its optional fields, and builds its value
    from what the client sent: an omitted field is UNSET (`validated` leaves it out), an
    explicit null is None."""
    definition = get_object_definition(cls, strict=True)
    for field in definition.fields:
        if isinstance(field.type, StrawberryOptional):
            field.default = UNSET
            field.default_value = UNSET
            field.default_factory = dataclasses.MISSING

    def from_input(origin: type, value: Mapping[str, Any], context: InputContext) -> Any:
        given: dict[str, Any] = {}
        for field in definition.fields:
            graphql_name = context.config.name_converter.from_field(field)
            if graphql_name in value:
                field_type = field.resolve_type(type_definition=definition)
                given[field.python_name] = context.convert(
                    value[graphql_name], field_type, graphql_name
                )
        every = {f.python_name: None for f in definition.fields}
        instance = origin(**{**every, **given})
        for field in definition.fields:
            if field.python_name not in given:
                object.__setattr__(instance, field.python_name, UNSET)
        return instance

    definition.from_input = from_input
    return cls
