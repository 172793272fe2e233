"""Root-field and mutation functions, permissions and the per-request context."""
