"""The home-page dashboard: one panel per role the user holds, and this year's charts.

Counts and short lists only, each read through the access policy, so a number never includes a
document the user may not see (issue 10: "counts only — never content or titles it may not
see"). The panels:

- văn thư (clerk): what waits to be registered (chờ vào sổ), the urgent ones first; what was
  registered today and still waits to be presented (NĐ 30 Điều 22: register the same day, present
  no later than the next working day);
- lãnh đạo (leader): what waits for direction, and the open incoming documents past their deadline
  in the units it leads, by unit;
- lưu trữ viên (archivist): closed dossiers not yet handed to the archive (NĐ 30 Điều 30: within
  one year after the work ends) and disposals not yet carried out;
- everyone: the processing assigned to them that is still open, and how much of it is late.

Then this year's charts (server-side SVG, ``charts.py``): in and out per month, processing on
time / late / open per unit, in and out by document type; and for a leader the comparison of
the organisation's direct children (a table and the per-unit chart; issue 10 point 3). The
year's figures and the leader panel are cached per viewer and data version (``_cached``).
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from functools import partial
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Case, CharField, Count, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Concat
from django.urls import reverse, reverse_lazy
from django.utils import timezone

from vanthu.access import policy
from vanthu.audit.models import Chain
from vanthu.core.enums import Role, Secrecy, Urgency
from vanthu.orgs.models import Organization, User
from vanthu.registry.models import Assignment, Direction, Document, Status

from . import charts, summary_read

LIST_LENGTH = 5
# The year's figures are cached per viewer and data version (``_year_figures``); the entry is
# also dropped after this many seconds (settings.VANTHU_DASHBOARD_CACHE_SECONDS, 0 = no cache).
DASHBOARD_CACHE_SECONDS = 600
INBOX = reverse_lazy("registry:inbox")
INCOMING = reverse_lazy("registry:incoming-list")
ARCHIVE = "/luu-tru/"
_URGENCY_ORDER = Case(
    When(urgency=Urgency.FLASH, then=Value(0)),
    When(urgency=Urgency.VERY_URGENT, then=Value(1)),
    When(urgency=Urgency.URGENT, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)


def _ordinary_and_classified(user: User, where: Q) -> list[QuerySet[Document]]:
    """The documents matched by ``where`` (plain column filters) that ``user`` may see, as two
    querysets that together are exactly ``policy.visible``: the ordinary ones in the viewer's
    organisation scope (plain filters only, so the ``(organization, direction, status)`` index
    serves them and no join can repeat a row), and the classified ones within the clearance,
    through the access policy (need-to-know: participants, the văn thư, grants), which is a
    ``pk IN`` subquery over that small share only (docs/reports.md, "Speed")."""
    scope = policy.organization_scope(user, "organization")
    ordinary = Document.objects.filter(scope, where, secrecy=Secrecy.NONE)
    classified = [s for s in Secrecy.at_most(user.clearance) if s != Secrecy.NONE]
    if not classified:
        return [ordinary]
    secret = Document.objects.filter(where, secrecy__in=classified)
    seen = policy.visible(user, secret).values("pk")
    return [ordinary, Document.objects.filter(scope, where, secrecy__in=classified, pk__in=seen)]


def _counts(user: User, where: Q, named: dict[str, Q]) -> dict[str, int]:
    """How many documents matched by ``where`` that ``user`` may see match each of ``named``:
    one aggregate per part of ``_ordinary_and_classified`` (two queries for every figure of a
    panel, instead of one query per figure and part)."""
    totals = dict.fromkeys(named, 0)
    for qs in _ordinary_and_classified(user, where):
        found = qs.aggregate(**{k: Count("pk", filter=q) for k, q in named.items()})
        for k in named:
            totals[k] += int(found[k] or 0)
    return totals


def _first(user: User, where: Q) -> list[dict[str, Any]]:
    """The first ``LIST_LENGTH`` documents by urgency (hỏa tốc first), then ngày đến: each part
    of ``_ordinary_and_classified`` with its own ``LIMIT``, merged here in the same order."""
    order = ("urgency_rank", F("received_at").asc(nulls_last=True), "pk")
    rows: list[Document] = []
    for qs in _ordinary_and_classified(user, where):
        rows.extend(qs.annotate(urgency_rank=_URGENCY_ORDER).order_by(*order)[:LIST_LENGTH])
    far = datetime.datetime.max.replace(tzinfo=datetime.UTC)

    def key(d: Document) -> tuple[int, bool, datetime.datetime, int]:
        received = d.received_at
        return (d.urgency_rank, received is None, received or far, d.pk)  # type: ignore[attr-defined]

    return [
        {
            "id": d.pk,
            "number_symbol": d.number_symbol,
            "summary": d.summary,
            "urgency": d.urgency,
            "urgency_label": d.get_urgency_display(),
            "deadline": d.deadline,
            "url": reverse("registry:incoming-detail", args=[d.pk]),
        }
        for d in sorted(rows, key=key)[:LIST_LENGTH]
    ]


def _clerk_panel(user: User, org: Organization, today: datetime.date) -> dict[str, Any]:
    docs = Q(organization=org, direction=Direction.INCOMING)
    waiting = Q(status=Status.PENDING_REGISTRATION)
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    # Two ranges instead of one pass over every incoming document of the organisation: the
    # figures by status on ``doc_status``, today's on ``doc_received`` (ngày đến).
    n = _counts(
        user,
        docs & Q(status__in=[Status.PENDING_REGISTRATION, Status.NEW]),
        {
            "waiting": waiting,
            "urgent": waiting & ~Q(urgency=Urgency.NORMAL),
            "new": Q(status=Status.NEW),
        },
    )
    n |= _counts(user, docs & Q(received_at__gte=start), {"today": Q(number__isnull=False)})
    return {
        "role": Role.CLERK,
        "title": "Văn thư",
        "organization": org.name,
        "counts": [
            ("Chờ vào sổ", n["waiting"], INBOX),
            ("trong đó khẩn, thượng khẩn, hỏa tốc", n["urgent"], INBOX),
            ("Đã vào sổ hôm nay", n["today"], INCOMING),
            ("Chưa trình lãnh đạo", n["new"], f"{INCOMING}?trang_thai=new"),
        ],
        "items_title": "Chờ vào sổ (khẩn trước)",
        "items": _first(user, docs & waiting),
    }


def _leader_panel(user: User, org: Organization, today: datetime.date) -> dict[str, Any]:
    # Counts from the counter cells (summary_read); the short list stays on the documents,
    # through the access policy, with its LIMIT.
    # The five-row list: the organisations of the subtree as an id list, so the plain filters
    # meet the (organization, direction, status) index (no join to orgs for the path range).
    subtree = list(Organization.objects.filter(org.subtree_q()).values_list("pk", flat=True))
    awaiting = Q(
        organization__in=subtree, direction=Direction.INCOMING, status=Status.AWAITING_DIRECTION
    )
    awaiting_code = Status.AWAITING_DIRECTION.value
    rows = summary_read.open_incoming(user, org, today)
    waiting = sum(r["n"] for r in rows if r["outcome"] == Status.AWAITING_DIRECTION)
    width = len(org.path) + 10
    paths = dict(
        Organization.objects.filter(pk__in={r["organization_id"] for r in rows}).values_list(
            "pk", "path"
        )
    )
    by_unit: dict[str, int] = {}
    for row in rows:
        if row["overdue"]:
            branch = paths[row["organization_id"]][:width]
            by_unit[branch] = by_unit.get(branch, 0) + row["n"]
    named = Organization.objects.filter(path__in=list(by_unit)).only("path", "name")
    units = {o.path: o.name for o in named}
    return {
        "role": Role.LEADER,
        "title": "Lãnh đạo",
        "organization": org.name,
        "counts": [
            ("Chờ cho ý kiến chỉ đạo", waiting, f"{INCOMING}?trang_thai={awaiting_code}"),
            ("Quá hạn giải quyết", sum(by_unit.values()), f"{INCOMING}?trang_thai=in_progress"),
        ],
        "items_title": "Chờ chỉ đạo",
        "items": _first(user, awaiting),
        "overdue_by_unit": [
            {"unit": units.get(p, p), "count": n}
            for p, n in sorted(by_unit.items(), key=lambda pn: (-pn[1], units.get(pn[0], "")))
        ][:10],
    }


def _archivist_panel(user: User, org: Organization, today: datetime.date) -> dict[str, Any]:
    from vanthu.archive.models import TransferItem
    from vanthu.archive.models_disposal import Disposal
    from vanthu.records.models import Dossier

    dossiers = policy.visible(user, Dossier.objects.filter(organization=org))
    handed = TransferItem.objects.filter(active=True).values("dossier")
    closed = dossiers.filter(status=Dossier.Status.CLOSED).exclude(pk__in=handed)
    a_year_ago = timezone.now() - datetime.timedelta(days=365)
    levels = Secrecy.at_most(user.clearance)
    disposals = Disposal.objects.filter(
        policy.organization_scope(user, "organization"), organization=org, secrecy__in=levels
    ).exclude(status=Disposal.Status.EXECUTED)
    return {
        "role": Role.ARCHIVIST,
        "title": "Lưu trữ",
        "organization": org.name,
        "counts": [
            ("Hồ sơ đã kết thúc, chưa nộp lưu", closed.count(), ARCHIVE),
            (
                "trong đó quá 1 năm (NĐ 30 Điều 30)",
                closed.filter(closed_at__lt=a_year_ago).count(),
                ARCHIVE,
            ),
            ("Danh mục hủy chưa thực hiện", disposals.count(), ARCHIVE),
        ],
        "items_title": "",
        "items": [],
    }


def _own_work(user: User, today: datetime.date) -> dict[str, Any]:
    # The user's own open assignments first (index on user, done_at), then the access policy
    # on their documents only: not a subquery over every document the user may see.
    open_ = Assignment.objects.filter(
        user=user,
        done_at__isnull=True,
        role__in=(Assignment.Role.LEAD, Assignment.Role.SUPPORT),
    )
    seen = policy.visible(user, Document.objects.filter(pk__in=open_.values("document_id")))
    mine = open_.filter(document__in=seen.values("pk"))
    deadline = Q(deadline__lt=today) | Q(deadline__isnull=True, document__deadline__lt=today)
    return {
        "title": "Việc của tôi",
        "counts": [
            ("Đang giải quyết", mine.count(), INBOX),
            ("Quá hạn", mine.filter(deadline).count(), INBOX),
        ],
    }


def _data_version(organization: Organization) -> str:
    """A fingerprint of everything recorded in ``organization``'s subtree: the head (sequence
    and hash) of each of its organisations' audit chains, and how many organisations it has.

    Every state change writes an audit event in its organisation's chain in the same
    transaction (architecture.md invariant 3), so a registration, a direction, a completion, an
    issue or a grant anywhere below changes this value; it is read before the figures, so a
    change committed in between is at worst cached under the old key, never the reverse."""
    orgs = Organization.objects.filter(organization.subtree_q())
    keys = orgs.annotate(
        chain_key=Concat(Value("org:"), Cast("pk", output_field=CharField()))
    ).values("chain_key")
    heads = (
        Chain.objects.filter(key__in=keys)
        .order_by("key")
        .values_list("key", "last_seq", "last_hash")
    )
    digest = hashlib.sha256(str(orgs.count()).encode())
    for key, seq, last_hash in heads:
        digest.update(f"|{key}:{seq}:{last_hash}".encode())
    return digest.hexdigest()


def _cached(
    user: User,
    organization: Organization,
    today: datetime.date,
    part: str,
    compute: Callable[[], dict[str, Any]],
    versions: dict[int, str] | None = None,
) -> dict[str, Any]:
    """``compute()`` cached per viewer and data version: the key holds who looks (user,
    clearance, the positions held today), the day (what is overdue depends on it) and
    ``_data_version`` of the organisation's subtree, so any recorded change below the
    organisation — including a grant, which is audited in the document's organisation — makes a
    new key. The version is read before computing. Entries also expire after
    VANTHU_DASHBOARD_CACHE_SECONDS (0: no cache)."""
    seconds = int(getattr(settings, "VANTHU_DASHBOARD_CACHE_SECONDS", DASHBOARD_CACHE_SECONDS))
    if seconds <= 0:
        return compute()
    # Read once per page: the leader panel and the year's figures of one organisation share it.
    versions = {} if versions is None else versions
    if organization.pk not in versions:
        versions[organization.pk] = _data_version(organization)
    version = versions[organization.pk]
    positions = sorted((o.pk, r) for o, r in policy.current_positions(user))
    who = f"{user.pk}|{user.clearance}|{user.is_superuser}|{user.is_active}|{positions}"
    key = (
        "vanthu.dashboard:"
        + hashlib.sha256(
            f"{part}|{who}|{organization.pk}|{today.isoformat()}|{version}".encode()
        ).hexdigest()
    )
    found = cache.get(key)
    if found is not None:
        return dict(found)
    value = compute()
    cache.set(key, value, seconds)
    return value


def _year_figures(
    user: User, home: Organization, today: datetime.date, versions: dict[int, str] | None = None
) -> dict[str, Any]:
    """This year's statistics of the user's organisation (with the roll-up for a leader)."""

    def compute() -> dict[str, Any]:
        # From the counter cells kept by the services (summary.py), not the documents.
        return summary_read.year_statistics(user, home, today)

    return _cached(user, home, today, "year", compute, versions)


def _comparison(home: Organization, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The table comparing the organisation's own documents and each direct child's subtree:
    counts only (issue 10 point 3)."""
    table = []
    keys = ("incoming", "outgoing", "on_time", "late", "open", "overdue")
    total = dict.fromkeys(keys, 0)
    for r in rows:
        done = r["on_time"] + r["late"]
        name = r["organization"]["name"]
        table.append(
            {
                "name": f"{name} (văn bản của cơ quan)" if r["own"] else name,
                "code": r["organization"]["code"],
                "own": r["own"],
                **{k: r[k] for k in keys},
                "on_time_percent": round(100 * r["on_time"] / done) if done else None,
            }
        )
        for k in keys:
            total[k] += r[k]
    done = total["on_time"] + total["late"]
    return {
        "title": f"So sánh các đơn vị trực thuộc {home.name}",
        "units": len(rows) - 1,
        "rows": table,
        "total": {
            **total,
            "on_time_percent": round(100 * total["on_time"] / done) if done else None,
        },
    }


def dashboard(user: User) -> dict[str, Any]:
    """Everything the home page shows, for the roles ``user`` holds today."""
    today = timezone.localdate()
    panels: list[dict[str, Any]] = []
    seen: set[tuple[int, str]] = set()
    versions: dict[int, str] = {}
    for org, role in policy.current_positions(user):
        if (org.pk, role) in seen:
            continue
        seen.add((org.pk, role))
        if role == Role.CLERK:
            panels.append(_clerk_panel(user, org, today))
        elif role == Role.LEADER:
            panels.append(
                _cached(
                    user, org, today, "leader", partial(_leader_panel, user, org, today), versions
                )
            )
        elif role == Role.ARCHIVIST:
            panels.append(_archivist_panel(user, org, today))
    result: dict[str, Any] = {
        "panels": panels,
        "own": _own_work(user, today),
        "charts": [],
        "comparison": None,
        "year": today.year,
    }
    home = user.organization
    if home is None:
        return result
    stats = _year_figures(user, home, today, versions)
    months = stats["by_month"]
    result["charts"].append(
        charts.bar_chart(
            [f"{m['month'][5:]}/{m['month'][:4]}" for m in months],
            [
                ("Văn bản đến", [m["incoming"] for m in months]),
                ("Văn bản đi", [m["outgoing"] for m in months]),
            ],
            f"Văn bản đến và đi theo tháng, năm {today.year} — {home.name}",
        )
    )
    totals = stats["totals"]
    units = stats["children"] or [
        {"organization": {"code": home.code, "name": home.name}, "own": True, **totals}
    ]
    result["charts"].append(
        charts.stacked_bar_chart(
            [u["organization"]["name"] for u in units],
            [
                ("Đã giải quyết đúng hạn", [u["on_time"] for u in units]),
                ("Đã giải quyết quá hạn", [u["late"] for u in units]),
                ("Đang giải quyết", [u["open"] for u in units]),
            ],
            f"Giải quyết văn bản đến năm {today.year} theo đơn vị",
        )
    )
    types = stats["by_type"]
    result["charts"].append(
        charts.bar_chart(
            [t["document_type"] or "—" for t in types],
            [
                ("Văn bản đến", [t["incoming"] for t in types]),
                ("Văn bản đi", [t["outgoing"] for t in types]),
            ],
            f"Văn bản đến và đi theo loại, năm {today.year}",
        )
    )
    if stats["children"]:
        result["comparison"] = _comparison(home, stats["children"])
    result["totals"] = totals
    return result
