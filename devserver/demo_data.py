"""Demo athletes written through the stores' own write methods (the ones the mutations
use) on an empty embedded engine.

`demo` (email demo@neonpanda.local) and `demo2`, each with coaches, conversations and
summaries, 30+ workouts across several disciplines with detailed logs in S3, memories and
coach-creator sessions (complete, incomplete, abandoned) with their S3 histories.
Timestamps are relative to now, so lists look current and TTLs have not run out.
"""

from __future__ import annotations

import asyncio
import random
from datetime import date, timedelta
from typing import Any

from datasources import keys
from datasources.enums import (
    Discipline,
    Importance,
    MemoryType,
    MessageRole,
    SophisticationLevel,
)
from datasources.inputs.coach import (
    CreateCoach,
    Methodology,
    Personality,
    SafetyConstraints,
    TechnicalConfig,
    TimeConstraints,
)
from datasources.inputs.conversation import (
    KeyFactsIn,
    MessageIn,
    MessageRangeIn,
    SaveConversationSummary,
    SendMessage,
    StartConversation,
    StructuredDataIn,
    UpdateConversation,
)
from datasources.inputs.memory import CreateMemory, RecordMemoryUse
from datasources.inputs.profile import CreateProfile
from datasources.inputs.program import CreateProgram, PhaseIn, SkipProgramDay, TemplateIn
from datasources.inputs.session import (
    AbandonSession,
    AnswerQuestion,
    CompleteSession,
    StartSession,
)
from datasources.inputs.workout import DisciplineSpecific, LogWorkout
from datasources.records import utcnow
from datasources.records.base import format_timestamp
from datasources.records.discipline import TYPED_DISCIPLINES
from datasources.stores import Stores
from devserver.fixtures import fran_workout_data

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
        # Extracted from a coach conversation, as the app's logger says it
        # (libs/workout/types.ts:971-985; the confidence is the workout's).
        "metadata": {
            "logged_via": "conversation",
            "ai_extracted": True,
            "user_verified": False,
            "extraction_method": "claude_conversation_analysis",
        },
    }


def _discipline_specific(specific: dict[str, Any]) -> DisciplineSpecific:
    """The stored `{discipline: data}` as the write input (typed, or `other` as JSON)."""
    ((name, data),) = specific.items()
    if name in TYPED_DISCIPLINES:
        return DisciplineSpecific.model_validate({name: data})
    return DisciplineSpecific.model_validate({"other": {"discipline": name, "data": data}})


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
    """One athlete, written through the same store methods the mutations use."""
    if await stores.users.get(user_id) is not None:
        return  # already seeded
    rng = random.Random(seed)
    now = utcnow().replace(microsecond=0)
    await stores.users.create(
        user_id,
        CreateProfile(
            email=email,
            username=username,
            first_name=first_name,
            last_name=last_name,
            nickname=first_name.lower(),
            preferences={"timezone": "America/New_York", "units": "imperial"},
            demographics={"age_range": "30-39"},
            fitness={"experience": "intermediate", "goals": ["strength", "engine"]},
        ),
    )

    coaches = []
    # Whole coach configs, as the app's coach creator would have built them; the prompts
    # are left to createCoach's templates (metadata.prompts_source: template).
    for index, (name, template, method, gender, description) in enumerate(
        [
            ("Marcus", "marcus", "comptrain_strength", "male", "Technical strength coach"),
            ("Emma", "emma", "endurance_base", "female", "Encouraging endurance coach"),
        ]
    ):
        coach = await stores.coaches.create(
            user_id,
            CreateCoach(
                coach_id=f"{user_id}_coach_{index + 1}",
                name=name,
                description=description,
                gender_preference=gender,
                personality=Personality(
                    primary_template=template,
                    secondary_influences=["alex"],
                    selection_reasoning="matches goals",
                ),
                methodology=Methodology(
                    primary_methodology=method,
                    methodology_reasoning="fits the athlete's goals and schedule",
                    programming_emphasis="strength" if index == 0 else "conditioning",
                    periodization_approach="linear",
                ),
                technical_config=TechnicalConfig(
                    programming_focus=["strength", "conditioning"],
                    specializations=["olympic_lifting"] if index == 0 else ["running"],
                    methodology=method,
                    experience_level="intermediate",
                    training_frequency=4,
                    injury_considerations=["left knee"] if index == 1 else [],
                    goal_timeline="12 weeks",
                    preferred_intensity="moderate",
                    equipment_available=["barbell", "rower"],
                    time_constraints=TimeConstraints(
                        preferred_time="morning", session_duration="60 minutes"
                    ),
                    safety_constraints=SafetyConstraints(
                        contraindicated_exercises=["deep_jumping_lunges"] if index == 1 else [],
                        required_modifications=[],
                    ),
                ),
            ),
        )
        coaches.append(coach)

    conversation_ids = []
    for index in range(4):
        coach = coaches[index % 2]
        coach_id = coach.attributes.coach_id
        conversation_id = f"{user_id}_conv_{index + 1}"
        started = now - timedelta(days=30 - index * 6)
        total = 6 + index * 2
        messages = [
            MessageIn(
                message_id=f"{conversation_id}_m{n + 1}",
                role=MessageRole.USER if n % 2 == 0 else MessageRole.ASSISTANT,
                content=f"message {n + 1} of {conversation_id}",
                timestamp=started + timedelta(minutes=n),
                workout_detected=n == 2,
                extraction_confidence=0.8 if n == 2 else None,
            )
            for n in range(total)
        ]
        transcript = {
            "conversationId": conversation_id,
            "messages": [m.model_dump(mode="json") for m in messages],
        }
        # The longest conversation keeps its oldest messages in the S3 archive (two
        # chunks of four), as `sendMessage` does by itself near the item size limit.
        first = messages[:4] if index == 3 else messages
        await stores.conversations.start(
            user_id,
            StartConversation(
                coach_id=coach_id,
                conversation_id=conversation_id,
                title=f"Check-in {index + 1} with {coach.attributes.coach_name}",
                tags=["check-in"],
                messages=first,
            ),
            transcript=transcript,
        )
        if index == 3:
            for batch in (messages[4:8], messages[8:]):
                await stores.conversations.archive(user_id, coach_id, conversation_id, keep=0)
                await stores.conversations.send(
                    user_id,
                    SendMessage(conversation_id=conversation_id, coach_id=coach_id, messages=batch),
                )
        if index == 0:
            current = await stores.conversations.get(user_id, coach_id, conversation_id)
            assert current is not None
            await stores.conversations.update(
                user_id,
                UpdateConversation(
                    conversation_id=conversation_id,
                    coach_id=coach_id,
                    expected_version=current.version,
                    is_active=False,
                ),
            )
        conversation_ids.append((conversation_id, coach_id, messages))

    for conversation_id, coach_id, messages in conversation_ids[:3]:
        await stores.summaries.save(
            user_id,
            SaveConversationSummary(
                conversation_id=conversation_id,
                coach_id=coach_id,
                summary_text=f"Athlete discussed training in {conversation_id}.",
                structured_data=StructuredDataIn(
                    narrative_summary="Building strength and engine.",
                    key_facts=KeyFactsIn(current_goals=["sub-8 Fran"], constraints=["shoulder"]),
                    emotional_state="motivated",
                    action_items=["deload next week"],
                ),
                confidence=0.85,
                trigger_reason="message_count",
                message_range=MessageRangeIn(
                    start_message_id=messages[0].message_id,
                    end_message_id=messages[-1].message_id,
                    total_messages=len(messages),
                ),
            ),
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
        fields = {k: v for k, v in data.items() if k not in {"discipline", "date"}}
        fields["discipline_specific"] = _discipline_specific(data["discipline_specific"])
        await stores.workouts.log(
            user_id,
            LogWorkout(
                workout_id=workout_id,
                completed_at=completed,
                discipline=Discipline(data["discipline"]),
                coach_ids=[coach.attributes.coach_id],
                conversation_id=conversation_ids[n % len(conversation_ids)][0],
                extraction_confidence=round(0.6 + rng.random() * 0.4, 2),
                summary=f"{data['workout_name']} ({data['discipline']})",
                detailed_log={
                    "workoutId": workout_id,
                    "rawNotes": f"Logged {data['workout_name']} on {day}",
                    "workoutData": data,
                },
                **fields,
            ),
        )

    memories: list[tuple[str, MemoryType, Importance, str | None, int]] = [
        ("I prefer morning workouts", MemoryType.PREFERENCE, Importance.HIGH, None, 5),
        (
            "Goal: sub-8 minute Fran",
            MemoryType.GOAL,
            Importance.HIGH,
            coaches[0].attributes.coach_id,
            2,
        ),
        (
            "Left shoulder gets cranky with kipping",
            MemoryType.CONSTRAINT,
            Importance.MEDIUM,
            None,
            7,
        ),
        (
            "Always give me a cooldown",
            MemoryType.INSTRUCTION,
            Importance.LOW,
            coaches[1].attributes.coach_id,
            0,
        ),
        (
            "Training for a half marathon in spring",
            MemoryType.CONTEXT,
            Importance.MEDIUM,
            coaches[1].attributes.coach_id,
            1,
        ),
    ]
    for index, (content, memory_type, importance, memory_coach, used) in enumerate(memories):
        memory_id = f"{user_id}_memory_{index + 1}"
        await stores.memories.create(
            user_id,
            CreateMemory(
                memory_id=memory_id,
                content=content,
                memory_type=memory_type,
                importance=importance,
                coach_id=memory_coach,
                tags=[memory_type.value],
                source="explicit_request",
            ),
        )
        for _ in range(used):
            await stores.memories.record_use(user_id, RecordMemoryUse(memory_id=memory_id))

    answers = [
        (
            "goal_discovery",
            "What brings you here? Tell me about your main fitness goals.",
            "I want to improve my Olympic lifts",
            0.75,
            ["olympic lifts"],
        ),
        (
            "experience_assessment",
            "What's your CrossFit experience?",
            "2 years of CrossFit",
            0.85,
            ["2 years", "crossfit"],
        ),
    ]
    for index, state in enumerate(("complete", "incomplete", "abandoned")):
        level = (
            SophisticationLevel.BEGINNER
            if state == "abandoned"
            else (SophisticationLevel.INTERMEDIATE)
        )
        session = await stores.sessions.start(
            user_id,
            StartSession(session_id=f"coach_creator_{user_id}_{index + 1}", first_topic="goals"),
        )
        for number, (topic, question, response, confidence, signals) in enumerate(answers, start=1):
            session = await stores.sessions.answer(
                user_id,
                AnswerQuestion(
                    session_id=session.attributes.session_id,
                    expected_version=session.version,
                    question_id=number,
                    topic=topic,
                    question_text=question,
                    user_response=response,
                    ai_response="Noted.",
                    detected_sophistication=level,
                    sophistication_signals=signals,
                    confidence=confidence,
                    next_question_topic="injury_limitations",
                ),
            )
        if state == "complete":
            await stores.sessions.complete(
                user_id,
                CompleteSession(
                    session_id=session.attributes.session_id,
                    expected_version=session.version,
                    generated_coach_id=coaches[0].attributes.coach_id,
                ),
            )
        elif state == "abandoned":
            await stores.sessions.abandon(
                user_id,
                AbandonSession(
                    session_id=session.attributes.session_id, expected_version=session.version
                ),
            )


# A four-week block: training on days 1, 2, 4 and 6 of each week (day 1 with an optional
# finisher), rest on the others.
_PROGRAM_WEEK = [
    (1, "Snatch technique", "olympic", "Hang snatch: build to a heavy double, then 3 x 2."),
    (2, "Squat strength", "strength", "Back squat 5 x 5 at 75%, then walking lunges."),
    (4, "Engine intervals", "conditioning", "10 rounds: 250 m row, 10 burpees; rest 1:1."),
    (6, "Pull strength", "strength", "Snatch pulls 4 x 3, strict pull-ups 4 x 6."),
]


async def seed_program(stores: Stores, user_id: str, coach_id: str) -> None:
    """A running program through the store's own create path, its first optional skipped."""
    program_id = f"{user_id}_program_1"
    if await stores.programs.get(user_id, program_id) is not None:
        return  # already seeded
    start = utcnow().date() - timedelta(days=1)
    templates = [
        TemplateIn(
            day_number=week * 7 + day,
            name=name,
            type=kind,
            description=text,
            prescribed_exercises=[name],
            scoring_type="load" if kind != "conditioning" else "time",
            session_role="primary" if day == 1 else None,
        )
        for week in range(4)
        for day, name, kind, text in _PROGRAM_WEEK
    ]
    templates.append(
        TemplateIn(
            day_number=1,
            name="Core finisher",
            type="core",
            description="3 rounds: 20 hollow rocks, 30 s plank.",
            scoring_type="completion",
            estimated_duration=10,
            session_role="optional",
        )
    )
    program = await stores.programs.create(
        user_id,
        CreateProgram(
            program_id=program_id,
            coach_id=coach_id,
            name="4-Week Snatch Builder",
            description="Positions first, then load.",
            start_date=start,
            total_days=28,
            training_frequency=4,
            training_goals=["Bodyweight snatch"],
            equipment_constraints=["barbell", "bumper plates", "rower"],
            phases=[
                PhaseIn(
                    name="Phase 1: Positions", start_day=1, end_day=14, focus_areas=["technique"]
                ),
                PhaseIn(name="Phase 2: Load", start_day=15, end_day=28, focus_areas=["strength"]),
            ],
            templates=templates,
        ),
    )
    await stores.programs.skip_day(
        user_id,
        SkipProgramDay(
            program_id=program.program_id,
            expected_version=program.version,
            day_number=1,
            template_id=next(
                t["templateId"]
                for t in (await stores.programs.details(program)).on_day(1)
                if t["name"] == "Core finisher"
            ),
            skip_reason="Short on time",
        ),
    )


def report_items(user_id: str, today: date) -> list[dict[str, Any]]:
    """The app's weekly reports of the last two full ISO weeks and its monthly report of the
    last full month (amplify/dynamodb/analytics.ts:21-32, :184-195; shapes
    libs/analytics/types.ts:130-185), as its scheduled Lambdas write them: this API only
    reads them. `s3Location` points into the app's logs bucket (not ours)."""
    stamp = format_timestamp(utcnow())
    items: list[dict[str, Any]] = []

    def item(sk: str, period: dict[str, str], workouts: int, summary: str) -> dict[str, Any]:
        data = {
            "structured_analytics": {"volume_breakdown": {"sessions": workouts}},
            "human_summary": summary,
        }
        return {
            "pk": keys.user_pk(user_id),
            "sk": sk,
            "attributes": {
                "userId": user_id,
                **period,
                "analyticsData": data,
                "s3Location": f"s3://neonpanda-app-logs/analytics/{user_id}/{sk.replace('#', '_')}",
                "metadata": {
                    "workoutCount": workouts,
                    "conversationCount": 2,
                    "memoryCount": 3,
                    "historicalSummaryCount": 1,
                    "analyticsLength": len(summary) + 60,
                    "hasAthleteProfile": True,
                    "hasDualOutput": True,
                    "humanSummaryLength": len(summary),
                    "normalizationApplied": False,
                    "analysisConfidence": "high",
                    "dataCompleteness": 0.9,
                },
            },
            "entityType": keys.ANALYTICS,
            "createdAt": stamp,
            "updatedAt": stamp,
        }

    monday = today - timedelta(days=today.weekday())
    for weeks_back, workouts in ((1, 4), (2, 3)):
        start = monday - timedelta(weeks=weeks_back)
        year, week, _ = start.isocalendar()
        week_id = f"{year}-W{week:02d}"
        period = {
            "weekId": week_id,
            "weekStart": start.isoformat(),
            "weekEnd": (start + timedelta(days=6)).isoformat(),
        }
        summary = f"Week {week_id}: {workouts} sessions, steady progress."
        items.append(item(keys.weekly_report_sk(week_id), period, workouts, summary))
    last = today.replace(day=1) - timedelta(days=1)
    month_id = f"{last.year}-{last.month:02d}"
    period = {
        "monthId": month_id,
        "monthStart": last.replace(day=1).isoformat(),
        "monthEnd": last.isoformat(),
    }
    items.append(item(keys.monthly_report_sk(month_id), period, 14, f"{month_id}: a solid base."))
    return items


async def seed_demo_data(stores: Stores) -> None:
    """The two demo athletes, side by side (their partitions share nothing)."""

    async def first() -> None:
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
        await seed_program(stores, DEMO_USER_ID, f"{DEMO_USER_ID}_coach_1")
        for report in report_items(DEMO_USER_ID, utcnow().date()):
            await stores.table.put(report)

    await asyncio.gather(
        first(),
        seed_athlete(
            stores,
            SECOND_USER_ID,
            email="demo2@neonpanda.local",
            username="demo2",
            first_name="Sam",
            last_name="Second",
            workouts=6,
            seed=2,
        ),
    )


__all__ = [
    "DEMO_USER_ID",
    "SECOND_USER_ID",
    "report_items",
    "seed_athlete",
    "seed_demo_data",
    "seed_program",
]
