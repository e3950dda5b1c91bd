"""Reads of the guide app: "my day", the role checklists and saved filters.

Every document, dossier or request listed or counted here comes through ``access.policy``
(``registry.selectors.visible_documents`` and the registry's "Việc của tôi" reads are built on
it); a count is taken over the visible rows only, so a classified document the user may not
see is not even counted.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from vanthu.access import policy
from vanthu.archive.models_use import AccessRequest
from vanthu.core.enums import Role
from vanthu.guide.models import SavedFilter
from vanthu.orgs.models import Organization, User
from vanthu.registry import selectors as registry_selectors
from vanthu.registry.models import Direction, Document, Status
from vanthu.registry.views import reads

ROW_LIMIT = 50
OPEN_STATUSES = (Status.NEW, Status.AWAITING_DIRECTION, Status.IN_PROGRESS)


@dataclass
class DayRow:
    document: Document | None
    label: str
    url: str
    deadline: datetime.date | None = None
    overdue: bool = False
    note: str = ""


@dataclass
class DaySection:
    key: str
    title: str
    rule: str
    rows: list[DayRow] = field(default_factory=list)
    more: int = 0  # rows beyond those shown


def roles_of(user: User) -> set[str]:
    org = user.organization
    roles = policy.roles_in(user, org) if org is not None else set()
    if user.is_superuser:
        roles |= {Role.CLERK, Role.LEADER}
    return roles


def incoming_of_org(user: User, org: Organization) -> QuerySet[Document]:
    return registry_selectors.visible_documents(
        user, Document.objects.filter(organization=org, direction=Direction.INCOMING)
    )


def _doc_row(d: Document, today: datetime.date, note: str = "") -> DayRow:
    url_name = "registry:outgoing-detail" if d.direction == Direction.OUTGOING else None
    url = reverse(url_name or "registry:incoming-detail", args=[d.pk])
    return DayRow(d, d.summary, url, d.deadline, bool(d.deadline and d.deadline < today), note=note)


def _section(
    key: str, title: str, rule: str, qs: QuerySet[Document], today: datetime.date
) -> DaySection:
    rows = list(reads.urgency_first(qs).select_related("document_type")[: ROW_LIMIT + 1])
    section = DaySection(key, title, rule, [_doc_row(d, today) for d in rows[:ROW_LIMIT]])
    if len(rows) > ROW_LIMIT:
        section.more = qs.count() - ROW_LIMIT
    return section


def my_day(user: User) -> list[DaySection]:
    """Việc hôm nay: what is due today or overdue for ``user``, across the registry and the
    archive. Sections that do not apply to the user's roles are left out."""
    today = timezone.localdate()
    sections: list[DaySection] = []
    roles = roles_of(user)
    boxes = reads.inbox(user)

    waiting = DaySection("cho-chi-dao", _("Chờ tôi cho ý kiến chỉ đạo"), "den-trinh", rows=[])
    for r in boxes["waiting"]:
        waiting.rows.append(_inbox_row(r, today))
    if waiting.rows or Role.LEADER in roles:
        sections.append(waiting)

    due = DaySection("den-han", _("Việc được giao đến hạn hoặc quá hạn"), "den-theo-doi")
    later = 0
    for r in boxes["lead"] + boxes["assigned"]:
        if r.deadline is not None and r.deadline <= today:
            due.rows.append(_inbox_row(r, today, note=r.role))
        else:
            later += 1
    due.more = later
    sections.append(due)

    org = user.organization
    if Role.CLERK in roles and org is not None:
        queue = reads.pending_queue(user)
        rows = list(queue[: ROW_LIMIT + 1])
        pending = DaySection(
            "cho-vao-so",
            _("Chờ vào sổ"),
            "den-trong-ngay",
            [_doc_row(d, today, note=d.sender) for d in rows[:ROW_LIMIT]],
        )
        if len(rows) > ROW_LIMIT:
            pending.more = queue.count() - ROW_LIMIT
        sections.append(pending)
        sections.append(
            _section(
                "chua-trinh",
                _("Đã vào sổ, chưa trình"),
                "den-trinh",
                incoming_of_org(user, org).filter(status=Status.NEW),
                today,
            )
        )
        outgoing = registry_selectors.visible_documents(
            user,
            Document.objects.filter(
                organization=org, direction=Direction.OUTGOING, status=Status.ISSUED
            ),
        )
        sections.append(
            _section("chua-gui", _("Đã ban hành, chưa gửi"), "di-phat-hanh", outgoing, today)
        )

    if Role.LEADER in roles and org is not None:
        overdue = incoming_of_org(user, org).filter(status__in=OPEN_STATUSES, deadline__lt=today)
        sections.append(
            _section("qua-han", _("Văn bản quá hạn giải quyết"), "den-theo-doi", overdue, today)
        )
        sections.append(_access_requests(user, today))
    return sections


def _inbox_row(r: reads.InboxRow, today: datetime.date, note: str = "") -> DayRow:
    d = r.document
    return DayRow(
        d,
        d.summary,
        reverse("registry:incoming-detail", args=[d.pk]),
        r.deadline,
        r.overdue,
        note=note,
    )


def _access_requests(user: User, today: datetime.date) -> DaySection:
    """Phiếu yêu cầu khai thác a leader of the organisation may decide (not their own)."""
    qs = (
        policy.visible(user, AccessRequest.objects.filter(status=AccessRequest.Status.SUBMITTED))
        .exclude(requester=user)
        .select_related("organization", "requester")
        .order_by("created_at", "pk")
    )
    section = DaySection("khai-thac", _("Phiếu yêu cầu khai thác chờ duyệt"), "khai-thac")
    for req in qs[:200]:
        if not policy.leads(user, req.organization):
            continue
        if len(section.rows) >= ROW_LIMIT:
            section.more += 1
            continue
        who = req.requester.full_name or req.requester.username
        section.rows.append(
            DayRow(
                None,
                _("Phiếu của %(who)s: %(mode)s, %(days)s ngày")
                % {"who": who, "mode": req.get_mode_display(), "days": req.days},
                reverse("archive:index"),
                note=timezone.localtime(req.created_at).strftime("%d/%m/%Y"),
            )
        )
    return section


def saved_filters(user: User, page: str) -> list[SavedFilter]:
    return list(SavedFilter.objects.filter(user=user, page=page).order_by("name", "pk"))


def my_saved_filters(user: User, page: str | None = None) -> QuerySet[SavedFilter]:
    qs = SavedFilter.objects.filter(user=user)
    if page:
        qs = qs.filter(page=page)
    return qs.order_by("page", "name", "pk")
