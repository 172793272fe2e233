"""Coach configs of a user, shared with NeonPanda's app (which writes the same items).

- create: the app's whole CoachConfig, its own defaults for what the input leaves out and
  prompts templated from the coach's fields (datasources/coach_config.py).
- update: merges, at the deepest level; keys it does not name, and keys this API does not
  know, stay as stored; explicit null removes a key; values the app keeps twice move
  together; a coach missing what the app requires (written by an older version of this
  API) gets it.
- delete: as the app deletes a coach (delete-coach-config/handler.ts:16-47): archived
  (`status: "archived"`, nothing removed: memories, conversations and workouts stay), and
  refused while a program that is not archived lists the coach.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from boto3.dynamodb.conditions import Attr, ConditionBase, Key
from pydantic import BaseModel

from datasources import coach_config, cost, definition, keys
from datasources.errors import AlreadyExists, Busy, Cancelled, InUse, Invalid, NotFound
from datasources.idempotency import Intent
from datasources.inputs.coach import (
    CreateCoach,
    CreateCoachFromTemplate,
    DeleteCoach,
    UpdateCoach,
)
from datasources.records import CoachAttributes, CoachRecord, utcnow
from datasources.records.base import format_timestamp, merge_field
from datasources.records.coach import (
    ARCHIVED,
    PROMPTS_FROM_CLIENT,
    CoachMetadata,
    GeneratedPrompts,
    MethodologyProfile,
    ModificationCapabilities,
    SelectedMethodology,
    SelectedPersonality,
    TechnicalConfig,
)
from datasources.records.coach_template import CoachTemplateRecord
from datasources.records.program import ProgramCoachView
from datasources.stores.base import EntityStore, field, idempotent, null_or_absent
from datasources.stores.coach_template import CoachTemplateStore
from datasources.table import Table
from datasources.transaction import Transaction, Update, exists

# Programs a delete checks at commit (the transaction holds 100 actions: these, the coach,
# the idempotency marker and the counts update).
MAX_PROGRAM_CHECKS = 90
# Input field -> the coach attribute it writes (the app's names).
_ATTRIBUTE_OF = {
    "name": "coach_name",
    "description": "coach_description",
    "gender_preference": "gender_preference",
    "personality": "selected_personality",
    "methodology": "selected_methodology",
    "technical_config": "technical_config",
    "generated_prompts": "generated_prompts",
    "modification_capabilities": "modification_capabilities",
}
_PART_MODEL: dict[str, type[BaseModel]] = {
    "selected_personality": SelectedPersonality,
    "selected_methodology": SelectedMethodology,
    "technical_config": TechnicalConfig,
    "generated_prompts": GeneratedPrompts,
    "modification_capabilities": ModificationCapabilities,
}


@dataclass(frozen=True)
class CoachQuery:
    include_archived: bool = False  # the app archives coaches instead of deleting them


class CoachStore(EntityStore[CoachRecord, CoachQuery]):
    """Listed oldest first; archived coaches only when asked for."""

    record_type = CoachRecord
    entity_name = "Coach"
    sk_prefix = keys.COACH_SK
    counter = "coaches"
    default_query = CoachQuery()

    @classmethod
    def where(cls, query: CoachQuery) -> ConditionBase | None:
        if query.include_archived:
            return None
        status = field(CoachRecord, "attributes", "status")
        return null_or_absent(status) | status.ne(ARCHIVED)

    async def get(self, user_id: str, coach_id: str) -> CoachRecord | None:
        return await self.get_by_key(keys.user_pk(user_id), keys.coach_sk(coach_id))

    # --- create -----------------------------------------------------------------------

    @idempotent
    async def create(self, user_id: str, data: CreateCoach, intent: Intent) -> CoachRecord:
        record = new_coach(user_id, data, utcnow())
        try:
            await self._commit(Transaction().create("coach", record), intent, record.key)
        except Cancelled as err:
            raise AlreadyExists(
                f"A coach with id {record.attributes.coach_id} already exists", "coachId"
            ) from err
        self._wrote(record)
        return record

    async def create_from_template(
        self, user_id: str, data: CreateCoachFromTemplate
    ) -> CoachRecord:
        """The template's coach config copied into a new coach of the athlete, as the app
        does it (amplify/dynamodb/coach-template.ts:124-166: new id, `created_date` now,
        no conversations yet), and the template's popularity moved in the SAME
        transaction (the app moves it afterwards, best effort): a coach made is always
        counted once, a retry with the same idempotency key neither."""
        intent = Intent.of(user_id, data)
        return await self._once(
            intent, lambda: self._from_template(user_id, data, intent), self._reload
        )

    async def _from_template(
        self, user_id: str, data: CreateCoachFromTemplate, intent: Intent
    ) -> CoachRecord:
        template = await CoachTemplateStore(self.table).get(data.template_id)
        if template is None:
            raise NotFound(f"Coach template {data.template_id}")
        if not template.attributes.metadata.is_active:
            raise Invalid("That coach template is not active", "templateId")
        now = utcnow()
        attrs = template.attributes.base_config.model_copy(deep=True)
        attrs.coach_id = keys.template_coach_id(user_id, now)
        attrs.metadata.created_date = now
        attrs.metadata.total_conversations = 0
        attrs.status = None  # a new coach is active (status absent, as the app copies it)
        coach_config.complete(attrs, now)  # anything the template lacks, the app's defaults
        record = CoachRecord.new(user_id, attrs, now)
        tx = Transaction().create("coach", record)
        popularity = CoachTemplateRecord.path("attributes", "metadata", "popularity_score")
        tx.update(
            "template",
            (keys.TEMPLATE_PK, keys.coach_template_sk(data.template_id)),
            Update(add={popularity: 1}, set={("updatedAt",): format_timestamp(now)}),
            condition=Attr("pk").exists() & Attr(".".join(_ACTIVE)).eq(True),
        )
        try:
            await self._commit(tx, intent, record.key)
        except Cancelled as err:
            if err.failed("template") is not None:
                raise Busy(
                    "The template changed meanwhile (removed or deactivated); retry"
                ) from err
            raise AlreadyExists("A coach was made from a template this millisecond; retry") from err
        self._wrote(record)
        return record

    # --- update -----------------------------------------------------------------------

    @idempotent
    async def update(self, user_id: str, data: UpdateCoach, intent: Intent) -> CoachRecord:
        key = (keys.user_pk(user_id), keys.coach_sk(data.coach_id))
        record = await self._current(key, data.expected_version)
        apply_update(record.attributes, data, utcnow())
        try:
            await self._commit(Transaction().save("coach", record), intent, record.key)
        except Cancelled as err:
            self._version_conflict(err, "coach")
            raise
        self._wrote(record)
        return record

    # --- delete (archive) -------------------------------------------------------------

    @idempotent
    async def delete(self, user_id: str, data: DeleteCoach, intent: Intent) -> CoachRecord:
        """The coach, archived (a replay answers it as stored now)."""
        key = (keys.user_pk(user_id), keys.coach_sk(data.coach_id))
        # One wave: the coach, and every program of the athlete that lists it.
        record, programs = await cost.gather(
            self._current(key, data.expected_version),
            self._programs_listing(user_id, data.coach_id),
        )
        holding = [p for p in programs if p.holds(data.coach_id)]
        if holding:
            raise _in_use(holding)
        if record.archived:
            return record  # the app's archive again would change nothing either
        record.attributes.status = ARCHIVED  # all the app writes (besides updatedAt)
        tx = Transaction().save("coach", record)
        # A program that lists the coach but did not hold it when read (archived) must not
        # hold it at commit either. A program the app creates between the read and the
        # commit cannot be seen: its write touches no item this transaction could check
        # (the app's own delete reads its programs from an index, with the same window).
        for program in programs[:MAX_PROGRAM_CHECKS]:
            tx.check(
                f"program:{program.sk}", program.key, ProgramCoachView.still_free(data.coach_id)
            )
        try:
            await self._commit(tx, intent, record.key)
        except Cancelled as err:
            self._version_conflict(err, "coach")
            if err.failed_any("program") is not None:
                raise Busy("A program of this coach changed meanwhile; retry") from err
            raise
        self._wrote(record)
        return record

    async def _programs_listing(self, user_id: str, coach_id: str) -> list[ProgramCoachView]:
        """The athlete's programs that list the coach, by key order: those in the athlete's
        partition read consistently, and those GSI1 lists (the app's own listing, which also
        holds its older partitions `user#<id>#coach#<coachId>`), with their current copy
        where both have one."""
        lists = ProgramCoachView.lists(coach_id)
        partition, indexed = await cost.gather(
            self.table.query(
                Key("pk").eq(keys.user_pk(user_id)) & Key("sk").begins_with(keys.PROGRAM_SK),
                filter=lists,
                consistent=True,
                projection=ProgramCoachView.READ,
            ),
            self.table.query(
                Key("gsi1pk").eq(keys.programs_gsi1pk(user_id))
                & Key("gsi1sk").begins_with(keys.PROGRAM_SK),
                index=definition.GSI_EMAIL,
                filter=lists,
                projection=ProgramCoachView.READ,
            ),
        )
        found = {(i["pk"], i["sk"]): i for i in indexed.items}
        found.update({(i["pk"], i["sk"]): i for i in partition.items})
        return [ProgramCoachView.model_validate(found[k]) for k in sorted(found)]


def _in_use(programs: list[ProgramCoachView]) -> InUse:
    """The app's refusal (delete-coach-config/handler.ts:22-43), with the programs named."""
    names = ", ".join(p.attributes.name or "Unnamed Program" for p in programs[:3])
    more = f" and {len(programs) - 3} more" if len(programs) > 3 else ""
    return InUse(
        f"Cannot delete coach. There are {len(programs)} training program(s) associated "
        f"with this coach ({names}{more}). Archive or delete these programs first, or "
        "reassign them to another coach.",
        "programs",
        [p.summary() for p in programs],
    )


_ACTIVE = CoachTemplateRecord.path("attributes", "metadata", "is_active")


def new_coach(user_id: str, data: CreateCoach, now: datetime) -> CoachRecord:
    """The one way a coach is made (createCoach and the demo data)."""
    attrs = CoachAttributes(
        coach_id=data.coach_id or f"coach_{uuid.uuid4().hex[:16]}",
        coach_name=data.name,
        coach_description=data.description,
        gender_preference=data.gender_preference,
        metadata=CoachMetadata(created_date=now, total_conversations=0),
    )
    for given, stored in _ATTRIBUTE_OF.items():
        part = getattr(data, given, None)
        if isinstance(part, BaseModel):
            setattr(attrs, stored, _PART_MODEL[stored].model_validate(_given(part)))
    if data.methodology_profile is not None:
        attrs.metadata.methodology_profile = MethodologyProfile.model_validate(
            _given(data.methodology_profile)
        )
    coach_config.complete(attrs, now)
    return CoachRecord.new(user_id, attrs, now)


def _given(part: BaseModel) -> dict[str, object]:
    return part.model_dump(exclude_unset=True, exclude_none=True)


def apply_update(attrs: CoachAttributes, data: UpdateCoach, now: datetime) -> None:
    """The update merged into the stored coach (see the module docstring)."""
    old = attrs.model_copy(deep=True)
    for given, stored in _ATTRIBUTE_OF.items():
        if given in data.model_fields_set:
            merge_field(attrs, stored, getattr(data, given))
    if "methodology_profile" in data.model_fields_set:
        merge_field(attrs.metadata, "methodology_profile", data.methodology_profile)
    coach_config.move_copies(old, attrs)
    prompts = old.generated_prompts
    templated = coach_config.is_templated(old) and prompts is not None
    # Templated prompts follow the fields; once none is the template's, they are the client's.
    if templated and prompts and not coach_config.retemplate(prompts, old, attrs):
        attrs.metadata.prompts_source = PROMPTS_FROM_CLIENT
    coach_config.repair(attrs, now)


def require_coaches(tx: Transaction, user_id: str, coach_ids: list[str]) -> None:
    """Checks, in `tx`, that each coach still exists when the transaction commits."""
    for coach_id in coach_ids:
        tx.check(f"coach:{coach_id}", (keys.user_pk(user_id), keys.coach_sk(coach_id)), exists())


async def current_coaches(table: Table, user_id: str, coach_ids: list[str]) -> list[CoachRecord]:
    """The coaches as stored now (a consistent read, not the request's cache): what a write
    copies from them (a workout's coach names) must be current."""
    items = await table.batch_get(
        [(keys.user_pk(user_id), keys.coach_sk(c)) for c in coach_ids], consistent=True
    )
    found = [CoachRecord.from_item(i) if i else None for i in items]
    missing = [c for c, r in zip(coach_ids, found, strict=True) if r is None]
    if missing:
        raise NotFound(f"Coach {missing[0]}")
    return [r for r in found if r is not None]
