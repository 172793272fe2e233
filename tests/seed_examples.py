"""The seed document's example item of every entity type, with concrete values."""

from __future__ import annotations

from typing import Any

from devserver.fixtures import fran_workout_data

T = "2025-06-20T15:30:00Z"

USER: dict[str, Any] = {
    "pk": "user#user123",
    "sk": "profile",
    "entityType": "user",
    "gsi1pk": "email#athlete@example.com",
    "gsi1sk": "profile",
    "gsi2pk": "username#athlete",
    "gsi2sk": "profile",
    "createdAt": T,
    "updatedAt": T,
    "attributes": {
        "userId": "user123",
        "email": "athlete@example.com",
        "username": "athlete",
        "firstName": "Alex",
        "lastName": "Lee",
        "displayName": "Alex Lee",
        "nickname": "Lex",
        "avatar": {"url": "https://cdn.example.com/a.png", "s3Key": "avatars/user123.png"},
        "preferences": {"timezone": "UTC", "units": "metric"},
        "subscription": {"plan": "pro"},
        "demographics": {"age": 31},
        "fitness": {"level": "intermediate"},
        "metadata": {"signupSource": "web"},
    },
}

CONTACT_FORM: dict[str, Any] = {
    "pk": "contactForm#athlete@example.com",
    "sk": f"timestamp#{T}",
    "entityType": "contactForm",
    "createdAt": T,
    "updatedAt": T,
    "attributes": {
        "firstName": "Alex",
        "lastName": "Lee",
        "email": "athlete@example.com",
        "subject": "Hello",
        "message": "Love the app",
        "contactType": "general",
    },
}

CONVERSATION: dict[str, Any] = {
    "pk": "user#user123",
    "sk": "coachConversation#coach456#conv789",
    "entityType": "coachConversation",
    "createdAt": T,
    "updatedAt": T,
    "attributes": {
        "userId": "user123",
        "coachId": "coach456",
        "conversationId": "conv789",
        "title": "Week one",
        "messages": [
            {
                "id": "m1",
                "role": "user",
                "content": "Did Fran today in 8:57",
                "timestamp": "2025-06-20T15:31:00Z",
                "metadata": {"workoutDetected": True, "extractionConfidence": 0.93},
            },
            {
                "id": "m2",
                "role": "assistant",
                "content": "Huge PR!",
                "timestamp": "2025-06-20T15:31:05.250Z",
                "metadata": {"workoutDetected": False, "extractionConfidence": 0},
            },
        ],
        "metadata": {
            "createdAt": T,
            "lastActivity": "2025-06-20T15:31:05Z",
            "totalMessages": 2,
            "tags": ["benchmark"],
            "isActive": True,
        },
        "athleteProfile": {
            "summary": "Intermediate CrossFit athlete",
            "lastUpdated": T,
            "version": 3,
            "confidence": 0.8,
            "sources": ["workouts", "conversations"],
        },
    },
}

SUMMARY: dict[str, Any] = {
    "pk": "user#user123",
    "sk": "conversation#conv789#summary",
    "entityType": "conversationSummary",
    "createdAt": T,
    "updatedAt": T,
    "attributes": {
        "summaryId": "sum1",
        "userId": "user123",
        "coachId": "coach456",
        "conversationId": "conv789",
        "summaryText": "Athlete PR'd Fran.",
        "structuredData": {
            "narrative_summary": "Big week.",
            "key_facts": {
                "current_goals": ["sub-8 Fran"],
                "recent_progress": ["Fran PR"],
                "preferences": ["mornings"],
                "constraints": ["shoulder"],
                "schedule_context": ["4 days/week"],
            },
            "emotional_state": "excited",
            "action_items": ["deload"],
            "last_updated": T,
        },
        "metadata": {
            "createdAt": T,
            "confidence": 0.9,
            "triggerReason": "message_count",
            "messageRange": {"startMessageId": "m1", "endMessageId": "m2", "totalMessages": 2},
        },
    },
}

COACH: dict[str, Any] = {
    "pk": "user#user123",
    "sk": "coach#coach456",
    "entityType": "coachConfig",
    "createdAt": T,
    "updatedAt": T,
    "attributes": {
        "coach_id": "coach456",
        "coach_name": "Marcus",
        "selected_personality": {"primary_template": "marcus", "selection_reasoning": "fit"},
        "selected_methodology": {"primary_methodology": "comptrain"},
        "technical_config": {
            "programming_focus": ["strength"],
            "specializations": ["olympic_lifting"],
            "methodology": "comptrain",
            "experience_level": "intermediate",
            "goal_timeline": "12 weeks",
            "preferred_intensity": "high",
            "equipment_available": ["barbell"],
            # What NeonPanda's app reads unguarded (tests/app_contract.py), which the seed
            # document's example predates.
            "time_constraints": {"session_duration": "60 minutes"},
            "safety_constraints": {"contraindicated_exercises": []},
        },
        "generated_prompts": {"personality_prompt": "You are Marcus."},
        "metadata": {"created_date": T, "total_conversations": 4},
    },
}

WORKOUT: dict[str, Any] = {
    "pk": "user#user123",
    "sk": "workout#w1",
    "entityType": "workout",
    "createdAt": T,
    "updatedAt": T,
    "attributes": {
        "workoutId": "w1",
        "userId": "user123",
        "coachIds": ["coach456"],
        "coachNames": ["Marcus"],
        "conversationId": "conv789",
        "completedAt": "2025-06-20T15:00:00Z",
        "workoutData": fran_workout_data("2025-06-20"),
        "extractionMetadata": {
            "confidence": 0.92,
            "extractedAt": T,
            "reviewedBy": "athlete",
            "reviewedAt": T,
        },
        "summary": "Fran in 8:57",
    },
}

SESSION: dict[str, Any] = {
    "pk": "user#user123",
    "sk": "coachCreatorSession#coach_creator_user123_1703123456789",
    "entityType": "coachCreatorSession",
    "createdAt": "2025-06-22T15:30:00Z",
    "updatedAt": "2025-06-22T15:30:00Z",
    "ttl": 1703209200,
    "attributes": {
        "sessionId": "coach_creator_user123_1703123456789",
        "userId": "user123",
        "sophisticationLevel": "INTERMEDIATE",
        "currentQuestion": 4,
        "totalQuestions": 18,
        "questionsAnswered": 3,
        "responses": {
            "1": "I want to improve my Olympic lifts and get stronger overall",
            "2": "I've been doing CrossFit for about 2 years",
            "3": "I can train 4 days per week consistently",
        },
        "detectedSignals": ["olympic lifts", "crossfit", "2 years"],
        "s3Bucket": "coach-ai-conversations",
        "s3Key": "users/user123/coach_creator_sessions/coach_creator_user123_1703123456789.json",
        "questionHistoryCount": 3,
        "lastQuestionTopic": "training_frequency",
        "nextQuestionTopic": "injury_limitations",
        "isComplete": False,
        "startedAt": "2025-06-22T10:30:00Z",
        "lastActivity": "2025-06-22T10:45:00Z",
        "completedAt": None,
        "estimatedDuration": 15,
        "sessionProgress": 0.17,
        "generatedCoachId": None,
        "creationType": "initial",
        "sessionVersion": "1.0",
        "abandonedAt": None,
        "resumeCount": 0,
    },
}

MEMORY: dict[str, Any] = {
    "pk": "user#user123",
    "sk": "userMemory#user_memory_1703123456789_abc123def",
    "entityType": "userMemory",
    "createdAt": "2025-01-15T10:30:00Z",
    "updatedAt": "2025-01-15T10:30:00Z",
    "attributes": {
        "memoryId": "user_memory_1703123456789_abc123def",
        "userId": "user123",
        "coachId": "coach456",
        "content": "I prefer morning workouts and like compound movements",
        "memoryType": "preference",
        "metadata": {
            "createdAt": "2025-01-15T10:30:00Z",
            "lastUsed": "2025-01-12T14:20:00Z",
            "usageCount": 3,
            "source": "explicit_request",
            "importance": "high",
            "tags": ["scheduling", "exercise_preference"],
        },
    },
}

ALL = {
    "user": USER,
    "contactForm": CONTACT_FORM,
    "coachConversation": CONVERSATION,
    "conversationSummary": SUMMARY,
    "coachConfig": COACH,
    "workout": WORKOUT,
    "coachCreatorSession": SESSION,
    "userMemory": MEMORY,
}
