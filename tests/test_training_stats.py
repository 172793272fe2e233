"""`viewer.trainingStats`: streaks and calendar days in the athlete's time zone (the
profile's `preferences.timezone`), this week and month, the discipline mix, recent
personal records; one projected read of the workouts beside the profile."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from datasources import keys
from datasources.records.workout import PrAchievement
from devserver import builders
from devserver.builders import bulk_put
from tests.conftest import Api, cost

STATS = """query($from: String, $to: String) { viewer { trainingStats(from: $from, to: $to) {
  timezone today rangeFrom rangeTo totalWorkouts currentStreak longestStreak
  longestStreakStart longestStreakEnd workoutsThisWeek workoutsThisMonth workoutsInRange
  calendar { day count } disciplineMix { discipline count share }
  recentRecords(first: 5) { day workoutId achievement { exercise prType newBest unit } }
} } }"""

ZONE = "Pacific/Auckland"  # UTC+12/+13: a 07:00 workout there is the day before in UTC


async def _athlete(api: Api, user_id: str, timezone: str | None) -> None:
    await builders.athlete(api.runtime.stores, user_id)
    if timezone is None:
        return
    table = api.runtime.stores.table
    profile = await table.get(keys.user_pk(user_id), keys.PROFILE_SK, consistent=True)
    assert profile is not None
    profile["attributes"].setdefault("preferences", {})["timezone"] = timezone
    await table.put(profile)


def _at(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(7, 0), zone).astimezone(UTC)


async def _workouts(api: Api, user_id: str, days: list[tuple[date, str]], zone: ZoneInfo) -> None:
    items = []
    for n, (day, discipline) in enumerate(days):
        record = builders.workout(user_id, f"w{n:03d}", _at(day, zone), discipline=discipline)
        if n == 0:
            pr = PrAchievement(exercise="back_squat", pr_type="weight", new_best=140, unit="kg")
            record.attributes.workout_data.pr_achievements = [pr]
        items.append(record.to_item())
    await bulk_put(api.runtime.stores, items)


def _stats(body: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in body, body["errors"]
    result: dict[str, Any] = body["data"]["viewer"]["trainingStats"]
    return result


async def test_streaks_calendar_and_mix_in_the_athletes_time_zone(api: Api) -> None:
    zone = ZoneInfo(ZONE)
    today = datetime.now(zone).date()
    days = [(today - timedelta(days=n), "running") for n in range(3)]  # current streak 3
    days += [(today - timedelta(days=n), "crossfit") for n in range(10, 15)]  # longest 5
    await _athlete(api, "kiwi", ZONE)
    await _workouts(api, "kiwi", days, zone)

    body = await api.gql(STATS, user="kiwi")
    stats = _stats(body)
    assert stats["timezone"] == ZONE and stats["today"] == today.isoformat()
    assert stats["totalWorkouts"] == 8
    assert stats["currentStreak"] == 3
    assert stats["longestStreak"] == 5
    assert stats["longestStreakStart"] == (today - timedelta(days=14)).isoformat()
    assert stats["longestStreakEnd"] == (today - timedelta(days=10)).isoformat()
    # Local days, not the UTC ones (each workout's UTC date is the day before).
    assert [d["day"] for d in stats["calendar"]] == sorted(d.isoformat() for d, _ in days)
    assert all(d["count"] == 1 for d in stats["calendar"])
    week_start = today - timedelta(days=today.weekday())
    assert stats["workoutsThisWeek"] == sum(week_start <= d <= today for d, _ in days)
    assert stats["workoutsThisMonth"] == sum(
        (d.year, d.month) == (today.year, today.month) for d, _ in days
    )
    assert stats["rangeTo"] == today.isoformat()
    assert stats["rangeFrom"] == (today - timedelta(days=364)).isoformat()
    assert stats["disciplineMix"] == [
        {"discipline": "crossfit", "count": 5, "share": 5 / 8},
        {"discipline": "running", "count": 3, "share": 3 / 8},
    ]
    assert stats["recentRecords"] == [
        {
            "day": today.isoformat(),
            "workoutId": "w000",
            "achievement": {
                "exercise": "back_squat",
                "prType": "weight",
                "newBest": 140,
                "unit": "kg",
            },
        }
    ]
    # The profile (BatchGetItem) beside ONE projected query of the workouts.
    assert cost(body)["dynamodb"]["byOperation"] == {"BatchGetItem": 1, "Query": 1}
    assert cost(body)["waves"] == 1

    # A range narrows the calendar, the mix and the records, not the streaks.
    low = (today - timedelta(days=14)).isoformat()
    high = (today - timedelta(days=10)).isoformat()
    ranged = _stats(await api.gql(STATS, {"from": low, "to": high}, user="kiwi"))
    assert ranged["workoutsInRange"] == 5 and ranged["recentRecords"] == []
    assert ranged["disciplineMix"] == [{"discipline": "crossfit", "count": 5, "share": 1.0}]
    assert ranged["currentStreak"] == 3 and ranged["longestStreak"] == 5


async def test_without_a_time_zone_days_are_utc_and_a_missed_yesterday_ends_the_streak(
    api: Api,
) -> None:
    zone = ZoneInfo(ZONE)
    today_there = datetime.now(zone).date()
    await _athlete(api, "plain", None)
    # Local (Auckland) 07:00 two and three days ago: in UTC, the day before each.
    days = [(today_there - timedelta(days=n), "running") for n in (2, 3)]
    await _workouts(api, "plain", days, zone)
    stats = _stats(await api.gql(STATS, user="plain"))
    assert stats["timezone"] == "UTC"
    assert [d["day"] for d in stats["calendar"]] == sorted(
        _at(d, zone).date().isoformat() for d, _ in days
    )
    assert stats["longestStreak"] == 2
    utc_today = datetime.now(UTC).date()
    expected = 2 if _at(days[0][0], zone).date() >= utc_today - timedelta(days=1) else 0
    assert stats["currentStreak"] == expected


async def test_bad_days_and_ranges_are_bad_user_input(api: Api) -> None:
    await _athlete(api, "kiwi", ZONE)
    for variables, argument in (
        ({"from": "2026-02-30"}, "from"),
        ({"from": "2026-05-02", "to": "2026-05-01"}, "to"),
        ({"from": "2000-01-01", "to": "2026-01-01"}, "to"),
    ):
        body = await api.gql(STATS, variables, user="kiwi")
        error = body["errors"][0]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", error
        assert error["path"] == ["viewer", "trainingStats"]
        assert argument in error["message"]
