"""Mutation logic, one module per entity; each takes validated input and returns records."""
