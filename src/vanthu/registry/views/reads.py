"""Reads the registry pages need beyond ``registry.selectors``; each goes through the policy.

Kept beside the views (not in ``selectors.py``, which another part owns) and built only on
``selectors.visible_documents`` / ``access.policy``: nothing here lists a document otherwise.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from vanthu.core.enums import OrgKind, Role, Secrecy, Urgency
from vanthu.core.text import fold
from vanthu.orgs.models import Organization, User
from vanthu.registry import numbering, selectors
from vanthu.registry.models import (
    ALL_TYPES,
    Assignment,
    Counter,
    Direction,
    Document,
    Register,
    Status,
)
from vanthu.signatures import selectors as signature_selectors

SUGGESTION_LIMIT = 10
LOOKUP_LIMIT = 20
OPEN_STATUSES = (Status.NEW, Status.AWAITING_DIRECTION, Status.IN_PROGRESS)


def urgency_first(qs: QuerySet[Document]) -> QuerySet[Document]:
    """NĐ 30 Điều 22 khoản 2: urgent documents are handled first, so open ones lead the list."""
    rank = Case(
        When(urgency=Urgency.FLASH, then=Value(3)),
        When(urgency=Urgency.VERY_URGENT, then=Value(2)),
        When(urgency=Urgency.URGENT, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    open_rank = Case(When(status__in=OPEN_STATUSES, then=rank), default=Value(0))
    return qs.annotate(urgency_rank=open_rank).order_by(
        "-urgency_rank", "-period_key", "-number", "-pk"
    )


URGENT_FIRST = (Urgency.FLASH, Urgency.VERY_URGENT, Urgency.URGENT)


class UrgentFirst:
    """The web register list in the order of ``urgency_first``, read block by block.

    NĐ 30 Điều 22 khoản 2: open urgent documents lead (hỏa tốc, then thượng khẩn, then khẩn),
    then every other document, each block in register order. Ordering by a rank computed for
    every row sorted the whole register (1.6 s at 1,000,000 documents, docs/benchmarks.md
    "Registry"); here each block is its own query in an order an index holds — the open urgent
    ones on ``doc_open_urgency`` (partial: open and urgent only), the rest on
    ``doc_list_order`` — so a page reads its 50 rows. ``base`` is the filtered, visible list;
    the paginator slices this object and counts ``base`` (capped, ``registry.paging``).
    """

    def __init__(self, base: QuerySet[Document], *, status: str, urgency: str) -> None:
        self.base = base
        open_urgent = Q(status__in=OPEN_STATUSES, urgency__in=URGENT_FIRST)
        # (rank, block): 0–2 the urgent levels in URGENT_FIRST's order, 3 the rest; the rank
        # names a block in a cursor (views.urgent_pages) whatever the filters leave out.
        ranked: list[tuple[int, QuerySet[Document]]] = []
        # A block the filters rule out is not asked at all.
        if status in ("", *OPEN_STATUSES):
            for rank, level in enumerate(URGENT_FIRST):
                if urgency in ("", level):
                    ranked.append((rank, base.filter(status__in=OPEN_STATUSES, urgency=level)))
        ranked.append((len(URGENT_FIRST), base.exclude(open_urgent)))
        self.ranked_blocks = ranked
        self.blocks = [block for _, block in ranked]

    def count(self) -> int:
        return self.base.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[Document]:
        if not isinstance(key, slice) or key.step is not None:
            raise TypeError("UrgentFirst is read in slices")
        skip, stop = key.start or 0, key.stop
        want = None if stop is None else stop - skip
        rows: list[Document] = []
        for block in self.blocks:
            if want is not None and want <= 0:
                break
            part = list(block[skip:] if want is None else block[skip : skip + want])
            if not part and skip:
                # The whole block lies before the page: step over it.
                skip = max(0, skip - block.count())
                continue
            rows += part
            skip = 0
            if want is not None:
                want -= len(part)
        return rows


def incoming_page_queryset(
    user: User, *, year: str, status: str, urgency: str, q: str, signature: str = ""
) -> QuerySet[Document]:
    qs = selectors.incoming_list(
        user, year=year or None, status=status or None, q=q or None, signature=signature or None
    )
    # The row's badge "Chữ ký số không đạt" (docs/signatures.md, "Lists").
    qs = qs.annotate(signature_failed=signature_selectors.failed_flag())
    if not status:
        # Deliveries waiting for vào sổ are a queue of their own, not register entries yet.
        qs = qs.exclude(status=Status.PENDING_REGISTRATION)
    if urgency:
        qs = qs.filter(urgency=urgency)
    return qs


def incoming_page(
    user: User, *, year: str, status: str, urgency: str, q: str, signature: str = ""
) -> UrgentFirst:
    """The web list of văn bản đến: filtered, visible, open urgent documents first."""
    base = incoming_page_queryset(
        user, year=year, status=status, urgency=urgency, q=q, signature=signature
    )
    return UrgentFirst(base, status=status, urgency=urgency)


def pending_queue(user: User) -> QuerySet[Document]:
    """Chờ vào sổ: deliveries from other organisations of the installation."""
    return (
        selectors.incoming_list(user, status=Status.PENDING_REGISTRATION)
        .select_related("sender_organization")
        .order_by("-created_at", "-pk")
    )


def sender_suggestions(user: User, field: str, query: str) -> list[str]:
    """Issuing bodies (or signers) this organisation has registered before, at most 10."""
    query = query.strip()
    if len(query) < 1 or field not in ("sender", "signer") or user.organization is None:
        return []
    qs = selectors.visible_documents(
        user,
        Document.objects.filter(
            organization=user.organization,
            direction=Direction.INCOMING,
            **{f"{field}__icontains": query},
        ),
    )
    names = qs.values_list(field, flat=True).order_by(field).distinct()
    return [n for n in names[:SUGGESTION_LIMIT] if n]


@dataclass(frozen=True)
class ExpectedNumber:
    register: str
    number: int
    classified: bool


def expected_arrival_numbers(user: User) -> list[ExpectedNumber]:
    """Số đến dự kiến: the counter read without a lock; the real number is taken on save."""
    org = user.organization
    if org is None:
        return []
    today = timezone.localdate()
    series = [Register.Series.ORDINARY]
    if Secrecy.rank(user.clearance) > 0:
        series.append(Register.Series.CLASSIFIED)
    found = []
    for s in series:
        register = Register.objects.filter(
            organization=org, direction=Direction.INCOMING, series=s, is_default=True
        ).first()
        if register is None:
            found.append(ExpectedNumber(_default_name(s), 1, s == Register.Series.CLASSIFIED))
            continue
        key = numbering.period_key(register, today)
        counter = Counter.objects.filter(
            register=register, period_key=key, type_key=ALL_TYPES
        ).first()
        last = counter.last_number if counter else 0
        found.append(ExpectedNumber(register.name, last + 1, s == Register.Series.CLASSIFIED))
    return found


def _default_name(series: str) -> str:
    from django.utils.translation import gettext as _

    if series == Register.Series.CLASSIFIED:
        return _("Sổ đăng ký văn bản đến mật")
    return _("Sổ đăng ký văn bản đến")


def _ancestor_pks(org: Organization) -> list[int]:
    step = len(Organization.segment(0))
    return [int(org.path[i : i + step]) for i in range(0, len(org.path), step)]


def leaders_for(document: Document) -> QuerySet[User]:
    """Who may direct the document: leaders of its organisation or above (services.leads)."""
    today = timezone.localdate()
    return (
        User.objects.filter(
            is_active=True,
            positions__role=Role.LEADER,
            positions__organization__in=_ancestor_pks(document.organization),
        )
        .filter(Q(positions__end_date__isnull=True) | Q(positions__end_date__gte=today))
        .distinct()
        .order_by("full_name", "username")
    )


def colleagues_for(document: Document) -> QuerySet[User]:
    """Possible assignees: people holding a position in the document's organisation or in one
    of its internal departments (the scope rule ``services.assign`` checks)."""
    org = document.organization
    in_org = Q(positions__organization=org) | (
        Q(positions__organization__kind=OrgKind.DEPARTMENT)
        & org.subtree_q("positions__organization")
    )
    return User.objects.filter(in_org, is_active=True).distinct().order_by("full_name", "username")


def organization_lookup(query: str, *, exclude: int | None) -> list[Organization]:
    """Recipients: the installation's directory (names are not secret), at most 20 matches."""
    words = query.split()
    if not words:
        return []
    cond = Q()
    for word in words:
        cond &= Q(name__icontains=word) | Q(code__icontains=word)
    qs = Organization.objects.exclude(kind=OrgKind.DEPARTMENT).select_related("parent")
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    exact = list(qs.filter(cond).order_by("depth", "name")[:LOOKUP_LIMIT])
    if exact:
        return exact
    folded = [fold(w) for w in words]
    found: list[Organization] = []
    # Diacritics typed differently ("ben nghe"): a bounded scan on the folded names.
    for org in qs.order_by("depth", "name")[:5000].iterator(chunk_size=500):
        if all(w in fold(f"{org.name} {org.code}") for w in folded):
            found.append(org)
            if len(found) >= LOOKUP_LIMIT:
                break
    return found


def subordinate_committees(org: Organization) -> list[Organization]:
    """Đảng bộ trực thuộc: the committee children, for a broadcast in one action."""
    return list(org.children.filter(kind=OrgKind.COMMITTEE).order_by("name"))


@dataclass
class InboxRow:
    document: Document
    role: str
    deadline: datetime.date | None
    overdue: bool


def inbox(user: User) -> dict[str, list[InboxRow]]:
    """Việc của tôi: what is assigned to me, what I lead, what waits for my direction."""
    today = timezone.localdate()
    visible = selectors.visible_documents(user, Document.objects.filter(direction="incoming"))
    rows = (
        Assignment.objects.filter(user=user, done_at__isnull=True, document__in=visible)
        .select_related("document", "document__document_type")
        .order_by("deadline", "-assigned_at")[:200]
    )
    lead: list[InboxRow] = []
    other: list[InboxRow] = []
    for a in rows:
        deadline = a.deadline or a.document.deadline
        row = InboxRow(
            a.document, a.get_role_display(), deadline, bool(deadline and deadline < today)
        )
        (lead if a.role == Assignment.Role.LEAD else other).append(row)
    waiting_qs = (
        visible.filter(status=Status.AWAITING_DIRECTION, directed_by=user)
        .select_related("document_type")
        .order_by("deadline", "-pk")[:200]
    )
    waiting = [
        InboxRow(d, "", d.deadline, bool(d.deadline and d.deadline < today)) for d in waiting_qs
    ]
    return {"lead": lead, "assigned": other, "waiting": waiting}
