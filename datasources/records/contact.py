"""Contact form submission: pk `contactForm#<email>`, sk `timestamp#<timestamp>`."""

from __future__ import annotations

from typing import ClassVar

from datasources import keys
from datasources.records.base import CamelModel, ItemRecord


class ContactFormAttributes(CamelModel):
    first_name: str | None = None
    last_name: str | None = None
    email: str
    subject: str | None = None
    message: str
    contact_type: str | None = None


class ContactFormRecord(ItemRecord):
    ENTITY_TYPE: ClassVar[str] = keys.CONTACT_FORM
    attributes: ContactFormAttributes
