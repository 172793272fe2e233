"""Training statistics computed from one projected read of the athlete's workouts.

`read_completions` reads every workout of the athlete once, projected to the five
attributes the statistics need (completion time, id, discipline, the app's
`pr_achievements`): through the `lists` index (`workout#<completedAt>#<id>`) when the table
has it, else the base partition's `workout#` rows; one Query request per 1 MB of projected
items (about 3,000 workouts with no PRs). Every figure is then computed in memory:

- days are the athlete's: `completedAt` (UTC) moved into the profile's
  `preferences.timezone` (an IANA name, as the app stores it; UTC when absent or unknown);
- the current streak counts consecutive days with a workout ending today, or yesterday when
  today has none yet (a streak is not broken before the day is over); the longest is over
  all time;
- this week is the ISO week (Monday first) holding today, this month the calendar month;
- the calendar, the discipline mix and the personal records cover `from`..`to` (days,
  inclusive).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from boto3.dynamodb.conditions import Attr, Key

from datasources import definition, keys
from datasources.table import Table

PROJECTION = [
    ("entityType",),
    ("attributes", "workoutId"),
    ("attributes", "completedAt"),
    ("attributes", "workoutData", "discipline"),
    ("attributes", "workoutData", "pr_achievements"),
]


@dataclass(frozen=True)
class Completion:
    workout_id: str
    at: datetime  # UTC
    discipline: str | None
    records: list[dict[str, Any]]


async def read_completions(table: Table, user_id: str) -> list[Completion]:
    """Every workout of the athlete, oldest first (one Query, paged by DynamoDB only)."""
    pk = keys.user_pk(user_id)
    is_workout = Attr("entityType").eq(keys.WORKOUT)
    if table.accelerators.lists:
        page = await table.query(
            Key("pk").eq(pk) & Key(definition.LIST_KEY).begins_with(keys.LIST_PREFIX[keys.WORKOUT]),
            index=definition.GSI_LISTS,
            filter=is_workout,
            projection=PROJECTION,
        )
    else:
        page = await table.query(
            Key("pk").eq(pk) & Key("sk").begins_with(keys.WORKOUT_SK),
            filter=is_workout,
            projection=PROJECTION,
        )
    found = [c for c in (_completion(i) for i in page.items) if c is not None]
    return sorted(found, key=lambda c: (c.at, c.workout_id))


def _completion(item: dict[str, Any]) -> Completion | None:
    a = item.get("attributes") or {}
    stamp = a.get("completedAt")
    if not isinstance(stamp, str):
        return None
    try:
        at = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    data = a.get("workoutData") or {}
    prs = data.get("pr_achievements") if isinstance(data, dict) else None
    discipline = data.get("discipline") if isinstance(data, dict) else None
    return Completion(
        workout_id=str(a.get("workoutId") or item["sk"].split("#", 1)[-1]),
        at=at,
        discipline=discipline if isinstance(discipline, str) else None,
        records=[p for p in prs if isinstance(p, dict)] if isinstance(prs, list) else [],
    )


def zone_of(name: object) -> tuple[str, ZoneInfo]:
    """The profile's `preferences.timezone`, or UTC when absent or not an IANA name."""
    if isinstance(name, str) and name:
        try:
            return name, ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return "UTC", ZoneInfo("UTC")


@dataclass
class PersonalRecord:
    day: str
    workout_id: str
    achievement: dict[str, Any]


@dataclass
class Stats:
    timezone: str
    today: str
    range_from: str
    range_to: str
    total_workouts: int
    current_streak: int
    longest_streak: int
    longest_streak_start: str | None
    longest_streak_end: str | None
    workouts_this_week: int
    workouts_this_month: int
    workouts_in_range: int
    calendar: list[tuple[str, int]]
    disciplines: list[tuple[str, int]]
    records: list[PersonalRecord] = field(default_factory=list)


def compute(
    completions: list[Completion],
    zone_name: str,
    zone: ZoneInfo,
    now: datetime,
    low: date | None,
    high: date | None,
) -> Stats:
    today = now.astimezone(zone).date()
    high = high or today
    low = low or high - timedelta(days=364)
    local = [(c.at.astimezone(zone).date(), c) for c in completions]
    per_day = Counter(d for d, _ in local)
    days = sorted(per_day)

    longest, start, end = 0, None, None
    run, run_start, previous = 0, None, None
    for d in days:
        if previous is not None and d - previous == timedelta(days=1):
            run += 1
        else:
            run, run_start = 1, d
        if run > longest:
            longest, start, end = run, run_start, d
        previous = d

    current = 0
    cursor = today if today in per_day else today - timedelta(days=1)
    while cursor in per_day:
        current += 1
        cursor -= timedelta(days=1)

    week_start = today - timedelta(days=today.weekday())
    in_range = [(d, c) for d, c in local if low <= d <= high]
    mix = Counter(c.discipline or "unknown" for _, c in in_range)
    records = [
        PersonalRecord(d.isoformat(), c.workout_id, pr)
        for d, c in reversed(in_range)
        for pr in c.records
    ]
    return Stats(
        timezone=zone_name,
        today=today.isoformat(),
        range_from=low.isoformat(),
        range_to=high.isoformat(),
        total_workouts=len(completions),
        current_streak=current,
        longest_streak=longest,
        longest_streak_start=start.isoformat() if start else None,
        longest_streak_end=end.isoformat() if end else None,
        workouts_this_week=sum(n for d, n in per_day.items() if week_start <= d <= today),
        workouts_this_month=sum(
            n for d, n in per_day.items() if (d.year, d.month) == (today.year, today.month)
        ),
        workouts_in_range=len(in_range),
        calendar=[(d.isoformat(), per_day[d]) for d in days if low <= d <= high],
        disciplines=sorted(mix.items(), key=lambda kv: (-kv[1], kv[0])),
        records=records,
    )
