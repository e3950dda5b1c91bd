"""Reads of classified documents leave an audit event (architecture.md invariant 3; issue 6
item 7: each view, download, print and copy of a classified document is audited).

Every interface that shows a document (API, web pages, exports) calls ``record_read`` after
it has checked the reader may see it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.db.models import Q, QuerySet

from vanthu.audit.models import Event
from vanthu.audit.services import record
from vanthu.core.enums import Secrecy

if TYPE_CHECKING:
    from vanthu.orgs.models import Organization, User
    from vanthu.registry.models import Document

# The actions a reader leaves; listed so that the access log and the docs name them all.
READ_ACTIONS = (
    "document.view",
    "document.text",
    "document.download",
    "document.download_refused",
)


def record_read(
    *, user: User, document: Document, action: str, details: dict[str, Any] | None = None
) -> None:
    """Audit one read of ``document`` if it is classified (ordinary reads are not logged)."""
    if document.secrecy == Secrecy.NONE:
        return
    with transaction.atomic():
        record(
            action=action,
            actor=user,
            organization=document.organization,
            obj=document,
            details=details or {},
        )


def leads(user: User, organization: Organization) -> bool:
    """A leader of the organisation or of one above it (the same rule as granting), or a
    superuser."""
    from vanthu.access import policy

    return user.is_superuser or policy.leads(user, organization)


def access_log(document: Document) -> QuerySet[Event]:
    """Every audit event about the document or one of its files, oldest first.

    Only call with a document the caller has checked visible and whose log they may read."""
    from vanthu.registry.models import DocumentFile

    file_ids = [str(pk) for pk in document.files.values_list("pk", flat=True)]
    about_document = Q(object_type=_label(type(document)), object_id=str(document.pk))
    about_files = Q(object_type=_label(DocumentFile), object_id__in=file_ids)
    return Event.objects.filter(about_document | about_files).order_by("created_at", "pk")


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower
