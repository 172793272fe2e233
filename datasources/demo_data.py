"""Demo athletes written through the stores on an empty embedded engine.

`demo` (email demo@neonpanda.local) and `demo2`, each with coaches, conversations and
summaries, 30+ workouts across several disciplines with detailed logs in S3, memories and
coach-creator sessions (complete, incomplete, abandoned) with their S3 histories.
Timestamps are relative to now, so lists look current and TTLs have not run out.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from datasources.errors import ConditionFailed, TransactionConflict
from datasources.fixtures import fran_workout_data
from datasources.records import (
    CoachAttributes,
    CoachRecord,
    ConversationAttributes,
    ConversationRecord,
    MemoryAttributes,
    MemoryRecord,
    Message,
    SessionAttributes,
    SessionRecord,
    SummaryAttributes,
    SummaryRecord,
    UserAttributes,
    UserRecord,
    WorkoutAttributes,
    WorkoutData,
    WorkoutRecord,
    utcnow,
)
from datasources.stores import Stores

DEMO_USER_ID = "demo"
SECOND_USER_ID = "demo2"

_DISCIPLINE_WORKOUTS: dict[str, list[tuple[str, str, dict[str, Any]]]] = {
    "powerlifting": [
        (
            "Heavy squat day",
            "strength",
            {
                "powerlifting": {
                    "session_type": "max_effort",
                    "competition_prep": False,
                    "exercises": [
                        {
                            "exercise_name": "back squat",
                            "movement_category": "main_lift",
                            "equipment": ["belt", "sleeves"],
                            "competition_commands": False,
                            "attempts": None,
                            "sets": [
                                {
                                    "set_type": "working",
                                    "weight": 315,
                                    "reps": 3,
                                    "rpe": 8.5,
                                    "rest_time": 240,
                                    "percentage_1rm": 85,
                                    "bar_speed": None,
                                    "competition_commands": False,
                                }
                            ],
                        }
                    ],
                }
            },
        ),
    ],
    "running": [
        (
            "Tempo run",
            "cardio",
            {
                "running": {
                    "run_type": "tempo",
                    "total_distance": 6.2,
                    "distance_unit": "miles",
                    "total_time": 2820,
                    "average_pace": "7:35",
                    "elevation_gain": 120,
                    "surface": "road",
                    "weather": "cool",
                    "segments": [
                        {
                            "segment_number": 1,
                            "distance": 1,
                            "time": 520,
                            "pace": "8:40",
                            "heart_rate_avg": 140,
                            "effort_level": "easy",
                            "terrain": "flat",
                        }
                    ],
                }
            },
        ),
    ],
    "hiit": [
        (
            "Tabata burner",
            "cardio",
            {
                "hiit": {
                    "protocol": "tabata",
                    "work_duration": 20,
                    "rest_duration": 10,
                    "total_rounds": 8,
                    "exercises": [
                        {
                            "exercise_name": "air bike",
                            "interval_scores": [18, 17, 17, 16],
                            "total_reps": 68,
                            "fatigue_dropoff": 11,
                            "form_maintenance": 8,
                        }
                    ],
                }
            },
        ),
    ],
    "bodybuilding": [
        (
            "Push hypertrophy",
            "strength",
            {
                "bodybuilding": {
                    "training_split": "push_pull_legs",
                    "muscle_groups_primary": ["chest"],
                    "muscle_groups_secondary": ["triceps"],
                    "volume_landmarks": {"chest": 14},
                    "exercises": [
                        {
                            "exercise_name": "incline dumbbell press",
                            "movement_category": "compound",
                            "muscle_emphasis": "upper chest",
                            "sets": [
                                {
                                    "weight": 70,
                                    "reps": 10,
                                    "rpe": 8,
                                    "rest_time": 90,
                                    "tempo": "3-1-1-1",
                                    "range_of_motion": "full",
                                    "mind_muscle_connection": 8,
                                    "pump_rating": 7,
                                    "intensity_techniques": {"drop_set": {"weight": 50, "reps": 8}},
                                }
                            ],
                        }
                    ],
                }
            },
        ),
    ],
    "climbing": [
        (
            "Bouldering session",
            "skill",
            {
                "climbing": {
                    "climbing_type": "bouldering",
                    "location": "indoor",
                    "routes": [
                        {
                            "route_name": "Blue overhang",
                            "grade": "V4",
                            "attempts": 3,
                            "completed": True,
                            "style": "redpoint",
                            "technique_quality": 7,
                            "fear_level": 3,
                            "equipment": ["shoes", "chalk"],
                        }
                    ],
                }
            },
        ),
    ],
    "swimming": [
        ("Endurance swim", "cardio", {"swimming": {"total_distance_m": 2000, "stroke": "free"}}),
    ],
    "crossfit": [
        (
            "Cindy",
            "metcon",
            {
                "crossfit": {
                    "workout_format": "amrap",
                    "time_cap": 1200,
                    "rx_status": "rx",
                    "rounds": [],
                    "performance_data": {
                        "total_time": 1200,
                        "rounds_completed": 17,
                        "total_reps": 510,
                        "round_times": [],
                    },
                }
            },
        ),
    ],
}


def _workout_data(rng: random.Random, discipline: str, day: str) -> dict[str, Any]:
    name, workout_type, specific = rng.choice(_DISCIPLINE_WORKOUTS[discipline])
    return {
        "workout_name": name,
        "discipline": discipline,
        "workout_type": workout_type,
        "date": day,
        "duration": rng.choice([30, 45, 60, 75]),
        "location": rng.choice(["gym", "home", "outdoor"]),
        "performance_metrics": {
            "intensity": rng.randint(5, 10),
            "perceived_exertion": rng.randint(5, 10),
        },
        "discipline_specific": specific,
        "pr_achievements": [],
        "subjective_feedback": {"enjoyment": rng.randint(5, 10), "notes": "felt solid"},
    }


async def seed_athlete(
    stores: Stores,
    user_id: str,
    *,
    email: str,
    username: str,
    first_name: str,
    last_name: str,
    workouts: int,
    seed: int,
) -> None:
    rng = random.Random(seed)
    now = utcnow().replace(microsecond=0)
    try:
        await stores.users.create(
            UserRecord.new(
                UserAttributes(
                    user_id=user_id,
                    email=email,
                    username=username,
                    first_name=first_name,
                    last_name=last_name,
                    nickname=first_name.lower(),
                    preferences={"timezone": "America/New_York", "units": "imperial"},
                    subscription={"plan": "free"},
                    demographics={"age_range": "30-39"},
                    fitness={"experience": "intermediate", "goals": ["strength", "engine"]},
                ),
                now - timedelta(days=120),
            )
        )
    except (ConditionFailed, TransactionConflict):
        return  # already seeded

    coaches = []
    for index, (name, template, method) in enumerate(
        [("Marcus", "marcus", "comptrain_strength"), ("Emma", "emma", "endurance_base")]
    ):
        coach_id = f"{user_id}_coach_{index + 1}"
        created = now - timedelta(days=110 - index * 20)
        record = CoachRecord.new(
            user_id,
            CoachAttributes.model_validate(
                {
                    "coach_id": coach_id,
                    "coach_name": name,
                    "selected_personality": {
                        "primary_template": template,
                        "selection_reasoning": "matches goals",
                    },
                    "selected_methodology": {"primary_methodology": method},
                    "technical_config": {
                        "programming_focus": ["strength", "conditioning"],
                        "specializations": ["olympic_lifting"] if index == 0 else ["running"],
                        "methodology": method,
                        "experience_level": "intermediate",
                        "goal_timeline": "12 weeks",
                        "preferred_intensity": "moderate",
                        "equipment_available": ["barbell", "rower"],
                    },
                    "metadata": {"created_date": created, "total_conversations": 0},
                }
            ),
            created,
        )
        await stores.coaches.put_new(record)
        coaches.append(record)

    conversation_ids = []
    for index in range(4):
        coach = coaches[index % 2]
        conversation_id = f"{user_id}_conv_{index + 1}"
        started = now - timedelta(days=30 - index * 6)
        total = 6 + index * 2
        messages = [
            Message(
                id=f"{conversation_id}_m{n + 1}",
                role="user" if n % 2 == 0 else "assistant",
                content=f"message {n + 1} of {conversation_id}",
                timestamp=started + timedelta(minutes=n),
                metadata={
                    "workoutDetected": n == 2,
                    "extractionConfidence": 0.8 if n == 2 else None,
                },
            )
            for n in range(total)
        ]
        # The longest conversation keeps its oldest messages in the S3 archive.
        archived = [messages[:4], messages[4:8]] if index == 3 else None
        kept = messages[8:] if index == 3 else messages
        last = messages[-1].timestamp
        conversation = ConversationAttributes.model_validate(
            {
                "user_id": user_id,
                "coach_id": coach.attributes.coach_id,
                "conversation_id": conversation_id,
                "title": f"Check-in {index + 1} with {coach.attributes.coach_name}",
                "messages": kept,
                "metadata": {
                    "created_at": started,
                    "last_activity": last,
                    "total_messages": total,
                    "tags": ["check-in"],
                    "is_active": index != 0,
                },
            }
        )
        transcript = {
            "conversationId": conversation_id,
            "messages": [m.model_dump(by_alias=True, mode="json") for m in messages],
        }
        await stores.conversations.create(
            ConversationRecord.new(conversation, started), archived=archived, transcript=transcript
        )
        conversation_ids.append((conversation_id, coach.attributes.coach_id, messages))

    for conversation_id, coach_id, messages in conversation_ids[:3]:
        await stores.summaries.put_new(
            SummaryRecord.new(
                SummaryAttributes.model_validate(
                    {
                        "summary_id": f"summary_{conversation_id}",
                        "user_id": user_id,
                        "coach_id": coach_id,
                        "conversation_id": conversation_id,
                        "summary_text": f"Athlete discussed training in {conversation_id}.",
                        "structured_data": {
                            "narrative_summary": "Building strength and engine.",
                            "key_facts": {
                                "current_goals": ["sub-8 Fran"],
                                "constraints": ["shoulder"],
                            },
                            "emotional_state": "motivated",
                            "action_items": ["deload next week"],
                        },
                        "metadata": {
                            "confidence": 0.85,
                            "trigger_reason": "message_count",
                            "message_range": {
                                "start_message_id": messages[0].id,
                                "end_message_id": messages[-1].id,
                                "total_messages": len(messages),
                            },
                        },
                    }
                ),
                messages[-1].timestamp,
            )
        )

    disciplines = list(_DISCIPLINE_WORKOUTS)
    for n in range(workouts):
        completed = now - timedelta(days=n * 2 + 1, hours=rng.randint(0, 12))
        day = completed.strftime("%Y-%m-%d")
        coach = coaches[n % 2]
        if n == 0:
            data = fran_workout_data(day)
        else:
            data = _workout_data(rng, disciplines[n % len(disciplines)], day)
        workout_id = f"{user_id}_workout_{n + 1:03d}"
        workout = WorkoutAttributes(
            workout_id=workout_id,
            user_id=user_id,
            coach_ids=[coach.attributes.coach_id],
            coach_names=[coach.attributes.coach_name],
            conversation_id=conversation_ids[n % len(conversation_ids)][0],
            completed_at=completed,
            workout_data=WorkoutData.model_validate(data),
            extraction_metadata={
                "confidence": round(0.6 + rng.random() * 0.4, 2),
                "extractedAt": completed + timedelta(minutes=5),
            },
            summary=f"{data['workout_name']} ({data['discipline']})",
        )
        log = {
            "workoutId": workout_id,
            "rawNotes": f"Logged {data['workout_name']} on {day}",
            "workoutData": data,
        }
        await stores.workouts.create(WorkoutRecord.new(workout, completed), detailed_log=log)

    memories: list[tuple[str, str, str, str | None, int]] = [
        ("I prefer morning workouts", "preference", "high", None, 5),
        ("Goal: sub-8 minute Fran", "goal", "high", coaches[0].attributes.coach_id, 2),
        ("Left shoulder gets cranky with kipping", "constraint", "medium", None, 7),
        ("Always give me a cooldown", "instruction", "low", coaches[1].attributes.coach_id, 0),
        (
            "Training for a half marathon in spring",
            "context",
            "medium",
            coaches[1].attributes.coach_id,
            1,
        ),
    ]
    for index, (content, memory_type, importance, memory_coach, used) in enumerate(memories):
        created = now - timedelta(days=40 - index)
        await stores.memories.put_new(
            MemoryRecord.new(
                MemoryAttributes.model_validate(
                    {
                        "memory_id": f"{user_id}_memory_{index + 1}",
                        "user_id": user_id,
                        "coach_id": memory_coach,
                        "content": content,
                        "memory_type": memory_type,
                        "metadata": {
                            "created_at": created,
                            "usage_count": used,
                            "last_used": now - timedelta(days=1) if used else None,
                            "source": "explicit_request",
                            "importance": importance,
                            "tags": [memory_type],
                        },
                    }
                ),
                created,
            )
        )

    for index, state in enumerate(("complete", "incomplete", "abandoned")):
        session_id = f"coach_creator_{user_id}_{index + 1}"
        started = now - timedelta(days=3 - index, hours=1)
        complete = state == "complete"
        session = SessionAttributes(
            session_id=session_id,
            user_id=user_id,
            sophistication_level="INTERMEDIATE" if index != 2 else "BEGINNER",
            current_question=18 if complete else 4,
            questions_answered=18 if complete else 3,
            responses={
                "1": "I want to improve my Olympic lifts",
                "2": "2 years of CrossFit",
                "3": "4 days per week",
            },
            detected_signals=["olympic lifts", "crossfit", "2 years"],
            question_history_count=2,
            last_question_topic="training_frequency",
            next_question_topic=None if complete else "injury_limitations",
            is_complete=complete,
            started_at=started,
            last_activity=started + timedelta(minutes=15),
            completed_at=started + timedelta(minutes=45) if complete else None,
            estimated_duration=15,
            session_progress=1.0 if complete else 0.17,
            generated_coach_id=coaches[0].attributes.coach_id if complete else None,
            creation_type="initial",
            session_version="1.0",
            abandoned_at=started + timedelta(minutes=20) if state == "abandoned" else None,
        )
        await stores.sessions.create(
            SessionRecord.new(session, started), _history(session, coaches[0])
        )


def _history(attrs: SessionAttributes, coach: CoachRecord) -> dict[str, Any]:
    started: datetime = attrs.started_at
    return {
        "sessionMetadata": {
            "sessionId": attrs.session_id,
            "userId": attrs.user_id,
            "startedAt": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "completedAt": attrs.completed_at.strftime("%Y-%m-%dT%H:%M:%SZ")
            if attrs.completed_at
            else None,
            "totalDuration": 2700 if attrs.is_complete else None,
            "finalSophisticationLevel": attrs.sophistication_level,
        },
        "questionHistory": [
            {
                "questionId": 1,
                "topic": "goal_discovery",
                "questionText": "What brings you here? Tell me about your main fitness goals.",
                "userResponse": "I want to improve my Olympic lifts",
                "aiResponse": "Great goal! How long have you been training?",
                "detectedSophistication": "INTERMEDIATE",
                "sophisticationSignals": ["olympic lifts"],
                "timestamp": (started + timedelta(minutes=2)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "responseTime": 45,
                "characterCount": 34,
            },
            {
                "questionId": 2,
                "topic": "experience_assessment",
                "questionText": "What's your CrossFit experience?",
                "userResponse": "2 years of CrossFit",
                "aiResponse": "A solid foundation.",
                "detectedSophistication": "INTERMEDIATE",
                "sophisticationSignals": ["2 years", "crossfit"],
                "timestamp": (started + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "responseTime": 32,
                "characterCount": 19,
            },
        ],
        "allResponses": dict(attrs.responses),
        "sophisticationEvolution": [
            {
                "questionId": 1,
                "detectedLevel": "INTERMEDIATE",
                "confidence": 0.75,
                "signals": ["olympic lifts"],
            },
            {
                "questionId": 2,
                "detectedLevel": "INTERMEDIATE",
                "confidence": 0.85,
                "signals": ["2 years", "crossfit"],
            },
        ],
        "finalGeneratedCoach": {
            "coachId": coach.attributes.coach_id,
            "personalityTemplate": "marcus",
            "methodologyTemplate": "comptrain_strength",
            "generationTimestamp": attrs.completed_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        if attrs.completed_at
        else None,
    }


async def seed_demo_data(stores: Stores) -> None:
    await seed_athlete(
        stores,
        DEMO_USER_ID,
        email="demo@neonpanda.local",
        username="demo",
        first_name="Dana",
        last_name="Demo",
        workouts=32,
        seed=1,
    )
    await seed_athlete(
        stores,
        SECOND_USER_ID,
        email="demo2@neonpanda.local",
        username="demo2",
        first_name="Sam",
        last_name="Second",
        workouts=6,
        seed=2,
    )


__all__ = ["DEMO_USER_ID", "SECOND_USER_ID", "seed_athlete", "seed_demo_data"]
