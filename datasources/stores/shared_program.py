"""Shared programs, as NeonPanda's app keeps them (amplify/dynamodb/shared-program.ts and the
create-, get-, get-shared-programs, delete- and copy-shared-program handlers).

- A share is a frozen snapshot of one of the creator's programs: the item (the preview's
  fields) and an S3 document with the day templates, written first (plain JSON as the app
  reads it, content-addressed under the creator's prefix), then the item in one
  transaction with a check that the program is still as read.
- Viewing the public preview adds one to `viewCount` and reads the share in the same call
  (one UpdateItem, ReturnValues ALL_NEW); copying adds one to `copyCount` in the same
  transaction as the new program (the app adds both afterwards, best effort). Counters move
  `updatedAt` as the app's do, never `version`: a creator's unshare, conditioned on the
  version, is not refused because someone looked.
- Unsharing is the app's soft delete (`isActive: false`); the creator's list hides it.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from boto3.dynamodb.conditions import Attr, ConditionBase, Key

from datasources import cost, definition, keys
from datasources.enums import ProgramStatus
from datasources.errors import (
    Busy,
    Cancelled,
    ConditionFailed,
    ContentUnavailable,
    Invalid,
    NotFound,
    VersionConflict,
)
from datasources.idempotency import Intent
from datasources.inputs.shared_program import CopySharedProgram, ShareProgram, UnshareProgram
from datasources.records import CoachRecord, ProgramRecord, utcnow
from datasources.records.base import format_timestamp
from datasources.records.program import ProgramAttributes, ProgramDetails
from datasources.records.shared_program import (
    SharedProgramAttributes,
    SharedProgramRecord,
    SharedProgramSnapshot,
    fresh_template,
)
from datasources.stores.base import EntityStore, NoFilter, PageRequest, idempotent
from datasources.stores.coach import CoachQuery, CoachStore, current_coaches, require_coaches
from datasources.stores.program import ProgramStore
from datasources.transaction import Transaction, Update, as_read, at_version

_VIEWS = SharedProgramRecord.path("attributes", "view_count")
_COPIES = SharedProgramRecord.path("attributes", "copy_count")
_ACTIVE = ".".join(SharedProgramRecord.path("attributes", "is_active"))
_CREATOR = ".".join(SharedProgramRecord.path("attributes", "creator_user_id"))
_NANOID = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"


@dataclass
class Shared:
    record: SharedProgramRecord
    existing: bool  # the program's active share, found (the app answers with it: no write)


def _active() -> ConditionBase:
    return Attr("pk").exists() & Attr(_ACTIVE).eq(True)


class SharedProgramStore(EntityStore[SharedProgramRecord, NoFilter]):
    record_type = SharedProgramRecord
    entity_name = "Shared program"
    sk_prefix = keys.SHARED_PROGRAM_SK

    # --- reads ------------------------------------------------------------------------

    async def get(self, shared_program_id: str) -> SharedProgramRecord | None:
        """The share in any state (the creator's reads)."""
        return await self.get_by_key(
            keys.shared_program_pk(shared_program_id), keys.SHARED_PROGRAM_SK
        )

    async def view(self, shared_program_id: str) -> SharedProgramRecord | None:
        """An active share, its view counted: one UpdateItem that adds to `viewCount` and
        returns the item (get-shared-program/handler.ts:26-57 reads, then adds). None when
        there is no such share or it was unshared (nothing is written then), or the id is
        not one a share could have (no read then: a link is anyone's input)."""
        if not keys.is_safe_id(shared_program_id):
            return None
        key = (keys.shared_program_pk(shared_program_id), keys.SHARED_PROGRAM_SK)
        now = format_timestamp(utcnow())
        try:
            item = await self.table.update(
                key, Update(add={_VIEWS: 1}, set={("updatedAt",): now}), condition=_active()
            )
        except ConditionFailed:
            return None
        return self.parse(item)

    async def for_creator(
        self, user_id: str, *, include_inactive: bool = False
    ) -> list[SharedProgramRecord]:
        """The creator's shares through GSI1, as the app lists them: active ones (all with
        `include_inactive`), newest first, then by id (shared-program.ts:168-240)."""
        page = await self.table.query(
            Key("gsi1pk").eq(keys.user_pk(user_id))
            & Key("gsi1sk").begins_with(keys.SHARED_PROGRAM_PK),
            index=definition.GSI_EMAIL,
            filter=Attr("entityType").eq(keys.SHARED_PROGRAM),
        )
        found = [r for r, _ in self._parsed(page.items) if r.owned_by(user_id)]
        shown = [r for r in found if include_inactive or r.attributes.is_active]
        return sorted(shown, key=lambda r: (-r.created_at.timestamp(), r.shared_program_id))

    async def active_share_of(self, user_id: str, program_id: str) -> SharedProgramRecord | None:
        """The program's active share, through GSI2 (shared-program.ts:101-141)."""
        page = await self.table.query(
            Key("gsi2pk").eq(keys.user_pk(user_id))
            & Key("gsi2sk").eq(keys.original_program_gsi2sk(program_id)),
            index=definition.GSI_USERNAME,
            filter=Attr("entityType").eq(keys.SHARED_PROGRAM) & Attr(_ACTIVE).eq(True),
        )
        found = [r for r, _ in self._parsed(page.items) if r.owned_by(user_id)]
        return min(found, key=lambda r: r.created_at) if found else None

    async def templates(self, record: SharedProgramRecord) -> list[dict[str, Any]]:
        """The frozen day templates (the S3 document, read as stored: no checksum)."""
        s3_key = record.attributes.s3_detail_key
        if not s3_key:
            raise NotFound("Shared program details")
        try:
            document = await self.content.get_json(s3_key)
        except ContentUnavailable as err:
            raise NotFound("Shared program details") from err
        found = document.get("workoutTemplates") if isinstance(document, dict) else None
        return [t for t in found if isinstance(t, dict)] if isinstance(found, list) else []

    # --- share ------------------------------------------------------------------------

    async def share(self, user_id: str, data: ShareProgram) -> Shared:
        intent = Intent.of(user_id, data)

        async def replay(result_key: tuple[str, str] | None) -> Shared:
            return Shared(await self._reload(result_key), existing=False)

        return await self._once(intent, lambda: self._share(user_id, data, intent), replay)

    async def _share(self, user_id: str, data: ShareProgram, intent: Intent) -> Shared:
        """create-shared-program/handler.ts:42-136, the program's templates frozen without
        anyone's progress (ours: the app copies its creator's log and feedback along)."""
        programs = ProgramStore(self.table, self.content)
        # One wave: the program's share (if any), the program, the creator's profile.
        existing, program, profile = await cost.gather(
            self.active_share_of(user_id, data.program_id),
            programs.current(user_id, data.program_id),
            self.table.get(keys.user_pk(user_id), keys.PROFILE_SK, consistent=True),
        )
        if existing is not None:
            return Shared(existing, existing=True)
        if program is None:
            raise NotFound("Program")
        attrs = program.attributes
        if attrs.status == ProgramStatus.ARCHIVED.value:
            raise Invalid("an archived program cannot be shared", "programId")
        if not attrs.s3_detail_key:
            raise Invalid("this program has no workouts generated yet", "programId")
        program.track()
        details = await programs.details(program)
        now = utcnow()
        shared_id = new_shared_program_id()
        snapshot = SharedProgramSnapshot(
            name=attrs.name or "",
            description=attrs.description or "",
            total_days=attrs.total_days,
            training_frequency=attrs.training_frequency,
            phases=list(attrs.phases),
            training_goals=list(attrs.training_goals or []),
            equipment_constraints=list(attrs.equipment_constraints or []),
            coach_names=list(attrs.coach_names or []),
        )
        original = details.document.get("generationMetadata") or {}
        document = {
            "sharedProgramId": shared_id,
            "programSnapshot": snapshot.model_dump(by_alias=True, mode="json", exclude_none=True),
            "workoutTemplates": [fresh_template(t) for t in details.templates],
            "generationMetadata": _without_none(
                {
                    "sharedAt": format_timestamp(now),
                    "originalProgramId": attrs.program_id,
                    "originalGeneratedBy": original.get("generatedBy"),
                    "originalAiModel": original.get("aiModel"),
                    "originalConfidence": original.get("confidence"),
                    "originalGenerationPrompt": original.get("generationPrompt"),
                }
            ),
        }
        stored = await self.content.put_json(
            lambda digest: keys.shared_program_details_key(user_id, shared_id, digest),
            document,
            plain=True,
        )
        record = SharedProgramRecord.new(
            SharedProgramAttributes(
                shared_program_id=shared_id,
                original_program_id=attrs.program_id,
                original_coach_id=attrs.coach_ids[0] if attrs.coach_ids else None,
                creator_user_id=user_id,
                creator_username=_username(profile),
                program_snapshot=snapshot,
                s3_detail_key=stored.key,
                is_active=True,
                view_count=0,
                copy_count=0,
            ),
            now,
        )
        tx = Transaction().create("shared", record)
        # The snapshot is of the program as read: one changed meanwhile is shared again.
        tx.check("program", program.key, as_read(program))
        try:
            await self._commit(tx, intent, record.key)
        except Cancelled as err:
            failure = err.failed("program")
            if failure is not None:
                if failure.item is None:
                    raise NotFound("Program") from err
                raise VersionConflict(
                    "Program",
                    int(failure.item.get("version", 1)),
                    "The program changed while it was being shared; retry",
                ) from err
            if err.failed("shared"):
                raise Busy("A share id was taken; retry") from err
            raise
        self._wrote(record)
        return Shared(record, existing=False)

    # --- unshare ----------------------------------------------------------------------

    @idempotent
    async def unshare(
        self, user_id: str, data: UnshareProgram, intent: Intent
    ) -> SharedProgramRecord:
        """delete-shared-program/handler.ts and shared-program.ts:276-334: another athlete's
        share is NOT_FOUND (as a missing one); an inactive one is answered as it is."""
        key = (keys.shared_program_pk(data.shared_program_id), keys.SHARED_PROGRAM_SK)
        record = await self._current(key)
        if not record.owned_by(user_id):
            raise NotFound(self.entity_name)
        if record.version != data.expected_version:
            raise VersionConflict(self.entity_name, record.version)
        if not record.attributes.is_active:
            return record
        record.attributes.is_active = False
        # Only isActive and updatedAt are set: views and copies counted meanwhile (ADDs,
        # which move updatedAt but not the version) stay.
        condition = at_version(data.expected_version) & Attr(_CREATOR).eq(user_id)
        tx = Transaction().save("shared", record, condition=condition)
        try:
            await self._commit(tx, intent, record.key)
        except Cancelled as err:
            self._version_conflict(err, "shared")
            raise
        self._wrote(record)
        return record

    # --- copy -------------------------------------------------------------------------

    async def copy(self, user_id: str, data: CopySharedProgram) -> ProgramRecord:
        intent = Intent.of(user_id, data)
        programs = ProgramStore(self.table, self.content)
        return await self._once(
            intent, lambda: self._copy(user_id, data, intent), programs._replay_program
        )

    async def _copy(self, user_id: str, data: CopySharedProgram, intent: Intent) -> ProgramRecord:
        """copy-shared-program/handler.ts and libs/shared-program/copy-utils.ts:47-187: a new
        active program of the caller's from day 1, today, with the app's copy metadata; the
        share's copyCount moves in the same transaction, conditioned on it being shared."""
        # One wave: the share, and the coach (or, none named, the athlete's coaches).
        shared, coach = await cost.gather(
            self.get_by_key(
                keys.shared_program_pk(data.shared_program_id),
                keys.SHARED_PROGRAM_SK,
                consistent=True,
            ),
            self._coach_of_copy(user_id, data.coach_id),
        )
        if shared is None:
            raise NotFound(self.entity_name)
        if not shared.attributes.is_active:
            raise Invalid("this program is no longer shared", "sharedProgramId")
        coach_id = coach.attributes.coach_id
        templates = await self.templates(shared)
        snapshot = shared.attributes.program_snapshot
        source = shared.attributes
        now = utcnow()
        stamp = int(now.timestamp() * 1000)
        program_id = f"program_{user_id}_{stamp}_{uuid.uuid4().hex[:9]}"
        start = now.date()
        total = snapshot.total_days or max((_day(t) for t in templates), default=1)
        copied = [fresh_template(t) for t in templates]
        for template in copied:
            if _day(template) >= 1:
                template["scheduledDate"] = (start + timedelta(days=_day(template) - 1)).isoformat()
        document = {
            "programId": program_id,
            "programContext": {
                "goals": list(snapshot.training_goals),
                "purpose": snapshot.description,
                "successMetrics": [],
                "equipmentConstraints": list(snapshot.equipment_constraints),
            },
            "workoutTemplates": copied,
            "generationMetadata": {
                "generatedAt": format_timestamp(now),
                "generatedBy": coach_id,
                "aiModel": "copied",
                "confidence": 1.0,
                "generationPrompt": f"Copied from shared program {source.shared_program_id} "
                f"by {source.creator_username or 'Anonymous'}.",
            },
        }
        stored = await self.content.put_json(
            lambda digest: keys.program_details_key(user_id, program_id, digest),
            document,
            plain=True,
        )
        record = ProgramRecord.new(
            user_id,
            ProgramAttributes(
                program_id=program_id,
                user_id=user_id,
                coach_ids=[coach_id],
                coach_names=[coach.attributes.coach_name],
                name=snapshot.name,
                description=snapshot.description,
                status=ProgramStatus.ACTIVE.value,
                start_date=start.isoformat(),
                end_date=(start + timedelta(days=total - 1)).isoformat(),
                total_days=total,
                current_day=1,
                paused_duration=0,
                phases=list(snapshot.phases),
                equipment_constraints=list(snapshot.equipment_constraints),
                training_goals=list(snapshot.training_goals),
                training_frequency=snapshot.training_frequency,
                total_workouts=len(copied),
                completed_workouts=0,
                skipped_workouts=0,
                completed_rest_days=0,
                adherence_rate=0,
                s3_detail_key=stored.key,
                adaptation_log=[],
                day_completion_status={},
                # copy-utils.ts:133-140: the app's dashboard opens its adaptation chat on it.
                metadata={
                    "copiedFromSharedProgram": True,
                    "sharedProgramId": source.shared_program_id,
                    "sourceCreator": source.creator_username,
                    "sourceCoachNames": list(snapshot.coach_names),
                    "adaptationReviewed": False,
                    "copiedAt": format_timestamp(now),
                },
            ),
            now,
        )
        tx = Transaction().create("program", record)
        require_coaches(tx, user_id, [coach_id])
        tx.update(
            "shared",
            shared.key,
            Update(add={_COPIES: 1}, set={("updatedAt",): format_timestamp(now)}),
            condition=_active(),
        )
        try:
            await self._commit(tx, intent, record.key)
        except Cancelled as err:
            if err.failed("shared") is not None:
                raise Invalid("this program was unshared meanwhile", "sharedProgramId") from err
            if err.failed_any("coach"):
                raise NotFound("Coach") from err
            if err.failed("program"):
                raise Busy("A program id was taken; retry") from err
            raise
        self._wrote(record)
        ProgramStore._known_details(record, ProgramDetails(document))
        return record

    async def _coach_of_copy(self, user_id: str, coach_id: str | None) -> CoachRecord:
        """The named coach as stored now; none named, the athlete's only coach (not
        archived): the app's copy names one, and its program readers use the first
        (program.ts:28)."""
        if coach_id is not None:
            (coach,) = await current_coaches(self.table, user_id, [coach_id])
            return coach
        coaches = CoachStore(self.table, self.content)
        page = await coaches.list_for_user(user_id, PageRequest(size=2), CoachQuery())
        if len(page.records) != 1:
            raise Invalid(
                "coachId: name the coach of the copy"
                + (" (you have several)" if page.records else " (you have no coach yet)"),
                "coachId",
            )
        return page.records[0]


def new_shared_program_id() -> str:
    """`sharedProgram_<nanoid(21)>`, no user id in it (libs/id-utils.ts:59-62)."""
    return "sharedProgram_" + "".join(secrets.choice(_NANOID) for _ in range(21))


def _username(profile: dict[str, Any] | None) -> str:
    """create-shared-program/handler.ts:87-89: the username, else the email's local part."""
    attributes = (profile or {}).get("attributes") or {}
    username = attributes.get("username")
    if isinstance(username, str) and username:
        return username
    email = attributes.get("email")
    if isinstance(email, str) and email:
        return email.split("@")[0]
    return "Anonymous"


def _day(template: dict[str, Any]) -> int:
    day = template.get("dayNumber")
    return day if isinstance(day, int) and not isinstance(day, bool) else 0


def _without_none(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}
