"""The mutations, one module per entity: its inputs (generated from datasources/inputs),
its payloads and its resolvers. A resolver authorises (the token's sub), validates
(`validated`, common.py), calls the store's intent method and returns the payload; store
refusals are mapped to API errors in one place (resolvers/errors.py)."""
