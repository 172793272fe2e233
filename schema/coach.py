"""`Coach`: an athlete's AI coach configuration, the whole of NeonPanda's app's CoachConfig
(amplify/functions/libs/coach-creator/types.ts:245-328).

The nested types are the records' own shapes (datasources/records/coach.py), field for
field, with the app's names in camelCase; where a stored value may be of more than one
kind the GraphQL type says what a client gets (a number of minutes as text, a count as a
Float).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.experimental.pydantic import type as pydantic_type
from strawberry.scalars import JSON

from datasources.records import CoachRecord
from datasources.records import coach as records
from datasources.stores.coach import CoachQuery
from resolvers import user_lists
from resolvers.context import Info
from schema.connection import Connection
from schema.node import Node, encode_global_id


@pydantic_type(model=records.BlendingWeights, all_fields=True, name="CoachBlendingWeights")
class CoachBlendingWeights:
    pass


@pydantic_type(model=records.SelectedPersonality, all_fields=True, name="CoachPersonality")
class CoachPersonality:
    pass


@pydantic_type(model=records.SelectedMethodology, all_fields=True, name="CoachMethodology")
class CoachMethodology:
    pass


@pydantic_type(model=records.TimeConstraints, all_fields=True, name="CoachTimeConstraints")
class CoachTimeConstraints:
    session_duration: str | None = strawberry.field(
        description='As stored: text ("60 minutes") or, on template coaches, a number of '
        'minutes given as text ("45").'
    )


@pydantic_type(model=records.SafetyConstraints, all_fields=True, name="CoachSafetyConstraints")
class CoachSafetyConstraints:
    pass


@pydantic_type(model=records.TechnicalConfig, all_fields=True, name="CoachTechnicalConfig")
class CoachTechnicalConfig:
    training_frequency: float | None = strawberry.field(description="Days per week.")


@pydantic_type(model=records.GeneratedPrompts, all_fields=True, name="CoachGeneratedPrompts")
class CoachGeneratedPrompts:
    pass


@pydantic_type(
    model=records.ModificationCapabilities, all_fields=True, name="CoachModificationCapabilities"
)
class CoachModificationCapabilities:
    pass


@pydantic_type(model=records.MethodologyProfile, all_fields=True, name="CoachMethodologyProfile")
class CoachMethodologyProfile:
    pass


@pydantic_type(model=records.CoachMetadata, all_fields=True, name="CoachMetadata")
class CoachMetadata:
    created_date: datetime | None
    version: str | None = strawberry.field(
        description="The app's version of the config's shape (\"1.0\"); not Coach.version."
    )
    safety_profile: JSON | None = strawberry.field(
        description="The app's SafetyProfile (camelCase keys: injuries, contraindications, "
        "equipment, modifications, recoveryNeeds, experienceLevel, ...)."
    )
    generation_method: str | None = strawberry.field(
        description="The app's: tool, fallback (how its coach creator generated the config)."
    )
    prompts_source: str | None = strawberry.field(
        description="Set by this API: template (generatedPrompts templated from the coach's "
        "own fields, rewritten when those change) or client (written by the client). Unset "
        "on the app's coaches, whose prompts its AI wrote."
    )


@strawberry.type
class Coach(Node):
    coach_id: strawberry.ID
    name: str
    description: str | None
    status: str | None = strawberry.field(description="The app's: active, archived (or unset).")
    is_archived: bool
    total_conversations: int | None
    created_at: datetime
    updated_at: datetime
    version: int
    gender_preference: str | None = strawberry.field(
        description="The app's: male, female, neutral (or unset on older coaches)."
    )
    _record: strawberry.Private[CoachRecord]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return encode_global_id("Coach", self.coach_id)

    @strawberry.field
    def personality(self) -> CoachPersonality | None:
        value = self._record.attributes.selected_personality
        return None if value is None else CoachPersonality.from_pydantic(value)

    @strawberry.field
    def methodology(self) -> CoachMethodology | None:
        value = self._record.attributes.selected_methodology
        return None if value is None else CoachMethodology.from_pydantic(value)

    @strawberry.field
    def technical_config(self) -> CoachTechnicalConfig | None:
        value = self._record.attributes.technical_config
        return None if value is None else CoachTechnicalConfig.from_pydantic(value)

    @strawberry.field(description="The prompts the app chats with (personality-utils.ts:113).")
    def generated_prompts(self) -> CoachGeneratedPrompts | None:
        value = self._record.attributes.generated_prompts
        return None if value is None else CoachGeneratedPrompts.from_pydantic(value)

    @strawberry.field
    def modification_capabilities(self) -> CoachModificationCapabilities | None:
        value = self._record.attributes.modification_capabilities
        return None if value is None else CoachModificationCapabilities.from_pydantic(value)

    @strawberry.field
    def metadata(self) -> CoachMetadata:
        return CoachMetadata.from_pydantic(self._record.attributes.metadata)

    @staticmethod
    def from_record(record: CoachRecord) -> Coach:
        attrs = record.attributes
        return Coach(
            coach_id=strawberry.ID(attrs.coach_id),
            name=attrs.coach_name,
            description=attrs.coach_description,
            status=attrs.status,
            is_archived=record.archived,
            total_conversations=attrs.metadata.total_conversations,
            created_at=record.created_at,
            updated_at=record.updated_at,
            version=record.version,
            gender_preference=attrs.gender_preference,
            _record=record,
        )


# --- the viewer's fields (User, through schema/entities.py) ---------------------------


async def _coaches(
    info: Info,
    first: int | None = None,
    after: str | None = None,
    include_archived: Annotated[
        bool, strawberry.argument(description="Also the coaches the athlete archived.")
    ] = False,
) -> Connection[Coach] | None:
    query = CoachQuery(include_archived=include_archived)
    page = await user_lists.list_of(
        info, info.context.stores.coaches, "coaches", query, first, after
    )
    return Connection.of_records(page, Coach.from_record)


VIEWER_FIELDS = {
    "coaches": strawberry.field(
        resolver=_coaches, description="The athlete's coaches, oldest first."
    ),
}
