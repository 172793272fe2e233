"""Mutation inputs (pydantic-validated), payloads and fields, one module per entity."""
