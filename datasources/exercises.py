"""Exercise names and the app's exercise rows made from a workout's structured sets.

**Names.** The app names an exercise row by an AI-normalised snake_case name, and when its
model is unavailable by `fallbackNormalize` (amplify/functions/libs/exercise/
normalization.ts:177-191): lower case, trimmed, runs of spaces and hyphens to `_`, anything
but `[a-z0-9_]` dropped, repeated `_` collapsed, leading/trailing `_` trimmed; an empty
name is `unknown_exercise` (:179-182). This API has no model, so it always applies that
fallback, exactly: "Back Squat" and "back-squat" are both `back_squat` (the app's model
may map "Barbell Back Squat" to `back_squat` too; this API keeps it `barbell_back_squat`).
The display name is the app's `generateDisplayName` (dynamodb/exercise.ts:534-541).
"""

from __future__ import annotations

import re

_SPACES = re.compile(r"[-\s]+")
_OTHER = re.compile(r"[^a-z0-9_]")
_UNDERSCORES = re.compile(r"_+")
_EDGES = re.compile(r"^_|_$")


def normalize_name(name: str) -> str:
    """normalization.ts:177-191, character for character (JS `\\s` and Python's agree on
    the ASCII and Unicode spaces an exercise name holds)."""
    if not name:
        return "unknown_exercise"
    text = name.lower().strip()
    text = _SPACES.sub("_", text)
    text = _OTHER.sub("", text)
    text = _UNDERSCORES.sub("_", text)
    return _EDGES.sub("", text)


def display_name(normalized: str) -> str:
    """exercise.ts:534-541: split on `_`, capitalise each word's first letter."""
    return " ".join(w[:1].upper() + w[1:] for w in normalized.split("_"))
