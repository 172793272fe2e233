"""The Strawberry schema: types, inputs, payloads, scalars and the root Query."""
