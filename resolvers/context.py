"""The typed per-request context, built fresh for every request."""

from __future__ import annotations

from dataclasses import dataclass, field

import strawberry

from auth import Principal, Verifier
from datasources.cost import CostRecorder
from datasources.live import LiveConnection, LiveHub
from datasources.loaders import Loaders
from datasources.stores import Stores
from resolvers.errors import unauthenticated
from resolvers.pagination import CursorCodec


@dataclass
class Context:
    principal: Principal | None  # the verified caller, never taken from arguments
    stores: Stores  # shared, long-lived (hold the lifespan's clients)
    loaders: Loaders  # fresh for every request
    cursors: CursorCodec
    auth_error: str | None = None
    client: str = "unknown"  # the peer address, for limits on anonymous callers
    cost: CostRecorder = field(default_factory=CostRecorder)
    query_cost: int = 0  # estimated by schema.limits before execution
    live: LiveHub | None = None  # subscriptions' source (None: the table has no stream)
    # A socket's share of the hub (per-athlete connection cap, slow consumers): set at
    # connection_init (schema/live_socket.py).
    connection: LiveConnection | None = None
    # graphql-transport-ws: the connection_init payload (the token travels there).
    connection_params: dict[str, object] | None = None
    verifier: Verifier | None = None  # checks connection_init's token

    def require_user(self) -> Principal:
        """The signed-in caller, or UNAUTHENTICATED."""
        if self.principal is None:
            raise unauthenticated(self.auth_error or unauthenticated().message)
        return self.principal


Info = strawberry.Info[Context, None]
