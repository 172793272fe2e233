"""Which documents the server will run, decided from the request's JSON before anything is
parsed. Two modes (`NEONPANDA_DOCUMENTS`):

- `apq` (the default): documents as sent, plus Apollo's automatic persisted queries. A
  request may carry `extensions.persistedQuery = {"version": 1, "sha256Hash": h}`
  without `query`: known hashes run, unknown ones answer `PERSISTED_QUERY_NOT_FOUND`
  (the client then sends the query with its hash once, which registers it in this
  process). Saves bandwidth; any document still runs, under the limits.
- `trusted`: only documents registered ahead of time, from the manifest the frontend's
  build produces (`NEONPANDA_TRUSTED_DOCUMENTS`): Apollo's persisted-query manifest
  (`{"format": "apollo-persisted-query-manifest", "operations": [{"id", "body"}]}`) or
  GraphQL Code Generator's `persisted-documents.json` (`{"<hash>": "<document>"}`). A
  request names one by `documentId` (Codegen; `sha256:<hash>` accepted) or by
  `extensions.persistedQuery.sha256Hash` (Apollo), or sends its text, which must hash to
  a registered document. Anything else is refused before parsing: no document the
  frontend did not ship ever reaches the parser, validation or a resolver.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any


class DocumentMode(StrEnum):
    APQ = "apq"
    TRUSTED = "trusted"


class DocumentRefused(Exception):
    """Answered as a GraphQL error (status 400 unless said otherwise)."""

    def __init__(self, code: str, message: str, status: int = 400, **extensions: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.extensions = extensions


# Apollo Client's persisted-query link retries with the full query on this code.
NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
# What this process keeps of registered documents, by their total characters (each is at
# most NEONPANDA_MAX_DOCUMENT_BYTES, checked before it registers): the oldest go first.
MAX_APQ_CHARACTERS = 8 * 1024 * 1024


def sha256(document: str) -> str:
    # Request bodies with lone surrogates are refused before this (app.decode_json);
    # "surrogatepass" keeps a manifest or a caller from turning one into an error here.
    return hashlib.sha256(document.encode("utf-8", "surrogatepass")).hexdigest()


def load_manifest(path: Path) -> dict[str, str]:
    """{sha256 hex: document} from an Apollo or a GraphQL Code Generator manifest; every
    entry's hash is checked against its text."""
    raw = json.loads(path.read_text())
    if isinstance(raw, dict) and raw.get("format") == "apollo-persisted-query-manifest":
        entries = {op["id"]: op["body"] for op in raw.get("operations", [])}
    elif isinstance(raw, dict) and all(isinstance(v, str) for v in raw.values()):
        entries = {k.removeprefix("sha256:"): v for k, v in raw.items()}
    else:
        raise ValueError(f"{path}: not an Apollo persisted-query manifest or a Codegen one")
    documents: dict[str, str] = {}
    for key, body in entries.items():
        digest = sha256(body)
        if key != digest:
            raise ValueError(f"{path}: entry {key[:16]}... does not hash to its document")
        documents[digest] = body
    return documents


@dataclass
class Documents:
    mode: DocumentMode
    trusted: dict[str, str]

    def __post_init__(self) -> None:
        self._registered: OrderedDict[str, str] = OrderedDict()  # APQ, this process
        self.registered_characters = 0

    @classmethod
    def from_settings(cls, mode: str, manifest: Path | None) -> Documents:
        chosen = DocumentMode(mode)
        trusted = load_manifest(manifest) if manifest else {}
        if chosen is DocumentMode.TRUSTED and not trusted:
            raise ValueError("NEONPANDA_DOCUMENTS=trusted needs NEONPANDA_TRUSTED_DOCUMENTS")
        return cls(chosen, trusted)

    def resolve(self, data: dict[str, Any]) -> str | None:
        """The document text this request runs (None: no document, strawberry says so)."""
        query = data.get("query")
        if query is not None and not isinstance(query, str):
            raise DocumentRefused("BAD_USER_INPUT", "`query` must be a string")
        wanted = self._named_hash(data)
        if self.mode is DocumentMode.TRUSTED:
            return self._trusted(query, wanted)
        if wanted is None:
            return query
        if query is not None:
            if sha256(query) != wanted:
                raise DocumentRefused(
                    "BAD_USER_INPUT", "The persisted query hash does not match the query"
                )
            self._register(wanted, query)
            return query
        known = self.trusted.get(wanted) or self._registered.get(wanted)
        if known is None:
            raise DocumentRefused(NOT_FOUND, "PersistedQueryNotFound", status=200)
        if wanted in self._registered:
            self._registered.move_to_end(wanted)
        return known

    def _trusted(self, query: str | None, wanted: str | None) -> str:
        if wanted is not None:
            known = self.trusted.get(wanted)
            if known is None:
                raise DocumentRefused(NOT_FOUND, "This operation is not registered")
            return known
        if query is not None and sha256(query) in self.trusted:
            return query
        raise DocumentRefused(
            "FORBIDDEN", "This server runs registered operations only (send a documentId)"
        )

    @staticmethod
    def _named_hash(data: dict[str, Any]) -> str | None:
        document_id = data.get("documentId")
        if document_id is not None:
            if not isinstance(document_id, str):
                raise DocumentRefused("BAD_USER_INPUT", "`documentId` must be a string")
            return document_id.removeprefix("sha256:").lower()
        extensions = data.get("extensions")
        if not isinstance(extensions, dict):
            return None
        persisted = extensions.get("persistedQuery")
        if persisted is None:
            return None
        if not isinstance(persisted, dict) or persisted.get("version") != 1:
            raise DocumentRefused("BAD_USER_INPUT", "Unsupported persisted query version")
        digest = persisted.get("sha256Hash")
        if not isinstance(digest, str):
            raise DocumentRefused("BAD_USER_INPUT", "`sha256Hash` must be a string")
        return digest.lower()

    def _register(self, digest: str, query: str) -> None:
        if digest in self._registered:
            self._registered.move_to_end(digest)
            return
        self._registered[digest] = query
        self.registered_characters += len(query)
        while self.registered_characters > MAX_APQ_CHARACTERS:
            _, dropped = self._registered.popitem(last=False)
            self.registered_characters -= len(dropped)
