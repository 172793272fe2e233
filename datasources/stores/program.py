"""Training programs, as NeonPanda's app keeps them (amplify/dynamodb/program.ts).

Lists read what the app reads: every program of the athlete through GSI1 (`user#<id>` /
`program#...`), which holds the legacy `user#<id>#coach#<coachId>` partitions too, sorted
by start date (newest first) and program id, archived ones hidden unless asked for
(program.ts:245-371). One query gives the page, the total and the totals per status.

Writes do what the app's handlers do (update-program, delete-program, log-workout-template,
skip-workout-template and its rest-day route), each in ONE transaction conditioned on the
program as read (version and updatedAt): a changed template goes to a new S3 object first
(content-addressed, under the athlete's prefix, plain JSON as the app reads it), and the
item's `s3DetailKey` moves to it in the transaction; the superseded object is deleted
after the commit. Counters move with ADD.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from boto3.dynamodb.conditions import Attr, Key

from datasources import definition, keys
from datasources.enums import ProgramAction, ProgramStatus, read
from datasources.errors import (
    AlreadyExists,
    Cancelled,
    ContentUnavailable,
    Invalid,
    NotFound,
    VersionConflict,
)
from datasources.idempotency import Intent
from datasources.inputs.program import (
    CompleteRestDay,
    CreateProgram,
    DeleteProgram,
    LogProgramWorkout,
    SkipProgramDay,
    UpdateProgram,
)
from datasources.loaders import request_cache
from datasources.records import WorkoutAttributes, WorkoutData, WorkoutRecord, utcnow
from datasources.records.base import Path, format_timestamp
from datasources.records.program import (
    ProgramAttributes,
    ProgramDetails,
    ProgramPhase,
    ProgramRecord,
    new_day_completion,
    optional_count,
    pause_days,
    phase_for,
    primary_template_id,
    start_order,
)
from datasources.records.workout import ExtractionMetadata
from datasources.stores.base import EntityStore, PageRequest, RecordPage, page_in_memory
from datasources.stores.coach import current_coaches
from datasources.stores.workout import _apply_data, _check_discipline, _log_key
from datasources.transaction import Transaction, as_read
from datasources.uploads import Uploads, workout_attachments

_COMPLETED = ProgramRecord.path("attributes", "completed_workouts")
_SKIPPED = ProgramRecord.path("attributes", "skipped_workouts")
_REST_DAYS = ProgramRecord.path("attributes", "completed_rest_days")
_DONE = ("completed", "skipped")
# log-workout-template/handler.ts falls back to this conversation id for programs the
# designer built (their creationConversationId is ""), :254.
_DESIGNER_CONVERSATION = "program_designer"
# scaling-analysis.ts:71-76: what the app records when its AI analysis does not run.
_DEFAULT_SCALING = {
    "wasScaled": False,
    "modifications": [],
    "adherenceScore": 1.0,
    "analysisConfidence": 0.5,
}


@dataclass(frozen=True)
class ProgramQuery:
    """`statuses`: those only (the app's includeStatus); None: all but archived."""

    statuses: tuple[str, ...] | None = None
    coach_id: str | None = None

    def shows(self, record: ProgramRecord) -> bool:
        status = record.attributes.status
        if self.coach_id is not None and self.coach_id not in record.attributes.coach_ids:
            return False
        if self.statuses is None:
            # DynamoDB's `<>` is false for a missing attribute: the app hides those too.
            return status is not None and status != ProgramStatus.ARCHIVED.value
        return read(ProgramStatus, status).value in self.statuses


@dataclass
class ProgramListing:
    """The athlete's programs matching a query, in the app's order, and the totals per
    status of every program of theirs within its coach filter."""

    matching: list[ProgramRecord]
    by_status: dict[ProgramStatus, int] = field(default_factory=dict)

    def page(self, request: PageRequest) -> RecordPage[ProgramRecord]:
        return page_in_memory(self.matching, request, start_order)


@dataclass
class ProgramWorkoutLogged:
    program: ProgramRecord
    workout: WorkoutRecord


@dataclass
class ProgramDeleted:
    program_id: str
    archived: ProgramRecord | None  # a soft delete: the program, archived
    deleted_objects: list[str] = field(default_factory=list)


class ProgramStore(EntityStore[ProgramRecord, ProgramQuery]):
    record_type = ProgramRecord
    entity_name = "Program"
    sk_prefix = keys.PROGRAM_SK

    # --- reads ------------------------------------------------------------------------

    async def all_for_user(self, user_id: str) -> list[ProgramRecord]:
        """Every program of the athlete's, legacy partitions included: one GSI1 query, as
        the app lists them (program.ts:311-331)."""
        pk = keys.user_pk(user_id)
        page = await self.table.query(
            Key("gsi1pk").eq(pk) & Key("gsi1sk").begins_with(keys.PROGRAM_SK),
            index=definition.GSI_EMAIL,
            filter=Attr("entityType").eq(keys.PROGRAM),
        )
        pairs = [(r, i) for r, i in self._parsed(page.items) if self._owned(r, user_id)]
        cache = request_cache.get()
        if cache is not None:
            cache.items.remember([i for _, i in pairs], [r for r, _ in pairs])
        return sorted((r for r, _ in pairs), key=start_order)

    async def listing(self, user_id: str, query: ProgramQuery) -> ProgramListing:
        programs = await self.all_for_user(user_id)
        by_coach = ProgramQuery(tuple(s.value for s in ProgramStatus), query.coach_id)
        totals = dict.fromkeys(ProgramStatus, 0)
        for record in programs:
            if by_coach.shows(record):
                totals[read(ProgramStatus, record.attributes.status)] += 1
        return ProgramListing([r for r in programs if query.shows(r)], totals)

    async def list_for_user(
        self, user_id: str, request: PageRequest, query: ProgramQuery
    ) -> RecordPage[ProgramRecord]:
        return (await self.listing(user_id, query)).page(request)

    async def count_for_user(self, user_id: str, query: ProgramQuery) -> int:
        return len((await self.listing(user_id, query)).matching)

    async def get(self, user_id: str, program_id: str) -> ProgramRecord | None:
        record = await self.get_by_key(keys.user_pk(user_id), keys.program_sk(program_id))
        return record or await self.find_legacy(user_id, program_id)

    async def find_legacy(
        self, user_id: str, program_id: str, *, consistent: bool = False
    ) -> ProgramRecord | None:
        """A program in one of the app's legacy partitions, through GSI1 (its key names the
        user, the partition key names a coach too)."""
        page = await self.table.query(
            Key("gsi1pk").eq(keys.user_pk(user_id)) & Key("gsi1sk").eq(keys.program_sk(program_id)),
            index=definition.GSI_EMAIL,
            filter=Attr("entityType").eq(keys.PROGRAM),
        )
        for record, _ in self._parsed(page.items):
            if record.legacy and self._owned(record, user_id):
                # The index lags the table: a write reads the item itself.
                return await self.get_by_key(*record.key, consistent=True) if consistent else record
        return None

    async def template_workouts(self, user_id: str, template_id: str) -> list[WorkoutRecord]:
        """Every workout logged from a template: the app's GSI2 key on workouts
        (`template#<templateId>`, workout.ts:40-44; its queryWorkoutsByTemplate), the
        athlete's only, oldest first."""
        page = await self.table.query(
            Key("gsi2pk").eq(keys.workout_template_gsi2pk(template_id)),
            index=definition.GSI_USERNAME,
            filter=Attr("entityType").eq(keys.WORKOUT),
        )
        mine = [i for i in page.items if i.get("pk") == keys.user_pk(user_id)]
        records = [WorkoutRecord.from_item(i) for i in mine]
        cache = request_cache.get()
        if cache is not None:
            cache.items.remember(mine, records)
        return sorted(records, key=lambda r: (r.attributes.completed_at, r.sk))

    @staticmethod
    def _owned(record: ProgramRecord, user_id: str) -> bool:
        pk = keys.user_pk(user_id)
        return record.pk == pk or record.pk.startswith(keys.legacy_program_pk_prefix(user_id))

    async def details(self, record: ProgramRecord) -> ProgramDetails:
        """The day templates, read as stored (the app's objects carry no checksum)."""
        s3_key = record.attributes.s3_detail_key
        if not s3_key:
            raise NotFound("Program details")
        try:
            return ProgramDetails(await self.content.get_json(s3_key))
        except ContentUnavailable as err:
            raise NotFound("Program details") from err

    # --- writes -----------------------------------------------------------------------

    async def current(self, user_id: str, program_id: str) -> ProgramRecord | None:
        """The program as stored now (consistent reads); legacy partitions too."""
        return await self._find(user_id, program_id)

    async def _find(self, user_id: str, program_id: str) -> ProgramRecord | None:
        """The program as stored now (consistent reads); legacy partitions too."""
        key = (keys.user_pk(user_id), keys.program_sk(program_id))
        found = await self.get_by_key(*key, consistent=True)
        return found or await self.find_legacy(user_id, program_id, consistent=True)

    async def _locate(self, user_id: str, program_id: str, expected: int) -> ProgramRecord:
        """The program to write: as stored now, at `expected` (else CONFLICT), tracked."""
        record = await self._find(user_id, program_id)
        if record is None:
            raise NotFound(self.entity_name)
        if record.version != expected:
            raise VersionConflict(self.entity_name, record.version)
        return record.track()

    async def _commit_program(
        self, tx: Transaction, intent: Intent, result_key: tuple[str, str] | None
    ) -> None:
        try:
            await self._commit(tx, intent, result_key)
        except Cancelled as err:
            self._version_conflict(err, "program")
            raise

    async def _replay_program(self, result_key: tuple[str, str] | None) -> ProgramRecord:
        return await self._reload(result_key)

    async def update(self, user_id: str, data: UpdateProgram) -> ProgramRecord:
        intent = Intent.of(user_id, data)
        return await self._once(
            intent, lambda: self._update(user_id, data, intent), self._replay_program
        )

    async def _update(self, user_id: str, data: UpdateProgram, intent: Intent) -> ProgramRecord:
        record = await self._locate(user_id, data.program_id, data.expected_version)
        attrs = record.attributes
        if data.name is not None:
            attrs.name = data.name
        if data.description is not None:
            attrs.description = data.description
        if data.action is not None:
            _transition(record, data.action, utcnow())
        await self._commit_program(Transaction().save("program", record), intent, record.key)
        self._wrote(record)
        return record

    async def delete(self, user_id: str, data: DeleteProgram) -> ProgramDeleted:
        intent = Intent.of(user_id, data)

        async def replay(result_key: tuple[str, str] | None) -> ProgramDeleted:
            if result_key is None:
                return ProgramDeleted(data.program_id, None)
            return ProgramDeleted(data.program_id, await self._reload(result_key))

        return await self._once(intent, lambda: self._delete(user_id, data, intent), replay)

    async def _delete(self, user_id: str, data: DeleteProgram, intent: Intent) -> ProgramDeleted:
        record = await self._locate(user_id, data.program_id, data.expected_version)
        if not data.hard:
            # delete-program/handler.ts:85-111: the default is the app's soft delete.
            _transition(record, ProgramAction.ARCHIVE, utcnow())
            await self._commit_program(Transaction().save("program", record), intent, record.key)
            self._wrote(record)
            return ProgramDeleted(data.program_id, record)
        insights = (keys.user_pk(user_id), keys.program_insights_sk(data.program_id))
        tx = Transaction().delete("program", record.key, condition=as_read(record), was=record)
        # The app leaves the insights behind (nothing reads them without the program); a
        # delete the athlete asked for takes them too.
        tx.delete("insights", insights)
        await self._commit_program(tx, intent, None)
        self._gone(record.key, insights)
        detail = record.attributes.s3_detail_key
        # The item first, then its object (as the app: handler.ts:43-69).
        await self._forget_objects(detail)
        return ProgramDeleted(data.program_id, None, [detail] if detail else [])

    async def log_workout(self, user_id: str, data: LogProgramWorkout) -> ProgramWorkoutLogged:
        intent = Intent.of(user_id, data)

        async def replay(result_key: tuple[str, str] | None) -> ProgramWorkoutLogged:
            item = await self.table.get(*result_key, consistent=True) if result_key else None
            program = await self._find(user_id, data.program_id)
            if item is None or item.get("entityType") != keys.WORKOUT or program is None:
                raise NotFound(self.entity_name)
            workout = WorkoutRecord.from_item(item)
            self._wrote(program, workout)
            return ProgramWorkoutLogged(program, workout)

        return await self._once(intent, lambda: self._log(user_id, data, intent), replay)

    async def _log(
        self, user_id: str, data: LogProgramWorkout, intent: Intent
    ) -> ProgramWorkoutLogged:
        record = await self._locate(user_id, data.program_id, data.expected_version)
        details = await self.details(record)
        template = details.template(data.template_id)
        if template is None:
            raise NotFound("Workout template")
        if template.get("status") == "completed":
            # log-workout-template/handler.ts:126-129
            raise Invalid("this workout template is already completed", "templateId")
        found = workout_attachments(data.image_s3_keys)
        if found:
            await Uploads(self.content).check(user_id, found)
        now = utcnow()
        workout = _workout(user_id, record, template, data, now)
        attrs = workout.attributes
        if data.image_s3_keys:
            attrs.image_s3_keys = list(data.image_s3_keys)
        if data.detailed_log is not None:
            stored_log = await self.content.put_json(
                _log_key(user_id, attrs.workout_data.date, attrs.workout_id), data.detailed_log
            )
            attrs.detailed_log = stored_log.to_pointer()
        feedback = data.feedback
        template.update(
            status="completed",
            completedAt=format_timestamp(attrs.completed_at),
            linkedWorkoutId=attrs.workout_id,  # the app links it after its build: linked now
            userFeedback={
                "rating": feedback.rating if feedback else 0,
                "difficulty": feedback.difficulty if feedback else None,
                "comments": feedback.comments if feedback else None,
                "timestamp": format_timestamp(now),
                "scalingAnalysis": dict(_DEFAULT_SCALING),
            },
        )
        _progress(record, details, template)
        program = record.attributes
        program.completed_workouts = (program.completed_workouts or 0) + 1
        record.recompute_adherence()
        program.last_activity_at = now
        old_key = await self._store_details(user_id, record, details)
        tx = Transaction().create("workout", workout)
        tx.save("program", record, add={_COMPLETED: 1})
        try:
            await self._commit(tx, intent, workout.key)
        except Cancelled as err:
            if err.failed("workout"):
                raise AlreadyExists(
                    f"workoutId {attrs.workout_id} is already taken", "workoutId"
                ) from err
            self._version_conflict(err, "program")
            raise
        self._wrote(record, workout)
        self._known_details(record, details)
        await self._forget_objects(old_key)
        return ProgramWorkoutLogged(record, workout)

    async def skip_day(self, user_id: str, data: SkipProgramDay) -> ProgramRecord:
        intent = Intent.of(user_id, data)
        return await self._once(
            intent, lambda: self._skip(user_id, data, intent), self._replay_program
        )

    async def _skip(self, user_id: str, data: SkipProgramDay, intent: Intent) -> ProgramRecord:
        record = await self._locate(user_id, data.program_id, data.expected_version)
        details = await self.details(record)
        attrs = record.attributes
        if data.template_id is not None:
            template = details.template(data.template_id)
            if template is None:
                raise NotFound("Workout template")
            status = template.get("status")
            if status in _DONE:
                # skip-workout-template/handler.ts:338-347
                raise Invalid(f"this workout template is already {status}", "templateId")
            chosen = [template]
        else:
            day = data.day_number or attrs.current_day or 1
            on_day = details.on_day(day)
            if not on_day:
                raise Invalid(f"day {day} is a rest day: complete it instead", "dayNumber")
            chosen = [t for t in on_day if t.get("status") not in _DONE]
            if not chosen:
                raise Invalid(f"every workout of day {day} is already done", "dayNumber")
        now = utcnow()
        for template in chosen:
            template.update(status="skipped", completedAt=format_timestamp(now))
            template["linkedWorkoutId"] = None
            if data.skip_reason or data.skip_notes:
                template["userFeedback"] = {
                    "rating": 0,
                    "difficulty": None,
                    "comments": data.skip_reason or data.skip_notes,
                    "timestamp": format_timestamp(now),
                }
            _progress(record, details, template)
        # Skips leave adherence as it is (handler.ts:453-455).
        attrs.skipped_workouts = (attrs.skipped_workouts or 0) + len(chosen)
        attrs.last_activity_at = now
        old_key = await self._store_details(user_id, record, details)
        tx = Transaction().save("program", record, add={_SKIPPED: len(chosen)})
        await self._commit_program(tx, intent, record.key)
        self._wrote(record)
        self._known_details(record, details)
        await self._forget_objects(old_key)
        return record

    async def complete_rest_day(self, user_id: str, data: CompleteRestDay) -> ProgramRecord:
        intent = Intent.of(user_id, data)
        return await self._once(
            intent, lambda: self._rest(user_id, data, intent), self._replay_program
        )

    async def _rest(self, user_id: str, data: CompleteRestDay, intent: Intent) -> ProgramRecord:
        record = await self._locate(user_id, data.program_id, data.expected_version)
        attrs = record.attributes
        day = data.day_number or attrs.current_day or 1
        total = attrs.total_days or 0
        if not 1 <= day <= total:
            raise Invalid(f"dayNumber must be between 1 and {total}", "dayNumber")
        scheduled = (await self.details(record)).on_day(day)
        if scheduled:
            # skip-workout-template/handler.ts:118-128
            raise Invalid(
                f"day {day} has {len(scheduled)} scheduled workout(s): log or skip them",
                "dayNumber",
            )
        status = dict(attrs.day_completion_status or {})
        entry = status.get(str(day))
        already = entry is not None and entry.primary_complete
        if entry is None:
            status[str(day)] = new_day_completion(0, primary_complete=True)
        else:
            entry.primary_complete = True
        attrs.day_completion_status = status
        attrs.last_activity_at = utcnow()
        add: dict[Path, int | float] = {}
        if not already:
            attrs.completed_rest_days = (attrs.completed_rest_days or 0) + 1
            add[_REST_DAYS] = 1
        _advance(record, day)
        tx = Transaction().save("program", record, add=add)
        await self._commit_program(tx, intent, record.key)
        self._wrote(record)
        return record

    async def create(self, user_id: str, data: CreateProgram) -> ProgramRecord:
        """A program with its day templates (the designer's result, without the AI): the
        demo data's path; the API has no mutation for it."""
        intent = Intent.of(user_id, data)
        return await self._once(
            intent, lambda: self._create(user_id, data, intent), self._replay_program
        )

    async def _create(self, user_id: str, data: CreateProgram, intent: Intent) -> ProgramRecord:
        (coach,) = await current_coaches(self.table, user_id, [data.coach_id])
        now = utcnow()
        stamp = int(now.timestamp() * 1000)
        program_id = data.program_id or f"program_{user_id}_{stamp}_{_short()}"
        phases = [
            ProgramPhase(
                phase_id=f"phase_{index + 1}",
                name=phase.name,
                description=phase.description,
                start_day=phase.start_day,
                end_day=phase.end_day,
                duration_days=phase.end_day - phase.start_day + 1,
                focus_areas=list(phase.focus_areas),
            )
            for index, phase in enumerate(data.phases)
        ]
        groups = {t.day_number: f"group_{user_id}_{stamp}_{_short()}" for t in data.templates}
        templates = [
            _template(user_id, stamp, groups[t.day_number], t, phases, data.start_date)
            for t in data.templates
        ]
        details = {
            "programId": program_id,
            "programContext": {
                "goals": list(data.training_goals),
                "purpose": data.description or data.name,
                "successMetrics": [],
                "equipmentConstraints": list(data.equipment_constraints),
            },
            "workoutTemplates": templates,
            "generationMetadata": {
                "generatedAt": format_timestamp(now),
                "generatedBy": data.coach_id,
                "aiModel": "n/a",
                "confidence": 1.0,
            },
        }
        stored = await self.content.put_json(_details_key(user_id, program_id), details, plain=True)
        record = ProgramRecord.new(
            user_id,
            ProgramAttributes(
                program_id=program_id,
                user_id=user_id,
                coach_ids=[data.coach_id],
                coach_names=[coach.attributes.coach_name],
                creation_conversation_id="",
                name=data.name,
                description=data.description,
                status=ProgramStatus.ACTIVE.value,
                start_date=data.start_date.isoformat(),
                end_date=(data.start_date + timedelta(days=data.total_days - 1)).isoformat(),
                total_days=data.total_days,
                current_day=1,
                paused_duration=0,
                phases=phases,
                equipment_constraints=list(data.equipment_constraints),
                training_goals=list(data.training_goals),
                training_frequency=data.training_frequency,
                total_workouts=len(templates),
                completed_workouts=0,
                skipped_workouts=0,
                completed_rest_days=0,
                adherence_rate=0,
                last_activity_at=now,
                s3_detail_key=stored.key,
                adaptation_log=[],
                day_completion_status={},
            ),
            now,
        )
        tx = Transaction().create("program", record)
        try:
            await self._commit(tx, intent, record.key)
        except Cancelled as err:
            if err.failed("program"):
                raise AlreadyExists(
                    f"programId {program_id} is already taken", "programId"
                ) from err
            raise
        self._wrote(record)
        return record

    # --- S3 details ---------------------------------------------------------------------

    async def _store_details(
        self, user_id: str, record: ProgramRecord, details: ProgramDetails
    ) -> str | None:
        """The changed details as a new object; the record now names it. Returns the key
        it named before (to delete once the write has committed), if another."""
        old = record.attributes.s3_detail_key
        stored = await self.content.put_json(
            _details_key(user_id, record.program_id), details.document, plain=True
        )
        record.attributes.s3_detail_key = stored.key
        return old if old != stored.key else None

    @staticmethod
    def _known_details(record: ProgramRecord, details: ProgramDetails) -> None:
        """Later fields of the same request read the details just written, not S3."""
        cache = request_cache.get()
        s3_key = record.attributes.s3_detail_key
        if cache is not None and s3_key:
            cache.content.prime((s3_key, None), details.document, force=True)


def _short() -> str:
    return uuid.uuid4().hex[:9]


def _details_key(user_id: str, program_id: str) -> Callable[[str], str]:
    return lambda digest: keys.program_details_key(user_id, program_id, digest)


def _transition(record: ProgramRecord, action: ProgramAction, now: datetime) -> None:
    """update-program/handler.ts:45-70 (archive: delete-program's soft delete, :94-96)."""
    attrs = record.attributes
    if action is ProgramAction.PAUSE:
        # The app pauses whatever the state; pausing twice would reset pausedAt and lose
        # the first pause's days, so only a running program pauses here.
        if attrs.status != ProgramStatus.ACTIVE.value:
            raise Invalid(f"only an active program can be paused (it is {attrs.status})", "action")
        attrs.status = ProgramStatus.PAUSED.value
        attrs.paused_at = now
    elif action is ProgramAction.RESUME:
        if attrs.paused_at is None:
            raise Invalid("the program is not paused", "action")
        attrs.paused_duration = (attrs.paused_duration or 0) + pause_days(attrs.paused_at, now)
        attrs.paused_at = None  # stored as the app stores it: null (handler.ts:67)
        attrs.status = ProgramStatus.ACTIVE.value
    elif action is ProgramAction.COMPLETE:
        attrs.status = ProgramStatus.COMPLETED.value
    else:
        attrs.status = ProgramStatus.ARCHIVED.value


def _progress(record: ProgramRecord, details: ProgramDetails, template: dict[str, Any]) -> None:
    """A template just completed or skipped: the day's completion, then the current day
    (log-workout-template/handler.ts:300-370, skip-workout-template/handler.ts:392-460)."""
    day = template.get("dayNumber")
    if not isinstance(day, int):
        return
    attrs = record.attributes
    on_day = details.on_day(day)
    status = dict(attrs.day_completion_status or {})
    entry = status.get(str(day)) or new_day_completion(optional_count(on_day))
    if template.get("templateId") == primary_template_id(on_day):
        entry.primary_complete = True
    else:
        entry.optional_completed += 1
    status[str(day)] = entry
    attrs.day_completion_status = status
    if all(t.get("status") in _DONE for t in on_day):
        _advance(record, day)


def _advance(record: ProgramRecord, day: int) -> None:
    """Past the current day when it is the one just finished; past the last: completed."""
    attrs = record.attributes
    if attrs.current_day != day:
        return
    attrs.current_day = day + 1
    if attrs.total_days is not None and attrs.current_day > attrs.total_days:
        attrs.status = ProgramStatus.COMPLETED.value


def _workout(
    user_id: str,
    program: ProgramRecord,
    template: dict[str, Any],
    data: LogProgramWorkout,
    now: datetime,
) -> WorkoutRecord:
    """The workout the app's build-workout saves from a template (workout-logger/tools.ts:
    1281-1305, with the GSI keys of workout.ts:35-44), from the athlete's own fields."""
    _check_discipline(data.discipline.value, data)
    completed = data.completed_at or now
    attrs = program.attributes
    given_name = data.workout_name or str(template.get("name") or "Program workout")
    workout_id = data.workout_id or f"workout_{uuid.uuid4().hex}"
    workout_attrs = WorkoutAttributes(
        workout_id=workout_id,
        user_id=user_id,
        coach_ids=attrs.coach_ids[:1],
        coach_names=(attrs.coach_names or [])[:1],
        conversation_id=attrs.creation_conversation_id or _DESIGNER_CONVERSATION,
        completed_at=completed,
        workout_data=WorkoutData(
            discipline=data.discipline.value,
            workout_name=given_name,
            date=completed.strftime("%Y-%m-%d"),
        ),
        extraction_metadata=ExtractionMetadata.model_validate(
            {
                "confidence": data.extraction_confidence
                if data.extraction_confidence is not None
                else 1.0,
                "extractedAt": now,
                "reviewedBy": "system",
                "reviewedAt": now,
                "normalizationSummary": "No normalization performed",
                "templateComparison": dict(_DEFAULT_SCALING),
            }
        ),
        summary=data.summary,
        template_id=str(template.get("templateId")),
        group_id=str(template.get("groupId")) if template.get("groupId") else None,
    )
    _apply_data(workout_attrs.workout_data, data)
    data_block = workout_attrs.workout_data
    data_block.workout_name = data_block.workout_name or given_name
    # libs/program/logging-utils.ts:117-118: how the app marks a template's workout.
    data_block.metadata = {
        **(data_block.metadata or {}),
        "logged_via": "training_program",
        "extraction_method": "training_program_template",
    }
    record = WorkoutRecord.new(workout_attrs, now)
    sk = keys.workout_sk(workout_id)
    if workout_attrs.group_id:
        record.gsi1pk, record.gsi1sk = keys.workout_group_gsi1pk(workout_attrs.group_id), sk
    record.gsi2pk, record.gsi2sk = keys.workout_template_gsi2pk(workout_attrs.template_id or ""), sk
    return record


def _template(
    user_id: str,
    stamp: int,
    group_id: str,
    given: Any,
    phases: list[ProgramPhase],
    start: date,
) -> dict[str, Any]:
    """WorkoutTemplate (libs/program/types.ts:106-151), pending."""
    phase = phase_for(phases, given.day_number)
    template: dict[str, Any] = {
        "templateId": f"template_{user_id}_{stamp}_{_short()}",
        "groupId": group_id,
        "dayNumber": given.day_number,
        "name": given.name,
        "type": given.type,
        "description": given.description,
        "prescribedExercises": list(given.prescribed_exercises),
        "scoringType": given.scoring_type,
        "estimatedDuration": given.estimated_duration,
        "restAfter": 0,
        "status": "pending",
        "completedAt": None,
        "linkedWorkoutId": None,
        "userFeedback": None,
        "scheduledDate": (start + timedelta(days=given.day_number - 1)).isoformat(),
    }
    if phase is not None:
        template["phaseId"] = phase.phase_id
    if given.session_role:
        template["sessionRole"] = given.session_role
    if given.equipment is not None:
        template["equipment"] = list(given.equipment)
    if given.metadata is not None:
        template["metadata"] = dict(given.metadata)
    return template
