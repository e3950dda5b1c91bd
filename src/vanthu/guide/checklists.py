"""Việc định kỳ: the daily, monthly and yearly tasks of each role, with what the system already
knows about each (computed from the data at every visit, through the access policy)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.humanize.templatetags.humanize import intcomma
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from vanthu.core.enums import Role, Urgency
from vanthu.guide.selectors import OPEN_STATUSES, incoming_of_org, roles_of
from vanthu.orgs.models import Organization, User
from vanthu.preservation.models import FixityCheck, Outcome
from vanthu.records.models import Dossier, FilePlan
from vanthu.registry import selectors as registry_selectors
from vanthu.registry.models import ALL_TYPES, Counter, Direction, Register, Status
from vanthu.registry.views import reads

DAILY, MONTHLY, YEARLY = "Hằng ngày", "Hằng tháng", "Hằng năm"
ROLE_ORDER = (Role.CLERK, Role.LEADER, Role.ARCHIVIST, Role.SPECIALIST)


@dataclass
class Item:
    task: str
    rule: str
    # What the system found; ``ok`` None means "check by hand" (nothing to compute).
    status: str = ""
    ok: bool | None = None
    url: str = ""


@dataclass
class Checklist:
    role: str
    label: str
    periods: dict[str, list[Item]] = field(default_factory=dict)


def _n(value: int) -> str:
    # Vietnamese thousands separator (settings: USE_THOUSAND_SEPARATOR with the vi locale).
    return str(intcomma(value))


def _count_item(task: str, rule: str, count: int, found: str, none: str, url: str) -> Item:
    return Item(task, rule, found % _n(count) if count else none, count == 0, url)


def _incoming_register_item(org: Organization, today: datetime.date) -> Item:
    year = today.year
    register = Register.objects.filter(
        organization=org,
        direction=Direction.INCOMING,
        series=Register.Series.ORDINARY,
        is_default=True,
    ).first()
    last = 0
    if register is not None:
        counter = Counter.objects.filter(
            register=register, period_key=str(year), type_key=ALL_TYPES
        ).first()
        last = counter.last_number if counter else 0
    url = reverse("registry:incoming-list")
    task = _("Mở sổ đăng ký văn bản đến năm mới (số đến bắt đầu từ 01)")
    if register is None or register.is_closed_for(str(year)):
        return Item(task, "so-den", _("Sổ đến năm %s chưa mở.") % year, False, url)
    if last:
        text = _("Sổ đến năm %(y)s đã mở, đã vào %(n)s số.") % {"y": year, "n": _n(last)}
    else:
        text = _("Sổ đến năm %s đã mở, chưa vào số nào.") % year
    return Item(task, "so-den", text, True, url)


def _previous_year_closed_item(org: Organization, today: datetime.date) -> Item:
    last_year = str(today.year - 1)
    task = _("In, ký xác nhận và khóa sổ đăng ký năm trước")
    url = reverse("reports:index")
    registers = list(
        Register.objects.filter(organization=org, period=Register.Period.YEAR).filter(
            counters__period_key=last_year
        )
    )
    if not registers:
        return Item(task, "dong-so", _("Năm %s không có sổ nào đã vào số.") % last_year, True, url)
    open_ = [r for r in registers if not r.is_closed_for(last_year)]
    if open_:
        text = _("Còn %(n)s sổ năm %(y)s chưa khóa.") % {"n": len(open_), "y": last_year}
        return Item(task, "dong-so", text, False, url)
    return Item(task, "dong-so", _("Các sổ năm %s đã khóa.") % last_year, True, url)


def _file_plan_item(org: Organization, today: datetime.date) -> Item:
    plan = FilePlan.objects.filter(organization=org, year=today.year).first()
    task = _("Ban hành Danh mục hồ sơ năm (đầu năm)")
    if plan is None:
        return Item(task, "danh-muc-ho-so", _("Chưa lập danh mục năm %s.") % today.year, False)
    if plan.status == FilePlan.Status.APPROVED:
        return Item(task, "danh-muc-ho-so", _("Danh mục năm %s đã ban hành.") % today.year, True)
    return Item(task, "danh-muc-ho-so", _("Danh mục năm %s đang dự thảo.") % today.year, False)


def _fixity_item() -> Item:
    since = timezone.now() - datetime.timedelta(days=1)
    checks = FixityCheck.objects.filter(checked_at__gte=since)
    total = checks.count()
    bad = checks.exclude(outcome=Outcome.PASS).count()
    task = _("Kiểm tra toàn vẹn tệp (chạy tự động hằng đêm)")
    if total == 0:
        return Item(task, "bao-quan-so", _("24 giờ qua chưa có lần kiểm tra nào."), False)
    text = _("Kiểm tra toàn vẹn 24 giờ qua: %(n)s tệp, %(bad)s lỗi.") % {
        "n": _n(total),
        "bad": _n(bad),
    }
    return Item(task, "bao-quan-so", text, bad == 0)


def _dossiers_due(user: User, org: Organization, today: datetime.date, mine: bool) -> int:
    """Closed dossiers not yet handed in whose year-long deadline (NĐ 30 Điều 30) ends within
    30 days (Phụ lục VI: notify 30 days ahead) or has passed."""
    from vanthu.access import policy

    limit = timezone.now() - datetime.timedelta(days=365 - 30)
    qs = Dossier.objects.filter(
        organization=org, status=Dossier.Status.CLOSED, closed_at__lte=limit
    ).exclude(transfer_items__active=True)
    if mine:
        qs = qs.filter(responsible=user)
    return policy.visible(user, qs).count()


def checklists(user: User) -> list[Checklist]:
    today = timezone.localdate()
    org = user.organization
    roles = roles_of(user) or {Role.SPECIALIST}
    found: list[Checklist] = []
    if org is None:
        return found
    incoming = incoming_of_org(user, org)
    labels = dict(Role.choices)
    for role in ROLE_ORDER:
        if role not in roles:
            continue
        c = Checklist(role, str(labels[role]))
        if role == Role.CLERK:
            c.periods[DAILY] = [
                _count_item(
                    _("Vào sổ văn bản đến trong ngày"),
                    "den-trong-ngay",
                    reads.pending_queue(user).count(),
                    _("%s văn bản chờ vào sổ."),
                    _("Không còn văn bản chờ vào sổ."),
                    reverse("registry:incoming-list") + "#cho-vao-so",
                ),
                _count_item(
                    _("Trình văn bản đã vào sổ"),
                    "den-trinh",
                    incoming.filter(status=Status.NEW).count(),
                    _("%s văn bản chưa trình."),
                    _("Không còn văn bản chưa trình."),
                    reverse("registry:incoming-list") + "?trang_thai=new",
                ),
                _count_item(
                    _("Xử lý ngay văn bản khẩn"),
                    "den-khan",
                    incoming.filter(status__in=("new", "pending_registration"))
                    .exclude(urgency=Urgency.NORMAL)
                    .count(),
                    _("%s văn bản khẩn chưa trình."),
                    _("Không có văn bản khẩn đang chờ."),
                    reverse("registry:incoming-list"),
                ),
                _count_item(
                    _("Phát hành văn bản đi đã ký"),
                    "di-phat-hanh",
                    registry_selectors.outgoing_list(user, status=Status.ISSUED)
                    .filter(organization=org)
                    .count(),
                    _("%s văn bản đã ban hành, chưa gửi."),
                    _("Không còn văn bản chờ phát hành."),
                    reverse("registry:outgoing-list"),
                ),
            ]
            c.periods[MONTHLY] = [
                Item(
                    _("In sổ đăng ký văn bản đến, đi để ký xác nhận"),
                    "den-so-dang-ky",
                    url=reverse("reports:index"),
                ),
            ]
            c.periods[YEARLY] = [
                _incoming_register_item(org, today),
                _previous_year_closed_item(org, today),
            ]
        elif role == Role.LEADER:
            c.periods[DAILY] = [
                _count_item(
                    _("Cho ý kiến chỉ đạo văn bản đến"),
                    "den-trinh",
                    len(reads.inbox(user)["waiting"]),
                    _("%s văn bản chờ ý kiến chỉ đạo."),
                    _("Không có văn bản chờ ý kiến."),
                    reverse("registry:inbox"),
                ),
                _count_item(
                    _("Đôn đốc văn bản quá hạn giải quyết"),
                    "den-theo-doi",
                    incoming.filter(status__in=OPEN_STATUSES, deadline__lt=today).count(),
                    _("%s văn bản quá hạn."),
                    _("Không có văn bản quá hạn."),
                    reverse("guide:my-day") + "#qua-han",
                ),
            ]
            c.periods[YEARLY] = [_file_plan_item(org, today)]
        elif role == Role.ARCHIVIST:
            c.periods[DAILY] = [_fixity_item()]
            c.periods[MONTHLY] = [
                Item(_("Sao lưu toàn bộ hằng tháng, giữ 02 bộ độc lập"), "bao-quan-so"),
            ]
            c.periods[YEARLY] = [
                _count_item(
                    _("Thu hồ sơ đến hạn nộp lưu"),
                    "nop-luu-han",
                    _dossiers_due(user, org, today, mine=False),
                    _("%s hồ sơ đến hạn nộp lưu trong 30 ngày hoặc đã quá hạn."),
                    _("Không có hồ sơ đến hạn nộp lưu."),
                    reverse("archive:index"),
                ),
                _file_plan_item(org, today),
            ]
        else:
            boxes = reads.inbox(user)
            mine = boxes["lead"] + boxes["assigned"]
            c.periods[DAILY] = [
                _count_item(
                    _("Giải quyết việc được giao đúng hạn"),
                    "den-theo-doi",
                    sum(1 for r in mine if r.overdue),
                    _("%s việc quá hạn."),
                    _("Không có việc quá hạn."),
                    reverse("guide:my-day"),
                ),
            ]
            c.periods[YEARLY] = [
                _count_item(
                    _("Nộp lưu hồ sơ công việc đã kết thúc"),
                    "nop-luu-han",
                    _dossiers_due(user, org, today, mine=True),
                    _("%s hồ sơ của tôi đến hạn nộp lưu."),
                    _("Không có hồ sơ của tôi đến hạn nộp lưu."),
                    "",
                ),
            ]
        found.append(c)
    return found
