"""Validated write inputs: what each store intent method takes.

Pydantic models, validated before anything is written; the GraphQL input types are
generated from them (`schema/mutations/`), so a field is declared once.
"""
