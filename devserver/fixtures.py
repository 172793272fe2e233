"""Workout fixtures shared by the demo data and the tests (the spec's "Fran" first)."""

from __future__ import annotations

from typing import Any


def fran_workout_data(date: str) -> dict[str, Any]:
    """Fran for time: 21-15-9 thrusters 95 lbs (rx) and chest-to-bar pull-ups in 8:57."""
    rounds = []
    for number, reps in enumerate((21, 15, 9), start=1):
        rounds.append(
            {
                "round_number": number,
                "rep_scheme": "21-15-9",
                "exercises": [
                    {
                        "exercise_name": "thruster",
                        "movement_type": "barbell",
                        "variation": None,
                        "assistance": None,
                        "weight": {
                            "value": 95,
                            "unit": "lbs",
                            "percentage_1rm": None,
                            "rx_weight": 95,
                            "scaled_weight": None,
                        },
                        "reps": {
                            "prescribed": reps,
                            "completed": reps,
                            "broken_sets": [10, 6, 5] if number == 1 else [],
                            "rest_between_sets": [8, 10] if number == 1 else [],
                        },
                        "distance": None,
                        "calories": None,
                        "time": None,
                        "form_notes": "kept elbows high" if number == 1 else None,
                    },
                    {
                        "exercise_name": "chest-to-bar pull-up",
                        "movement_type": "gymnastics",
                        "variation": "chest_to_bar",
                        "assistance": None,
                        "weight": None,
                        "reps": {
                            "prescribed": reps,
                            "completed": reps,
                            "broken_sets": [],
                            "rest_between_sets": [],
                        },
                        "distance": None,
                        "calories": None,
                        "time": None,
                        "form_notes": None,
                    },
                ],
            }
        )
    return {
        "workout_name": "Fran",
        "discipline": "crossfit",
        "methodology": "comptrain",
        "workout_type": "metcon",
        "date": date,
        "duration": 9,
        "location": "gym",
        "performance_metrics": {
            "intensity": 10,
            "perceived_exertion": 9,
            "heart_rate": {
                "avg": 172,
                "max": 189,
                "zones": {"zone_1": 0, "zone_2": 20, "zone_3": 60, "zone_4": 240, "zone_5": 217},
            },
            "calories_burned": 145,
            "mood_pre": 7,
            "mood_post": 9,
            "energy_level_pre": 7,
            "energy_level_post": 4,
        },
        "discipline_specific": {
            "crossfit": {
                "workout_format": "for_time",
                "time_cap": 600,
                "rx_status": "rx",
                "rounds": rounds,
                "performance_data": {
                    "total_time": 537,
                    "rounds_completed": 3,
                    "total_reps": 90,
                    "round_times": [195, 148, 194],
                },
            }
        },
        "pr_achievements": [
            {
                "exercise": "Fran",
                "discipline": "crossfit",
                "pr_type": "workout_time",
                "previous_best": 612,
                "new_best": 537,
                "improvement": 75,
                "improvement_percentage": 12.25,
                "date_previous": "2025-03-14",
                "significance": "major",
                "context": "first sub-9 Fran",
            }
        ],
        "subjective_feedback": {
            "enjoyment": 8,
            "difficulty": 9,
            "form_quality": 7,
            "motivation": 9,
            "confidence": 8,
            "mental_state": "focused",
            "pacing_strategy": "fast start, held on",
            "nutrition_pre_workout": "oats two hours before",
            "hydration_level": "good",
            "sleep_quality_previous": 7,
            "stress_level": 3,
            "soreness_pre": {"overall": 2, "legs": 2, "arms": 1, "back": 1},
            "soreness_post": {"overall": 6, "legs": 6, "arms": 7, "back": 3},
            "notes": "Lungs on fire in the round of 15.",
        },
        "coach_notes": {
            "programming_intent": "benchmark retest",
            "coaching_cues_given": ["breathe at the top of the thruster"],
            "areas_for_improvement": ["pull-up cycling under fatigue"],
            "positive_observations": ["unbroken 15s on thrusters"],
            "next_session_focus": "gymnastics capacity",
            "adaptation_recommendations": ["add EMOM pull-up volume"],
            "safety_flags": [],
            "motivation_strategy": "chase sub-8:30",
        },
        "metadata": {
            "logged_via": "conversation",
            "data_confidence": 0.92,
            "ai_extracted": True,
            "user_verified": True,
            "schema_version": "2.0",
        },
    }
