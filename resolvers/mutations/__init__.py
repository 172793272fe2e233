"""Mutation resolvers: authorise, validate, call the store's intent method, return the
payload. Store refusals are mapped to API errors in one place (resolvers/errors.py)."""
