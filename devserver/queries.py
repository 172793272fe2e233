"""The canonical read queries the benchmarks (and the budgets in docs/benchmarks.md) are about."""

DASHBOARD = """
{ viewer {
    userId displayName
    coaches(first: 10) { edges { node { coachId name } } }
    conversations(first: 10) { edges { node {
        conversationId title lastActivity
        coach { coachId name }
        summary { summaryText confidence } } } }
    workouts(first: 20) { edges { node {
        workoutId workoutName discipline completedAt
        coaches { coachId name } } } }
    memories(first: 10) { edges { node { memoryId content importance coach { name } } } }
} }
"""

WORKOUT_DETAIL = """
{ viewer { workout(workoutId: "demo_workout_001") {
    workoutId workoutName discipline workoutType completedAt duration location
    performanceMetrics { intensity perceivedExertion heartRate { avg max } caloriesBurned }
    prAchievements { exercise prType previousBest newBest improvementPercentage significance }
    subjectiveFeedback { enjoyment difficulty notes }
    coachNotes { programmingIntent coachingCuesGiven nextSessionFocus }
    disciplineSpecific { __typename ... on CrossfitData {
        workoutFormat timeCap rxStatus
        rounds { roundNumber repScheme exercises { exerciseName movementType
            weight { value unit } reps { prescribed completed brokenSets } } }
        performanceData { totalTime roundsCompleted totalReps roundTimes } } }
    coaches { coachId name }
} } }
"""

WORKOUT_HISTORY = """
{ viewer { workouts(first: 100) {
    edges { cursor node { workoutId workoutName discipline completedAt duration
        performanceMetrics { intensity perceivedExertion }
        extractionMetadata { confidence } } }
    pageInfo { hasNextPage endCursor } } } }
"""

CONVERSATION_MESSAGES = """
{ viewer { conversation(conversationId: "demo_conv_3", coachId: "demo_coach_1") {
    conversationId title totalMessages
    messages(first: 50) { edges { node { messageId role content timestamp } } }
} } }
"""

WORKOUT_LOGS = """
{ viewer { workouts(first: 20) { edges { node { workoutId detailedLog { sha256 content } } } } } }
"""

# The dashboard with every list's total (the counters' case: docs/benchmarks.md).
DASHBOARD_TOTALS = DASHBOARD.replace("edges {", "totalCount edges {")

CANONICAL = {
    "dashboard": DASHBOARD,
    "dashboard_totals": DASHBOARD_TOTALS,
    "workout_detail": WORKOUT_DETAIL,
    "workout_history_100": WORKOUT_HISTORY,
    "conversation_messages": CONVERSATION_MESSAGES,
    "workout_logs_20": WORKOUT_LOGS,
}
