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

import copy
import hashlib
import math
import re
from datetime import datetime
from typing import Any

from datasources import keys

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


# --- rows from a workout's structured sets --------------------------------------------------
#
# The app extracts exercise rows from every discipline's structure
# (libs/exercise/extraction.ts); this API writes them for the disciplines whose structure is
# sets of weight x reps, where the figures follow from the sets alone: powerlifting
# (extraction.ts:222-372), bodybuilding (:374-512) and olympic weightlifting (:994-1143),
# computed as the app computes them.
# Other disciplines' rows stay the app's to write (its build-exercise Lambda).

EXTRACTED = ("powerlifting", "bodybuilding", "olympic_weightlifting")
_SHORT_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"  # libs/id-utils.ts:22-25


def _js_round(value: float) -> int:
    """`Math.round` (halves up, unlike Python's `round`)."""
    return math.floor(value + 0.5)


def _number(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def _plain(value: float) -> int | float:
    """A whole float as an int (what JSON.stringify would store: 100, not 100.0)."""
    return int(value) if float(value).is_integer() else value


def estimated_1rm(reps: float, weight: float) -> float:
    """Epley, as the app rounds it (extraction.ts:14-18)."""
    if reps <= 0 or weight <= 0:
        return 0
    if reps == 1:
        return weight
    return _js_round(weight * (1 + reps / 30))


def _set_metrics(exercise: dict[str, Any], discipline: str) -> dict[str, Any]:
    raw_sets = exercise.get("sets")
    sets = [s for s in raw_sets if isinstance(s, dict)] if isinstance(raw_sets, list) else []
    total_reps = max_weight = total_volume = total_tut = weight_sum = 0.0
    weight_count, failure = 0, False
    reps_per_set: list[Any] = []
    weights_per_set: list[Any] = []
    volume_per_set: list[Any] = []
    best_volume, best_index = 0.0, -1
    for i, s in enumerate(sets):
        reps, weight = _number(s.get("reps")), _number(s.get("weight"))
        volume = reps * weight
        total_reps += reps
        total_volume += volume
        max_weight = max(max_weight, weight)
        total_tut += _number(s.get("time_under_tension"))
        failure = failure or s.get("failure") is True
        if reps > 0:
            reps_per_set.append(_plain(reps))
            weights_per_set.append(_plain(weight))
            volume_per_set.append(_plain(volume))
            if weight > 0:
                weight_sum += weight
                weight_count += 1
            if volume > best_volume:
                best_volume, best_index = volume, i
    metrics: dict[str, Any] = {
        "weight": _plain(max_weight),
        # The app's default unit: kg for the olympic lifts (:1119), lbs otherwise.
        "weightUnit": (sets[0].get("weight_unit") if sets else None)
        or ("kg" if discipline == "olympic_weightlifting" else "lbs"),
        "reps": _js_round(total_reps / len(sets)) if sets else 0,
        "totalReps": _plain(total_reps),
        "sets": len(sets),
    }
    if reps_per_set:
        metrics.update(
            repsPerSet=reps_per_set, weightsPerSet=weights_per_set, volumePerSet=volume_per_set
        )
    if total_volume > 0:
        metrics["totalVolume"] = _plain(total_volume)
    if max_weight > 0:
        metrics["maxWeight"] = _plain(max_weight)
    if best_index >= 0:
        best = sets[best_index]
        reps, weight = _number(best.get("reps")), _number(best.get("weight"))
        e1rm = _plain(estimated_1rm(reps, weight))
        metrics["bestSet"] = {
            "setNumber": best_index + 1,
            "reps": _plain(reps),
            "weight": _plain(weight),
            "volume": _plain(best_volume),
            "estimated1rm": e1rm,
        }
        metrics["estimated1RM"] = e1rm
    if max_weight > 0 and weight_count > 0:
        metrics["intensityMetrics"] = {
            "averageIntensity": (weight_sum / weight_count) / max_weight,
            "volumeLoad": _plain(total_volume),
        }
    if discipline == "olympic_weightlifting":  # extraction.ts:1117-1133
        if exercise.get("lift_category"):
            metrics["movementCategory"] = exercise["lift_category"]
        if exercise.get("variation"):
            metrics["variation"] = exercise["variation"]
        _attempts(exercise, metrics)
    elif discipline == "bodybuilding":
        for key, stored in (
            ("movementCategory", "movement_category"),
            ("targetMuscles", "target_muscles"),
            ("supersetWith", "superset_with"),
        ):
            if exercise.get(stored):
                metrics[key] = exercise[stored]
        if failure:
            metrics["failure"] = True
        if sets and sets[0].get("tempo"):
            metrics["tempo"] = sets[0]["tempo"]
        if total_tut > 0:
            metrics["timeUnderTension"] = _plain(total_tut)
    else:
        if exercise.get("rpe"):
            metrics["rpe"] = exercise["rpe"]
        metrics["movementCategory"] = exercise.get("movement_category") or "main_lift"
        if exercise.get("equipment"):
            metrics["equipment"] = exercise["equipment"]
        _attempts(exercise, metrics)
    return metrics


def _attempts(exercise: dict[str, Any], metrics: dict[str, Any]) -> None:
    """The attempts the app keeps, renamed as it renames them (extraction.ts:317-338)."""
    attempts = exercise.get("attempts")
    if not isinstance(attempts, dict):
        return
    kept = {
        ours: attempts[theirs]
        for ours, theirs in (
            ("opener", "opener"),
            ("second", "second_attempt"),
            ("third", "third_attempt"),
            ("successful", "successful_attempts"),
            ("missed", "missed_attempts"),
        )
        if attempts.get(theirs)
    }
    if kept:
        metrics["attempts"] = kept


def _short_id(*parts: str) -> str:
    """9 characters of the app's alphabet, derived from the row (so a retried write
    writes the same row, not a second one)."""
    digest = int.from_bytes(hashlib.sha256("\x00".join(parts).encode()).digest()[:8], "big")
    out = []
    for _ in range(9):
        digest, n = divmod(digest, 36)
        out.append(_SHORT_ALPHABET[n])
    return "".join(out)


def rows_for_workout(workout: dict[str, Any], now: str) -> list[dict[str, Any]]:
    """The exercise rows the app's build-exercise would write for this stored workout item
    (handler.ts:121-175, keys exercise.ts:30-56), for the disciplines in `EXTRACTED`; []
    for the others. `now` is the write's ISO stamp (createdAt/updatedAt/extractedAt)."""
    a = workout.get("attributes") or {}
    data = a.get("workoutData") or {}
    discipline = str(data.get("discipline") or "").lower()
    specific = (data.get("discipline_specific") or {}).get(discipline)
    if discipline not in EXTRACTED or not isinstance(specific, dict):
        return []
    completed = str(a["completedAt"])
    day = completed[:10]  # toISOString().split("T")[0]: the UTC day
    user_id, workout_id = str(a["userId"]), str(a["workoutId"])
    coach_ids = a.get("coachIds") or []
    metadata = data.get("metadata") or {}
    template_id = a.get("templateId") or (a.get("programContext") or {}).get("templateId")
    logged_via = metadata.get("logged_via") if isinstance(metadata, dict) else None
    created_ms = _epoch_ms(str(workout.get("createdAt") or now))
    sequences: dict[str, int] = {}
    rows: list[dict[str, Any]] = []
    olympic = discipline == "olympic_weightlifting"
    name_key = "lift_name" if olympic else "exercise_name"
    for exercise in specific.get("lifts" if olympic else "exercises") or []:
        if not isinstance(exercise, dict) or not exercise.get(name_key):
            continue  # skipped by the app too (extraction.ts:240-243, :1006-1009)
        original = str(exercise[name_key])
        name = normalize_name(original)
        sequence = sequences[name] = sequences.get(name, 0) + 1
        short = _short_id(workout_id, name, str(sequence))
        attributes: dict[str, Any] = {
            "exerciseId": f"exercise_{user_id}_{created_ms}_{short}",  # id-utils.ts:122-126
            "userId": user_id,
            # The workout's first coach (the app's build-exercise event's coachId); left
            # out, never empty, for a workout logged without one.
            **({"coachId": coach_ids[0]} if coach_ids else {}),
            "workoutId": workout_id,
            "exerciseName": name,
            "originalName": original,
            "discipline": discipline,
            "completedAt": completed,
            "sequence": sequence,
            "metrics": _set_metrics(exercise, discipline),
            "metadata": {"extractedAt": now, "normalizationConfidence": 1},
        }
        notes = exercise.get(
            {"powerlifting": "technique_notes"}.get(discipline, "complex_structure")
        )
        if discipline != "bodybuilding" and isinstance(notes, str) and notes:
            attributes["metadata"]["notes"] = notes
        if template_id:
            attributes["templateId"] = template_id
        if logged_via:
            attributes["loggedVia"] = logged_via
        rows.append(
            {
                "pk": keys.user_pk(user_id),
                "sk": keys.exercise_sk(name, day, workout_id, sequence),
                "attributes": attributes,
                "entityType": keys.EXERCISE,
                "createdAt": now,
                "updatedAt": now,
                "gsi1pk": keys.exercise_gsi1pk(user_id, name),
                "gsi1sk": day,
            }
        )
    return rows


def _epoch_ms(stamp: str) -> int:
    try:
        return int(datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp() * 1000)
    except ValueError:
        return 0


def moved_rows(
    rows: list[dict[str, Any]], workout: dict[str, Any], now: str
) -> list[dict[str, Any]]:
    """The workout's existing rows (the app's, of a discipline this API does not extract)
    moved to its new completion time: the day in the sort key and GSI1, `completedAt`."""
    completed = str((workout.get("attributes") or {})["completedAt"])
    day = completed[:10]
    moved = []
    for row in rows:
        item = copy.deepcopy(row)
        a = item.setdefault("attributes", {})
        parts = str(item["sk"]).split("#")
        name = str(a.get("exerciseName") or parts[1])
        sequence = int(a.get("sequence") or parts[-1])
        a["completedAt"] = completed
        item["sk"] = keys.exercise_sk(name, day, str(a.get("workoutId")), sequence)
        item["gsi1sk"] = day
        item["updatedAt"] = now
        moved.append(item)
    return moved
