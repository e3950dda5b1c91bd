"""Writes of notifications: the registry events, the daily reminders, marking as read.

The registry calls the ``*_after_commit`` functions from inside its services; each schedules the
notifications with ``transaction.on_commit``, so a rolled-back registry change tells nobody and
a failure here can never undo a registration. Notifications are messages derived from events
already in the audit log, so creating or reading them writes no audit event of its own.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection, send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from vanthu.audit.services import record
from vanthu.core import workdays
from vanthu.core.enums import Role, Secrecy
from vanthu.notify.models import EmailMode, Kind, Notification, Preference
from vanthu.orgs.models import User
from vanthu.registry.models import Assignment, Direction, Document, Status

log = logging.getLogger(__name__)

TEXT_LIMIT = 500
SUMMARY_LIMIT = 160


# --- text -----------------------------------------------------------------------------------


def document_label(document: Document) -> str:
    """How a notification names a document. A classified one: number only, never its summary
    (a notification is shown in lists, bells and e-mails, outside the audited reads)."""
    number = document.number_symbol or (
        _("số đến %(n)s") % {"n": document.number} if document.number else f"#{document.pk}"
    )
    if document.secrecy != Secrecy.NONE:
        return _("Văn bản mật %(number)s") % {"number": number}
    summary = " ".join(document.summary.split())
    if len(summary) > SUMMARY_LIMIT:
        summary = summary[: SUMMARY_LIMIT - 1].rstrip() + "…"
    return f"{number} — {summary}" if summary else number


_PK_MARK = 987654321


@lru_cache(maxsize=4)
def _link_pattern(name: str) -> str:
    # reverse() once per URL name, not once per row: the reminder job links thousands.
    return reverse(name, args=[_PK_MARK]).replace(str(_PK_MARK), "{pk}")


def document_link(document: Document) -> str:
    name = "registry:incoming-detail"
    if document.direction == Direction.OUTGOING:
        name = "registry:outgoing-detail"
    return _link_pattern(name).format(pk=document.pk)


def _date(day: datetime.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


# --- preferences ----------------------------------------------------------------------------

DEFAULT_CHOICE = (True, EmailMode.IMMEDIATE.value)
Choice = tuple[bool, str]


def preference_map(user_ids: Iterable[int]) -> dict[tuple[int, str], Choice]:
    """The stored choices of these users, in one query: (user, kind) → (in_app, email)."""
    ids = list(user_ids)
    if not ids:
        return {}
    rows = Preference.objects.filter(user_id__in=ids).values_list(
        "user_id", "kind", "in_app", "email"
    )
    return {(u, k): (in_app, email) for u, k, in_app, email in rows}


def _choice(modes: dict[tuple[int, str], Choice], user_id: int, kind: str) -> Choice:
    return modes.get((user_id, kind), DEFAULT_CHOICE)


def preferences_of(user: User) -> list[dict[str, object]]:
    """Every kind, in the order of ``Kind``, with the user's choice or the default."""
    modes = preference_map([user.pk])
    out = []
    for kind in Kind:
        in_app, email = _choice(modes, user.pk, kind.value)
        out.append(
            {
                "kind": kind.value,
                "kind_label": str(kind.label),
                "in_app": in_app,
                "email": email,
                "email_label": str(EmailMode(email).label),
            }
        )
    return out


def _bool(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower() if isinstance(value, str | int) else None
    if text in ("1", "true", "on", "yes"):
        return True
    if text in ("0", "false", "off", "no", ""):
        return False
    return None


@transaction.atomic
def set_preferences(*, actor: User, items: object) -> list[dict[str, object]]:
    """Store the actor's choices: ``items`` is a list of ``{"kind", "in_app", "email"}``; kinds
    not listed keep theirs. All or nothing: any bad item raises ``ValidationError`` with field
    errors (``preferences`` for the list, ``<kind>`` or ``<index>`` for one item) and nothing
    is stored. One audit event (the kinds and choices, no text)."""
    errors: dict[str, list[str]] = {}
    if not isinstance(items, list) or not items:
        raise ValidationError({"preferences": [_("Phải gửi danh sách cài đặt theo loại.")]})
    if len(items) > len(Kind.values):
        raise ValidationError({"preferences": [_("Danh sách có nhiều hơn số loại thông báo.")]})
    chosen: dict[str, Choice] = {}
    for index, item in enumerate(items):
        key = str(index)
        if not isinstance(item, dict):
            errors[key] = [_("Mỗi mục phải có kind, in_app và email.")]
            continue
        kind = item.get("kind")
        problems: list[str] = []
        if kind not in Kind.values:
            problems.append(_("Không có loại thông báo “%(kind)s”.") % {"kind": str(kind)[:30]})
        elif kind in chosen:
            problems.append(_("Loại thông báo này được gửi hai lần."))
        else:
            key = str(kind)
        in_app = _bool(item.get("in_app", True))
        if in_app is None:
            problems.append(_("“Hiện trong ứng dụng” phải là có hoặc không."))
        email = item.get("email", EmailMode.IMMEDIATE)
        if email not in EmailMode.values:
            problems.append(
                _("Cách gửi e-mail phải là: không gửi, gửi ngay hoặc tổng hợp hằng ngày.")
            )
        elif email != EmailMode.NONE and not actor.email:
            problems.append(_("Tài khoản chưa có địa chỉ e-mail, không thể nhận thư."))
        if problems:
            errors[key] = problems
            continue
        chosen[str(kind)] = (bool(in_app), str(email))
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    for kind, (in_app, email) in chosen.items():
        Preference.objects.update_or_create(
            user=actor, kind=kind, defaults={"in_app": in_app, "email": email, "updated_at": now}
        )
    record(
        action="notify.preferences.update",
        actor=actor,
        organization=actor.organization,
        details={"preferences": {k: {"in_app": a, "email": e} for k, (a, e) in chosen.items()}},
    )
    return preferences_of(actor)


# --- creating -------------------------------------------------------------------------------


@dataclass
class Draft:
    recipient: User
    kind: str
    text: str
    document: Document | None = None
    assignment: Assignment | None = None
    day: datetime.date | None = None
    # Nộp lưu reminders: no document; the organisation, the count told, and the page.
    organization_id: int | None = None
    count: int | None = None
    link: str = ""


def email_enabled() -> bool:
    return bool(getattr(settings, "VANTHU_NOTIFY_EMAIL", False))


def _base_url() -> str:
    return str(getattr(settings, "VANTHU_BASE_URL", "")).rstrip("/")


def _email(notes: list[Notification]) -> None:
    """E-mail at once (VANTHU_NOTIFY_EMAIL, and the recipient chose "Gửi ngay" for the kind):
    one message per notification, never fatal."""
    if not email_enabled():
        return
    base = _base_url()
    modes = preference_map({n.recipient_id for n in notes})
    for note in notes:
        address = note.recipient.email
        if not address or _choice(modes, note.recipient_id, note.kind)[1] != EmailMode.IMMEDIATE:
            continue
        body = note.text + (f"\n\n{base}{note.link}" if note.link else "")
        try:
            send_mail(
                f"[Vanthu] {note.get_kind_display()}",
                body,
                None,
                [address],
                fail_silently=False,
            )
        except Exception:
            log.exception("could not e-mail notification %s", note.pk)
            continue
        Notification.objects.filter(pk=note.pk).update(emailed_at=timezone.now())


def create(drafts: Iterable[Draft]) -> list[Notification]:
    """Store notifications (one per recipient and event); reminders already sent are skipped.

    Each recipient's preferences decide: a kind turned off in the app and by e-mail is not
    stored; one turned off in the app only is stored hidden (for the e-mail digest)."""
    pending = [d for d in drafts if d.recipient.is_active]
    modes = preference_map({d.recipient.pk for d in pending})
    made: list[Notification] = []
    for d in pending:
        in_app, email = _choice(modes, d.recipient.pk, d.kind)
        if not in_app and email == EmailMode.NONE:
            continue
        note = Notification(
            recipient=d.recipient,
            kind=d.kind,
            text=d.text[:TEXT_LIMIT],
            link=document_link(d.document) if d.document is not None else d.link,
            document=d.document,
            assignment=d.assignment,
            day=d.day,
            organization_id=d.organization_id,
            count=d.count,
            shown=in_app,
        )
        try:
            # A savepoint: a reminder another run already stored loses the unique race here.
            with transaction.atomic():
                note.save()
        except IntegrityError:
            continue
        made.append(note)
    if made:
        transaction.on_commit(lambda: _email(made))
    return made


def _after_commit(build: Callable[[], list[Draft]]) -> None:
    def run() -> None:
        try:
            with transaction.atomic():
                create(build())
        except Exception:
            # A notification lost is a nuisance; the registry change it follows is committed.
            log.exception("could not store notifications")

    transaction.on_commit(run)


# --- registry events ------------------------------------------------------------------------


def presented_after_commit(document: Document, leader: User) -> None:
    """Trình: the leader is asked for direction."""
    _after_commit(
        lambda: [
            Draft(
                leader,
                Kind.PRESENTED,
                _("Văn bản trình xin ý kiến chỉ đạo: %(doc)s") % {"doc": document_label(document)},
                document,
            )
        ]
    )


def assigned_after_commit(document: Document, user_ids: Iterable[int]) -> None:
    """Bút phê: each assignee (chủ trì, phối hợp, để biết), with their own deadline."""
    ids = list(user_ids)

    def build() -> list[Draft]:
        rows = Assignment.objects.filter(document=document, user_id__in=ids).select_related("user")
        drafts = []
        for a in rows:
            text = _("Được giao %(role)s: %(doc)s") % {
                "role": a.get_role_display().lower(),
                "doc": document_label(document),
            }
            if a.deadline:
                text += _("; hạn %(date)s") % {"date": _date(a.deadline)}
            drafts.append(Draft(a.user, Kind.ASSIGNED, text, document))
        return drafts

    _after_commit(build)


def returned_after_commit(delivery: Document) -> None:
    """A recipient organisation returned a delivery: its drafter and issuing clerk hear of it."""
    source = delivery.source_document
    if source is None:
        return

    def build() -> list[Draft]:
        people = {u.pk: u for u in (source.created_by,) if u is not None}
        text = _("%(org)s trả lại văn bản %(doc)s") % {
            "org": delivery.organization.name,
            "doc": document_label(source),
        }
        if source.secrecy == Secrecy.NONE and delivery.notes:
            text += _(". Lý do: %(reason)s") % {"reason": delivery.notes}
        return [Draft(u, Kind.RETURNED, text, source) for u in people.values()]

    _after_commit(build)


def clerks_of(organization_id: int, secrecy: str) -> list[User]:
    """Current clerks of the organisation cleared for ``secrecy``."""
    today = timezone.localdate()
    levels = [s for s in Secrecy.values if Secrecy.rank(s) >= Secrecy.rank(secrecy)]
    # One filter() call: the role, organisation and dates must hold for the same position.
    return list(
        User.objects.filter(
            Q(positions__start_date__isnull=True) | Q(positions__start_date__lte=today),
            Q(positions__end_date__isnull=True) | Q(positions__end_date__gte=today),
            is_active=True,
            clearance__in=levels,
            positions__organization_id=organization_id,
            positions__role=Role.CLERK,
        ).distinct()
    )


def delivered_after_commit(deliveries: Iterable[Document]) -> None:
    """A document arrived in the chờ vào sổ queue: the clerks who may register it hear of it."""
    docs = list(deliveries)

    def build() -> list[Draft]:
        drafts = []
        for copy in docs:
            text = _("Văn bản chờ vào sổ từ %(sender)s: %(doc)s") % {
                "sender": copy.sender,
                "doc": document_label(copy),
            }
            for clerk in clerks_of(copy.organization_id, copy.secrecy):
                drafts.append(Draft(clerk, Kind.DELIVERED, text, copy))
        return drafts

    _after_commit(build)


# --- reminders ------------------------------------------------------------------------------


def reminders_for(day: datetime.date) -> dict[str, int]:
    """The daily reminder (docs/notify.md): for every open lead or support assignment whose own
    deadline is due by the next working day, or past, one notification for ``day``.

    Idempotent: assignments already reminded for ``day`` are left out of the query, and the
    unique (assignment, kind, day) makes a racing second run insert nothing. Nothing is sent
    on a day off; the next working day's run covers it.
    """
    if not workdays.is_working_day(day):
        return {"due_soon": 0, "overdue": 0, "skipped_day_off": 1}
    horizon = workdays.next_working_day(day)
    reminded = Notification.objects.filter(assignment=OuterRef("pk"), day=day)
    rows = (
        Assignment.objects.filter(
            done_at__isnull=True,
            deadline__isnull=False,
            deadline__lte=horizon,
            role__in=[Assignment.Role.LEAD, Assignment.Role.SUPPORT],
            document__status=Status.IN_PROGRESS,
            user__is_active=True,
        )
        .exclude(Exists(reminded))
        .select_related("user", "document")
        .order_by("pk")
    )
    counts = {"due_soon": 0, "overdue": 0}
    batch: list[Draft] = []
    for a in rows.iterator(chunk_size=1000):
        deadline = a.deadline or day  # never None: filtered above
        label = document_label(a.document)
        if deadline < day:
            late = workdays.working_days_between(deadline, day)
            text = _("Quá hạn %(n)s ngày làm việc (hạn %(date)s): %(doc)s") % {
                "n": late,
                "date": _date(deadline),
                "doc": label,
            }
            kind = Kind.OVERDUE
        else:
            text = (
                _("Hết hạn hôm nay: %(doc)s") % {"doc": label}
                if deadline == day
                else _("Đến hạn ngày %(date)s: %(doc)s") % {"date": _date(deadline), "doc": label}
            )
            kind = Kind.DUE_SOON
        batch.append(Draft(a.user, kind, text, a.document, a, day))
        counts[kind] += 1
        if len(batch) >= 1000:
            _store_reminders(batch, day)
            batch = []
    _store_reminders(batch, day)
    return counts


def _store_reminders(batch: list[Draft], day: datetime.date) -> None:
    """One INSERT per batch; a row another run stored first is skipped by the database."""
    if not batch:
        return
    modes = preference_map({d.recipient.pk for d in batch})
    rows = []
    for d in batch:
        in_app, email = _choice(modes, d.recipient.pk, d.kind)
        if not in_app and email == EmailMode.NONE:
            continue
        rows.append(
            Notification(
                recipient=d.recipient,
                kind=d.kind,
                text=d.text[:TEXT_LIMIT],
                link=document_link(d.document) if d.document is not None else "",
                document=d.document,
                assignment=d.assignment,
                day=day,
                shown=in_app,
            )
        )
    with transaction.atomic():
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        if email_enabled():
            ids = [n.assignment.pk for n in rows if n.assignment is not None]
            stored = list(
                Notification.objects.filter(
                    assignment_id__in=ids, day=day, emailed_at__isnull=True
                ).select_related("recipient")
            )
            transaction.on_commit(lambda: _email(stored))


# --- nộp lưu reminders ----------------------------------------------------------------------


def archivists_of(organization_id: int, day: datetime.date) -> list[User]:
    """Current, active archivists (lưu trữ viên) of the organisation on ``day``."""
    return list(
        User.objects.filter(
            Q(positions__start_date__isnull=True) | Q(positions__start_date__lte=day),
            Q(positions__end_date__isnull=True) | Q(positions__end_date__gte=day),
            is_active=True,
            positions__organization_id=organization_id,
            positions__role=Role.ARCHIVIST,
        ).distinct()
    )


def transfer_reminders_for(day: datetime.date) -> int:
    """Hồ sơ sắp đến hạn nộp lưu (docs/notify.md): for each organisation with closed dossiers
    due within 30 days (``archive.selectors.transfer_due``'s rule), one notification to each
    of its archivists and to each người lập of such a dossier: the number of those dossiers the
    recipient may see (the policy; a người lập counts only their own), never a title.

    Rule: at most one per organisation, recipient and day, and only when the count is higher
    than in the recipient's last such reminder for the organisation (or there was none), so
    the same dossiers are not announced again. Idempotent: a second run for ``day`` finds the
    reminder of the day (and a racing one loses on the unique constraint). Returns how many
    were stored."""
    from vanthu.archive import selectors as archive_selectors
    from vanthu.orgs.models import Organization

    due = archive_selectors.transfer_due_soon_by_organization(day)
    if not due:
        return 0
    link = reverse("archive:index") + "#den-han"
    names = dict(Organization.objects.filter(pk__in=due).values_list("pk", "name"))
    responsible = {
        u.pk: u
        for u in User.objects.filter(
            pk__in={pk for people in due.values() for pk in people}, is_active=True
        )
    }
    drafts: list[Draft] = []
    for org_id, people in sorted(due.items()):
        recipients: dict[int, tuple[User, bool]] = {
            u.pk: (u, False) for u in archivists_of(org_id, day)
        }
        for pk in sorted(people):
            if pk not in recipients and pk in responsible:
                recipients[pk] = (responsible[pk], True)
        if not recipients:
            continue
        last: dict[int, tuple[datetime.date | None, int | None]] = {}
        rows = (
            Notification.objects.filter(
                kind=Kind.TRANSFER_DUE, organization_id=org_id, recipient_id__in=recipients
            )
            .order_by("recipient_id", "-day", "-pk")
            .values_list("recipient_id", "day", "count")
        )
        for recipient_id, when, told in rows:
            last.setdefault(recipient_id, (when, told))
        for pk, (user, own_only) in recipients.items():
            when, told = last.get(pk, (None, None))
            if when == day:
                continue
            count = archive_selectors.transfer_due_count(
                user, organization_id=org_id, today=day, responsible_only=own_only
            )
            if count == 0 or (told is not None and count <= told):
                continue
            text = _("%(n)s hồ sơ của %(org)s đã hoặc sắp đến hạn nộp lưu (trong 30 ngày tới).") % {
                "n": count,
                "org": names.get(org_id, ""),
            }
            drafts.append(
                Draft(
                    user,
                    Kind.TRANSFER_DUE,
                    text,
                    day=day,
                    organization_id=org_id,
                    count=count,
                    link=link,
                )
            )
    with transaction.atomic():
        return len(create(drafts))


# --- reading state --------------------------------------------------------------------------


def mark_read(*, actor: User, notification_id: int) -> Notification:
    """Only the recipient's own notification; anyone else's is 404 like a missing one."""
    from django.http import Http404

    note = Notification.objects.filter(pk=notification_id, recipient=actor, shown=True).first()
    if note is None:
        raise Http404(_("Không có thông báo này."))
    if note.read_at is None:
        note.read_at = timezone.now()
        Notification.objects.filter(pk=note.pk, read_at__isnull=True).update(read_at=note.read_at)
    return note


def mark_all_read(*, actor: User) -> int:
    return Notification.objects.filter(recipient=actor, read_at__isnull=True, shown=True).update(
        read_at=timezone.now()
    )


def fixity_alert_after_commit(sha256: str, outcome_label: str) -> None:
    """A stored file failed its integrity check: tell the administrators (hash only, no title)."""
    from vanthu.access import policy

    def build() -> list[Draft]:
        admins = User.objects.filter(
            Q(is_superuser=True) | Q(positions__role=Role.ADMIN), is_active=True
        ).distinct()
        text = _("Kiểm tra toàn vẹn: tệp %(sha)s… %(outcome)s. Xem trang Bảo quản.") % {
            "sha": sha256[:12],
            "outcome": outcome_label.lower(),
        }
        return [
            Draft(recipient=u, kind=Kind.FIXITY, text=text) for u in admins if policy.is_admin(u)
        ]

    _after_commit(build)


# --- daily digest ---------------------------------------------------------------------------

DIGEST_LIMIT = 200


def _local_day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)
    return start, start + datetime.timedelta(days=1)


def digest_body(day: datetime.date, notes: list[Notification], base: str) -> str:
    """The plain-text digest: one line per notification, its stored text only (which never
    carries a classified summary: ``document_label``), oldest first."""
    lines = [
        _("Thông báo ngày %(date)s (%(n)s):") % {"date": _date(day), "n": len(notes)},
        "",
    ]
    for note in notes[:DIGEST_LIMIT]:
        when = timezone.localtime(note.created_at).strftime("%H:%M")
        lines.append(f"- {when} [{note.get_kind_display()}] {note.text}")
        if note.link:
            lines.append(f"  {base}{note.link}")
    if len(notes) > DIGEST_LIMIT:
        lines.append(
            _("… và %(n)s thông báo khác, xem trong mục Thông báo.")
            % {"n": len(notes) - DIGEST_LIMIT}
        )
    lines += ["", _("Đổi loại thông báo nhận qua e-mail: Thông báo → Cài đặt thông báo.")]
    return "\n".join(lines)


def send_digests(day: datetime.date) -> dict[str, int]:
    """One e-mail per user listing ``day``'s (local day) notifications of the kinds that user
    gets as a daily digest, not yet e-mailed. Idempotent: what was sent is marked
    ``emailed_at``, so a second run for the same day sends nothing. A failed send is logged and
    left unmarked for the next run."""
    if not email_enabled():
        return {"users": 0, "notifications": 0, "skipped_email_off": 1}
    start, end = _local_day_bounds(day)
    daily = Preference.objects.filter(
        user=OuterRef("recipient"), kind=OuterRef("kind"), email=EmailMode.DAILY
    )
    rows = (
        Notification.objects.filter(
            created_at__gte=start,
            created_at__lt=end,
            emailed_at__isnull=True,
            recipient__is_active=True,
        )
        .exclude(recipient__email="")
        .filter(Exists(daily))
        .select_related("recipient")
        .order_by("recipient_id", "created_at", "id")
    )
    by_user: dict[int, list[Notification]] = {}
    for note in rows.iterator(chunk_size=2000):
        by_user.setdefault(note.recipient_id, []).append(note)
    base = _base_url()
    sent_users = sent_notes = 0
    connection = get_connection()
    for notes in by_user.values():
        user = notes[0].recipient
        message = EmailMessage(
            _("[Vanthu] Tổng hợp thông báo ngày %(date)s") % {"date": _date(day)},
            digest_body(day, notes, base),
            None,
            [user.email],
            connection=connection,
        )
        try:
            message.send(fail_silently=False)
        except Exception:
            log.exception("could not e-mail the digest of user %s", user.pk)
            continue
        Notification.objects.filter(pk__in=[n.pk for n in notes]).update(emailed_at=timezone.now())
        sent_users += 1
        sent_notes += len(notes)
    return {"users": sent_users, "notifications": sent_notes}
