"""The app's name normalisation (fallbackNormalize, amplify/functions/libs/exercise/
normalization.ts:177-191) and display names (generateDisplayName, dynamodb/exercise.ts:
534-541; its cases from libs/exercise/normalization.test.ts:6-35), and the Epley estimate
as the app rounds it (extraction.ts:14-18)."""

from __future__ import annotations

import pytest

from datasources.exercises import display_name, estimated_1rm, normalize_name


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("Back Squat", "back_squat"),
        ("  Back   Squat ", "back_squat"),
        ("back-squat", "back_squat"),
        ("Chest-to-Bar Pull-Up", "chest_to_bar_pull_up"),
        ("DB Bench (Incline) @ 30°", "db_bench_incline_30"),
        ("5x5 Squat", "5x5_squat"),
        ("_squat_", "squat"),
        ("a - b", "a_b"),
        ("", "unknown_exercise"),
    ],
)
def test_names_normalise_as_the_apps_fallback(given: str, expected: str) -> None:
    assert normalize_name(given) == expected


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("back_squat", "Back Squat"),
        ("handstand_push_up", "Handstand Push Up"),
        ("deadlift", "Deadlift"),
        ("chest_to_bar_pull_up", "Chest To Bar Pull Up"),
        ("", ""),
        ("a_b_c", "A B C"),
        ("5x5_squat", "5x5 Squat"),
    ],
)
def test_display_names_are_the_apps(name: str, shown: str) -> None:
    assert display_name(name) == shown


def test_epley_rounds_halves_up_as_math_round() -> None:
    assert estimated_1rm(5, 100) == 117  # 116.67
    assert estimated_1rm(1, 142.5) == 142.5  # one rep: the weight itself
    assert estimated_1rm(3, 75) == 83  # 82.5 rounds up, as Math.round does
    assert estimated_1rm(0, 100) == 0 and estimated_1rm(5, 0) == 0
