"""Reads for printed registers and the phiếu giải quyết: every one takes the acting user.

A register is a list of documents, so it goes through the same access policy as any list:
``vanthu.registry.selectors.visible_documents``. What the user may not see is never printed;
a classified register the user may see nothing of is a 404, so its existence does not leak.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from vanthu.access import policy
from vanthu.core import replica
from vanthu.core.enums import Role, Secrecy
from vanthu.orgs.models import User
from vanthu.registry.models import Assignment, Direction, Document, Recipient, Register
from vanthu.registry.selectors import get_document, visible_documents
from vanthu.reports.periods import Period

# Rows fetched from the database at a time while a register is written out (bounded memory).
CHUNK = 500


def local_bounds(period: Period) -> tuple[datetime.datetime, datetime.datetime]:
    """The UTC instants of the period's first and last local day (received_at is a time)."""
    tz = ZoneInfo(settings.TIME_ZONE)
    start = datetime.datetime.combine(period.date_from, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(
        period.date_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
    )
    return start, end


def _keeps_classified(user: User) -> Q:
    """Registers whose organisation ``user`` is a clerk of: the keeper may print it even empty."""
    kept = [org.pk for org, role in policy.current_positions(user) if role == Role.CLERK]
    return Q(organization__in=kept)


def printable_registers(user: User) -> QuerySet[Register]:
    """The registers of the user's organisations that the user may print.

    Ordinary registers: every register of an organisation in the user's scope. Classified
    registers (Luật BVBMNN: separate registers): only for a user with a clearance who keeps
    them (a clerk of the organisation) or who may see at least one of their entries.
    """
    in_scope = Register.objects.filter(
        policy.organization_scope(user, "organization")
    ).select_related("organization")
    order = ("organization__path", "direction", "series", "pk")
    if not user.is_authenticated or user.clearance == Secrecy.NONE:
        return in_scope.filter(series=Register.Series.ORDINARY).order_by(*order)
    sees_entry = Exists(policy.visible(user, Document.objects.filter(register=OuterRef("pk"))))
    return in_scope.filter(
        Q(series=Register.Series.ORDINARY)
        | (Q(series=Register.Series.CLASSIFIED) & (_keeps_classified(user) | sees_entry))
    ).order_by(*order)


def get_printable_register(user: User, pk: int) -> Register:
    """One register the user may print; missing and forbidden are the same 404."""
    register = printable_registers(user).filter(pk=pk).first()
    if register is None:
        raise Http404
    return register


def register_entries(user: User, register: Register, period: Period) -> QuerySet[Document]:
    """The register's entries in the period that ``user`` may see, in register order.

    Văn bản đến are dated by ngày đến (received_at, local day); văn bản đi by ngày ban hành.
    """
    qs = Document.objects.filter(register=register, number__isnull=False)
    if register.direction == Direction.INCOMING:
        start, end = local_bounds(period)
        qs = qs.filter(received_at__gte=start, received_at__lt=end)
    else:
        qs = qs.filter(issued_date__gte=period.date_from, issued_date__lte=period.date_to)
    return (
        visible_documents(user, qs)
        .using(replica.alias())  # a register tolerates lag: the replica when there is one
        .select_related("document_type", "created_by")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.select_related("user").order_by("role", "pk"),
            ),
            Prefetch("recipients", queryset=Recipient.objects.order_by("pk")),
        )
        .order_by("period_key", "counter_type_key", "number", "pk")
    )


def iter_entries(user: User, register: Register, period: Period) -> Iterator[Document]:
    """Stream the entries: CHUNK rows (and their prefetches) in memory at a time."""
    return register_entries(user, register, period).iterator(chunk_size=CHUNK)


def classified_count(user: User, register: Register, period: Period) -> int:
    return register_entries(user, register, period).exclude(secrecy=Secrecy.NONE).count()


def incoming_for_slip(user: User, pk: int) -> Document:
    """The văn bản đến of a phiếu giải quyết; 404 when missing, outgoing or not visible."""
    document = get_document(user, pk, direction=Direction.INCOMING)
    if document.register_id is None:
        raise Http404
    return document


def slip_assignments(document: Document) -> list[Assignment]:
    """Only call with a document already checked visible."""
    return list(document.assignments.select_related("user", "assigned_by").order_by("role", "pk"))
