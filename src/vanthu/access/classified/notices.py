"""Who is told of a decision on a classified document, and what they read.

Luật BVBMNN 2018 Điều 20–22 (domain.md §5.1): an extension, a downgrade or a declassification
is notified to those who received the document. Here: the clerks of every organisation it was
delivered to (about their own copy, which they can open), the people assigned to handle it,
the holders of its numbered copies and the receivers of its hand-overs; for a declassification
at expiry also the leaders of its organisation, who stamp and announce it.

A notification is shown outside the audited reads (bell, lists, e-mail): it names a document
that is still classified by its number only (``notify.services.document_label``), never by its
summary. It is stored after the decision commits, so a refused decision tells nobody.
"""

from __future__ import annotations

import datetime
import logging

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from vanthu.access.models import ClassificationDecision, DocumentCopy, Handover
from vanthu.core.enums import Role, Secrecy
from vanthu.notify import services as notify
from vanthu.notify.models import Kind
from vanthu.orgs.models import User
from vanthu.registry.models import Assignment, Document

log = logging.getLogger(__name__)


def _date(day: datetime.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def leaders_of(organization_id: int) -> list[User]:
    today = timezone.localdate()
    return list(
        User.objects.filter(
            Q(positions__start_date__isnull=True) | Q(positions__start_date__lte=today),
            Q(positions__end_date__isnull=True) | Q(positions__end_date__gte=today),
            is_active=True,
            positions__organization_id=organization_id,
            positions__role=Role.LEADER,
        ).distinct()
    )


def recipients(row: ClassificationDecision) -> dict[int, tuple[User, Document]]:
    """user id → (user, the document they are told about: their own delivered copy, or the
    decided document). The person who decided is left out."""
    document = row.document
    found: dict[int, tuple[User, Document]] = {}

    def add(user: User | None, about: Document) -> None:
        if user is not None and user.pk != row.decided_by_id and user.pk not in found:
            found[user.pk] = (user, about)

    for delivered in Document.objects.filter(source_document=document).order_by("pk"):
        for clerk in notify.clerks_of(delivered.organization_id, row.secrecy_before):
            add(clerk, delivered)
        for a in Assignment.objects.filter(document=delivered).select_related("user"):
            add(a.user, delivered)
    for a in Assignment.objects.filter(document=document).select_related("user"):
        add(a.user, document)
    for c in DocumentCopy.objects.filter(document=document, holder__isnull=False).select_related(
        "holder"
    ):
        add(c.holder, document)
    for h in Handover.objects.filter(document=document, to_user__isnull=False).select_related(
        "to_user"
    ):
        add(h.to_user, document)
    if row.decided_by_id is None:
        for leader in leaders_of(document.organization_id):
            add(leader, document)
    return found


def text_of(row: ClassificationDecision, about: Document) -> str:
    label = notify.document_label(about)
    ref = row.decision_ref
    signed = (
        _(" (quyết định %(ref)s ngày %(day)s)") % {"ref": ref, "day": _date(row.decided_on)}
        if ref
        else _(" (quyết định ngày %(day)s)") % {"day": _date(row.decided_on)}
    )
    kinds = ClassificationDecision.Kind
    if row.kind == kinds.DECLASSIFY:
        if row.decided_by_id is None:
            return _("Giải mật do hết thời hạn bảo vệ ngày %(day)s, không gia hạn: %(doc)s") % {
                "day": _date(row.expires_before),
                "doc": label,
            }
        return _("Giải mật%(signed)s: %(doc)s") % {"signed": signed, "doc": label}
    if row.kind == kinds.DOWNGRADE:
        return _("Giảm mật xuống %(level)s, bảo vệ đến %(day)s%(signed)s: %(doc)s") % {
            "level": Secrecy(row.secrecy_after).label,
            "day": _date(row.expires_after),
            "signed": signed,
            "doc": label,
        }
    what = _("Gia hạn") if row.kind == kinds.EXTEND else _("Rút ngắn")
    return _("%(what)s thời hạn bảo vệ đến %(day)s%(signed)s: %(doc)s") % {
        "what": what,
        "day": _date(row.expires_after),
        "signed": signed,
        "doc": label,
    }


def drafts_for(row: ClassificationDecision) -> list[notify.Draft]:
    kind = (
        Kind.DECLASSIFIED
        if row.kind == ClassificationDecision.Kind.DECLASSIFY
        else (Kind.PROTECTION)
    )
    return [
        notify.Draft(user, kind, text_of(row, about), about)
        for user, about in recipients(row).values()
    ]


def decision_after_commit(row: ClassificationDecision) -> None:
    pk = row.pk

    def run() -> None:
        try:
            with transaction.atomic():
                fresh = ClassificationDecision.objects.select_related("document").get(pk=pk)
                notify.create(drafts_for(fresh))
        except Exception:
            # A notification lost is a nuisance; the decision it follows is committed.
            log.exception("could not store the notifications of decision %s", pk)

    transaction.on_commit(run)
