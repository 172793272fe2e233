"""The `Node` interface and opaque global ids (`base64url("Type:part:part")`).

A global id names an entity inside the caller's partition; it carries no user id, so an
id taken from another user's response resolves, like a missing one, to NOT_FOUND.
"""

from __future__ import annotations

import base64
import binascii

import strawberry

from resolvers.errors import bad_input


@strawberry.interface(description="An object with a stable, opaque global id.")
class Node:
    @strawberry.field(description="Opaque global id (use with `node(id:)`).")
    def id(self) -> strawberry.ID:
        raise NotImplementedError


def encode_global_id(type_name: str, *parts: str) -> strawberry.ID:
    raw = ":".join((type_name, *parts)).encode()
    return strawberry.ID(base64.urlsafe_b64encode(raw).decode().rstrip("="))


def decode_global_id(value: str, argument: str = "id") -> tuple[str, list[str]]:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as err:
        raise bad_input("Malformed global id", [argument]) from err
    type_name, _, rest = raw.partition(":")
    if not type_name or not rest:
        raise bad_input("Malformed global id", [argument])
    return type_name, rest.split(":")
