"""What a delete cannot reach: copies NeonPanda's app keeps outside the table and bucket."""

from __future__ import annotations

import strawberry


@strawberry.type(
    description="A copy of deleted data that NeonPanda's app keeps where this API has no "
    "access; it is not deleted by this mutation."
)
class UnreachableCopy:
    store: str = strawberry.field(description="Where the copy lives, e.g. Pinecone.")
    what: str = strawberry.field(description="Which records of it hold the copy.")
    note: str


# The app indexes memories for semantic recall (memory/delete-memory/handler.ts:24-39
# deletes the vector after the item; a failure there does not fail its delete).
MEMORY_VECTOR = UnreachableCopy(
    store="Pinecone",
    what="the memory's user_memory vector",
    note="NeonPanda's app keeps a vector of each memory in Pinecone; this API has no access "
    "to it, so recall in the app may still surface the memory until the app removes it.",
)
# An account's vectors (memories, workout summaries, conversation summaries), its sign-in
# (Cognito) and its analytics reports in the app's own bucket.
ACCOUNT_ELSEWHERE = [
    UnreachableCopy(
        store="Pinecone",
        what="the athlete's namespace (memory, workout and conversation vectors)",
        note="NeonPanda's app indexes them for recall; this API has no access to Pinecone.",
    ),
    UnreachableCopy(
        store="Cognito",
        what="the athlete's user in the user pool",
        note="The sign-in identity is the pool's; delete it there (the app's admin tools).",
    ),
    UnreachableCopy(
        store="the app's analytics bucket",
        what="weekly and monthly report objects the report items point at",
        note="Named in the export (their s3:// URLs); this API cannot reach that bucket.",
    ),
]
