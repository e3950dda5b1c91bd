"""Writes on văn bản đến and văn bản đi: one transaction each, audited, actor checked.

Sending inside the installation lives in ``registry.sending``; numbers in ``registry.numbering``.
"""

from __future__ import annotations

import datetime
from typing import Any, BinaryIO, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from vanthu.access import policy
from vanthu.access.policy import roles_in
from vanthu.access.reads import leads
from vanthu.audit.services import record
from vanthu.capture import detect
from vanthu.core import workdays
from vanthu.core.enums import Role, Secrecy, Urgency
from vanthu.guide.rules import cite
from vanthu.notify import services as notify
from vanthu.orgs.models import Organization, User
from vanthu.registry import files, numbering
from vanthu.registry.index_new import index_after_commit
from vanthu.registry.models import (
    Assignment,
    Channel,
    Direction,
    Document,
    DocumentFile,
    Recipient,
    Status,
)
from vanthu.reports.summary import track as track_counts
from vanthu.search.indexing import document_changed

Errors = dict[str, list[str]]


def _tell_partner(document: Document, code: str, reason: str = "") -> None:
    """Status feedback to the sender of a document that came by edXML (domain.md §7.3); a
    document that did not come by exchange has nobody to tell, and nothing happens."""
    from vanthu.exchange.outbox import status_changed  # exchange imports the registry

    status_changed(document, code, reason)


# --- checks shared by the services ----------------------------------------------------------


def require_clerk(actor: User, organization: Organization) -> None:
    if actor.is_superuser:
        return
    if not roles_in(actor, organization) & {Role.CLERK, Role.ADMIN}:
        raise PermissionDenied(
            cite("den-tap-trung", _("Chỉ văn thư của tổ chức mới được làm việc này."))
        )


def require_visible(actor: User, document: Document) -> None:
    if not policy.can_view(actor, document):
        policy.raise_404()


def check_clearance(actor: User, secrecy: str) -> None:
    if Secrecy.rank(actor.clearance) < Secrecy.rank(secrecy):
        raise PermissionDenied(_("Bạn không có mức tiếp cận bí mật đủ cho độ mật này."))


def check_zone(*, secrecy: str, summary: str, has_files: bool) -> Errors:
    """api.md "Security zone": a connected installation keeps no classified content."""
    errors: Errors = {}
    if settings.VANTHU_SECURITY_ZONE != "connected" or secrecy == Secrecy.NONE:
        return errors
    message = _(
        "Hệ thống đang chạy ở vùng kết nối mạng: văn bản mật chỉ được vào sổ dưới dạng mục "
        "không nội dung (để trống trích yếu, không đính kèm tệp)."
    )
    if summary:
        errors["summary"] = [message]
    if has_files:
        errors["file"] = [message]
    return errors


def _common_errors(data: dict[str, Any]) -> Errors:
    errors: Errors = {}
    if data.get("secrecy", Secrecy.NONE) not in Secrecy.values:
        errors["secrecy"] = [_("Độ mật không hợp lệ.")]
    if data.get("urgency", Urgency.NORMAL) not in Urgency.values:
        errors["urgency"] = [_("Độ khẩn không hợp lệ.")]
    page_count = data.get("page_count")
    if page_count is not None and page_count < 0:
        errors["page_count"] = [_("Số trang không được âm.")]
    deadline = data.get("deadline")
    if deadline is not None and deadline < timezone.localdate():
        errors["deadline"] = [_("Hạn giải quyết không được ở quá khứ.")]
    if data.get("document_type") is None:
        errors["document_type"] = [_("Phải chọn loại văn bản.")]
    return errors


def _summary_errors(secrecy: str, summary: str) -> Errors:
    # An empty summary is allowed only for a content-free classified entry (api.md).
    if not summary and secrecy == Secrecy.NONE:
        return {"summary": [_("Trích yếu không được để trống.")]}
    return {}


def sync_recipient(document: Document, status: str, reason: str = "") -> None:
    """The sender sees what the recipient did (edXML status, domain.md §7.3)."""
    if document.source_document_id is None:
        return
    fields: dict[str, Any] = {"status": status}
    if reason:
        fields["return_reason"] = reason
    Recipient.objects.filter(
        document_id=document.source_document_id, organization=document.organization_id
    ).update(**fields)


# --- văn bản đến ----------------------------------------------------------------------------


@transaction.atomic
def register_incoming(*, actor: User, organization: Organization, data: dict[str, Any]) -> Document:
    """Vào sổ văn bản đến (NĐ 30 Điều 22): the number is taken in this transaction."""
    require_clerk(actor, organization)
    secrecy = data.get("secrecy", Secrecy.NONE)
    summary = (data.get("summary") or "").strip()
    errors = _common_errors(data)
    errors |= _summary_errors(secrecy, summary)
    errors |= check_zone(secrecy=secrecy, summary=summary, has_files=False)
    sender = (data.get("sender") or "").strip()
    sender_org: Organization | None = data.get("sender_organization")
    if not sender and sender_org is None:
        errors["sender"] = [
            cite("den-so-dang-ky", _("Phải ghi cơ quan ban hành (hoặc chọn tổ chức gửi)."))
        ]
    received_at: datetime.datetime = data.get("received_at") or timezone.now()
    received_on = timezone.localtime(received_at).date()
    issued: datetime.date | None = data.get("issued_date")
    if issued is not None and received_on < issued:
        errors["received_at"] = [_("Ngày đến không được trước ngày của văn bản.")]
    if received_at > timezone.now() + datetime.timedelta(minutes=5):
        errors["received_at"] = [_("Ngày đến không được ở tương lai.")]
    if errors:
        raise ValidationError(errors)
    check_clearance(actor, secrecy)
    register = numbering.default_register(
        organization=organization,
        direction=Direction.INCOMING,
        series=numbering.series_for(secrecy),
    )
    alloc = numbering.allocate(
        register=register, document_type=data["document_type"], on=received_on
    )
    document = Document.objects.create(
        direction=Direction.INCOMING,
        organization=organization,
        register=register,
        number=alloc.number,
        period_key=alloc.period_key,
        counter_type_key=alloc.type_key,
        number_symbol=(data.get("number_symbol") or "").strip(),
        document_type=data["document_type"],
        issued_date=issued,
        summary=summary,
        signer=(data.get("signer") or "").strip(),
        secrecy=secrecy,
        urgency=data.get("urgency", Urgency.NORMAL),
        received_at=received_at,
        deadline=data.get("deadline"),
        page_count=data.get("page_count"),
        channel=data.get("channel") or Channel.PAPER,
        sender=sender or (sender_org.name if sender_org else ""),
        sender_organization=sender_org,
        status=Status.NEW,
        created_by=actor,
        notes=(data.get("notes") or "").strip(),
    )
    record(
        action="registry.incoming.register",
        actor=actor,
        organization=organization,
        obj=document,
        details={"register": register.pk, "period": alloc.period_key, "number": alloc.number},
    )
    index_after_commit(document)
    track_counts([document.pk])
    return document


@transaction.atomic
def present(*, actor: User, document: Document, leader: User) -> Document:
    """Trình (NĐ 30 Điều 23): the clerk presents the document to a leader for direction.

    The leader becomes the document's ``directed_by`` and so a participant: a classified
    document reaches exactly the leader it was presented to (need-to-know).
    """
    require_visible(actor, document)
    document = Document.objects.select_for_update().get(pk=document.pk)
    require_clerk(actor, document.organization)
    errors: Errors = {}
    if document.direction != Direction.INCOMING or document.status not in (
        Status.NEW,
        Status.AWAITING_DIRECTION,
    ):
        errors["status"] = [cite("den-trinh", _("Chỉ trình được văn bản mới vào sổ."))]
    if not leader.is_active or not leads(leader, document.organization):
        errors["leader"] = [
            cite("den-trinh", _("%s không phải lãnh đạo của tổ chức này.") % leader)
        ]
    elif Secrecy.rank(leader.clearance) < Secrecy.rank(document.secrecy):
        errors["leader"] = [_("%s không có mức tiếp cận đủ cho văn bản này.") % leader]
    if errors:
        raise ValidationError(errors)
    document.directed_by = leader
    document.status = Status.AWAITING_DIRECTION
    document.save(update_fields=["directed_by", "status", "updated_at"])
    record(
        action="registry.incoming.present",
        actor=actor,
        organization=document.organization,
        obj=document,
        details={"leader": leader.pk},
    )
    notify.presented_after_commit(document, leader)
    track_counts([document.pk])
    document_changed(document.pk)
    return document


def document_date(document: Document) -> datetime.date | None:
    """The later of the document's date and its arrival: no deadline may come before it."""
    days = [d for d in (document.issued_date,) if d is not None]
    if document.received_at is not None:
        days.append(timezone.localtime(document.received_at).date())
    return max(days) if days else None


def _deadline_check(
    field: str, deadline: datetime.date | None, document: Document, errors: Errors
) -> None:
    if deadline is None:
        return
    if deadline < timezone.localdate():
        errors.setdefault(field, []).append(
            cite("den-theo-doi", _("Hạn giải quyết không được ở quá khứ."))
        )
        return
    earliest = document_date(document)
    if earliest is not None and deadline < earliest:
        errors.setdefault(field, []).append(
            _("Hạn giải quyết không được trước ngày của văn bản (%s).")
            % earliest.strftime("%d/%m/%Y")
        )


def _working_days_deadline(field: str, days: int | None, errors: Errors) -> datetime.date | None:
    """The deadline "trong N ngày làm việc" from today (core.workdays)."""
    if days is None:
        return None
    if days < 0:
        errors.setdefault(field, []).append(_("Số ngày làm việc không được âm."))
        return None
    if days > workdays.MAX_DAYS:
        errors.setdefault(field, []).append(_("Số ngày làm việc tối đa là %d.") % workdays.MAX_DAYS)
        return None
    return workdays.add_working_days(timezone.localdate(), days)


@transaction.atomic
def assign(
    *,
    actor: User,
    document: Document,
    lead: User,
    support: list[User] | None = None,
    inform: list[User] | None = None,
    deadline: datetime.date | None = None,
    note: str = "",
    deadline_working_days: int | None = None,
    deadlines: dict[int, datetime.date | int] | None = None,
) -> Document:
    """Bút phê (NĐ 30 Điều 23): lead, support and inform, each with a deadline; in progress.

    ``deadline`` (a date) or ``deadline_working_days`` (N working days from today) applies to
    everyone; ``deadlines`` gives one person (by user id) their own: a date, or an int of
    working days ("thời hạn từng đơn vị/cá nhân", Phiếu giải quyết văn bản đến).
    """
    require_visible(actor, document)
    document = Document.objects.select_for_update().get(pk=document.pk)
    if not leads(actor, document.organization):
        raise PermissionDenied(
            cite("den-trinh", _("Chỉ lãnh đạo của tổ chức mới được cho ý kiến chỉ đạo."))
        )
    errors: Errors = {}
    if document.direction != Direction.INCOMING or document.status not in (
        Status.NEW,
        Status.AWAITING_DIRECTION,
        Status.IN_PROGRESS,
    ):
        errors["status"] = [
            cite("den-trinh", _("Văn bản ở trạng thái này không thể phân công xử lý."))
        ]
    if deadline is not None and deadline_working_days is not None:
        errors["deadline_working_days"] = [
            _("Chỉ ghi hạn theo ngày hoặc theo số ngày làm việc, không ghi cả hai.")
        ]
    else:
        in_days = _working_days_deadline("deadline_working_days", deadline_working_days, errors)
        deadline = in_days or deadline
    _deadline_check("deadline", deadline, document, errors)
    people = [(lead, Assignment.Role.LEAD)]
    people += [(u, Assignment.Role.SUPPORT) for u in support or []]
    people += [(u, Assignment.Role.INFORM) for u in inform or []]
    own: dict[int, datetime.date] = {}
    assigned_ids = {u.pk for u, _role in people}
    for user_id, value in (deadlines or {}).items():
        if user_id not in assigned_ids:
            errors.setdefault("deadlines", []).append(
                _("Người dùng mã số %s không có trong danh sách được giao.") % user_id
            )
            continue
        day = (
            value
            if isinstance(value, datetime.date)
            else _working_days_deadline("deadlines", value, errors)
        )
        _deadline_check("deadlines", day, document, errors)
        if day is not None:
            own[user_id] = day
    for user, role in people:
        in_scope = Organization.objects.filter(
            policy.organization_scope(user), pk=document.organization_id
        ).exists()
        if not user.is_active or not in_scope:
            errors.setdefault(role, []).append(_("%s không thuộc tổ chức của văn bản.") % user)
        elif Secrecy.rank(user.clearance) < Secrecy.rank(document.secrecy):
            errors.setdefault(role, []).append(
                _("%s không có mức tiếp cận đủ cho văn bản này.") % user
            )
    if errors:
        raise ValidationError(errors)
    for user, role in people:
        Assignment.objects.update_or_create(
            document=document,
            user=user,
            role=role,
            defaults={
                "deadline": own.get(user.pk, deadline),
                "note": note.strip(),
                "assigned_by": actor,
            },
        )
    document.directed_by = actor
    document.status = Status.IN_PROGRESS
    # The document's deadline is its lead's (the one the sổ theo dõi giải quyết tracks).
    lead_deadline = own.get(lead.pk, deadline)
    if lead_deadline is not None:
        document.deadline = lead_deadline
    document.save(update_fields=["directed_by", "status", "deadline", "updated_at"])
    sync_recipient(document, Recipient.Status.ASSIGNED)
    record(
        action="registry.incoming.assign",
        actor=actor,
        organization=document.organization,
        obj=document,
        details={
            "lead": lead.pk,
            "support": [u.pk for u in support or []],
            "inform": [u.pk for u in inform or []],
            "deadline": deadline.isoformat() if deadline else None,
            "deadlines": {str(k): v.isoformat() for k, v in own.items()},
        },
    )
    _tell_partner(document, "04")
    _tell_partner(document, "05")  # Status.IN_PROGRESS starts here (docs/exchange.md, 05)
    notify.assigned_after_commit(document, assigned_ids)
    track_counts([document.pk])
    document_changed(document.pk)
    return document


@transaction.atomic
def complete(*, actor: User, document: Document, note: str = "") -> Document:
    """The lead assignee (or a leader) closes the matter: hoàn thành."""
    require_visible(actor, document)
    document = Document.objects.select_for_update().get(pk=document.pk)
    is_lead = document.assignments.filter(user=actor, role=Assignment.Role.LEAD).exists()
    if not is_lead and not leads(actor, document.organization):
        raise PermissionDenied(
            cite("den-theo-doi", _("Chỉ người chủ trì hoặc lãnh đạo mới được kết thúc xử lý."))
        )
    if document.status != Status.IN_PROGRESS:
        raise ValidationError(
            {"status": [cite("den-theo-doi", _("Chỉ văn bản đang xử lý mới có thể hoàn thành."))]}
        )
    now = timezone.now()
    document.assignments.filter(done_at__isnull=True).update(done_at=now)
    document.status = Status.DONE
    if note.strip():
        document.notes = (document.notes + "\n" + note.strip()).strip()
    document.save(update_fields=["status", "notes", "updated_at"])
    sync_recipient(document, Recipient.Status.DONE)
    record(
        action="registry.incoming.complete",
        actor=actor,
        organization=document.organization,
        obj=document,
        details={},
    )
    _tell_partner(document, "06")
    track_counts([document.pk])
    document_changed(document.pk)
    return document


# --- văn bản đi -----------------------------------------------------------------------------


@transaction.atomic
def create_outgoing(*, actor: User, organization: Organization, data: dict[str, Any]) -> Document:
    """A draft (dự thảo) with its recipients; numbered only when issued."""
    if not actor.is_superuser and not roles_in(actor, organization):
        raise PermissionDenied(_("Bạn không thuộc tổ chức này."))
    secrecy = data.get("secrecy", Secrecy.NONE)
    summary = (data.get("summary") or "").strip()
    errors = _common_errors(data)
    errors |= _summary_errors(secrecy, summary)
    errors |= check_zone(secrecy=secrecy, summary=summary, has_files=False)
    recipients: list[dict[str, Any]] = data.get("recipients") or []
    seen: set[int] = set()
    for item in recipients:
        org = item.get("organization")
        if org is None and not (item.get("name") or "").strip():
            errors["recipients"] = [_("Mỗi nơi nhận phải có tổ chức hoặc tên.")]
        elif org is not None and org.pk in seen:
            errors["recipients"] = [_("Nơi nhận “%s” bị lặp.") % org.name]
        elif org is not None and org.pk == organization.pk:
            errors["recipients"] = [_("Không gửi văn bản cho chính tổ chức ban hành.")]
        elif org is not None:
            seen.add(org.pk)
    if errors:
        raise ValidationError(errors)
    check_clearance(actor, secrecy)
    document = Document.objects.create(
        direction=Direction.OUTGOING,
        organization=organization,
        document_type=data["document_type"],
        summary=summary,
        signer=(data.get("signer") or "").strip(),
        secrecy=secrecy,
        urgency=data.get("urgency", Urgency.NORMAL),
        deadline=data.get("deadline"),
        page_count=data.get("page_count"),
        sender=organization.name,
        sender_organization=organization,
        status=Status.DRAFT,
        created_by=actor,
        notes=(data.get("notes") or "").strip(),
    )
    Recipient.objects.bulk_create(
        [
            Recipient(
                document=document,
                organization=item.get("organization"),
                name=(item.get("name") or "").strip()
                or (item["organization"].name if item.get("organization") else ""),
            )
            for item in recipients
        ]
    )
    record(
        action="registry.outgoing.create",
        actor=actor,
        organization=organization,
        obj=document,
        details={"recipients": len(recipients)},
    )
    track_counts([document.pk])
    document_changed(document.pk)
    return document


@transaction.atomic
def issue_outgoing(*, actor: User, document: Document) -> Document:
    """Cấp số và ngày ban hành atomically (NĐ 30 Điều 15; 36-HD/VPTW, domain.md §2.3)."""
    require_visible(actor, document)
    document = Document.objects.select_for_update().get(pk=document.pk)
    require_clerk(actor, document.organization)
    if document.direction != Direction.OUTGOING or document.status != Status.DRAFT:
        raise ValidationError(
            {
                "status": [
                    cite("so-di-nam", _("Văn bản đã được ban hành; không thể cấp số lần nữa."))
                ]
            }
        )
    from vanthu.drafts.services import issue_refusal  # drafts imports the registry

    if refusal := issue_refusal(document):  # NĐ 30 Điều 11: duyệt before ký (docs/drafts.md)
        raise ValidationError(refusal)
    today = timezone.localdate()
    register = numbering.default_register(
        organization=document.organization,
        direction=Direction.OUTGOING,
        series=numbering.series_for(document.secrecy),
    )
    alloc = numbering.allocate(register=register, document_type=document.document_type, on=today)
    document.register = register
    document.number = alloc.number
    document.period_key = alloc.period_key
    document.counter_type_key = alloc.type_key
    document.number_symbol = numbering.format_number(
        register, alloc.number, document.document_type, document.organization
    )
    document.issued_date = today
    document.status = Status.ISSUED
    document.save()
    record(
        action="registry.outgoing.issue",
        actor=actor,
        organization=document.organization,
        obj=document,
        details={"register": register.pk, "period": alloc.period_key, "number": alloc.number},
    )
    track_counts([document.pk])
    document_changed(document.pk)
    return document


# --- files ----------------------------------------------------------------------------------


def _enqueue_text_extraction(file: DocumentFile) -> None:
    try:
        from vanthu.core import jobs
    except ImportError:  # the jobs module lands with its own issue; uploads must still work
        return
    jobs.enqueue(
        "capture.extract_text",
        {"file_id": file.pk},
        queue="ocr",
        dedupe_key=f"capture.extract_text:{file.pk}",
    )
    from vanthu.signatures.services import enqueue_check  # signatures imports the registry

    enqueue_check(file)  # PAdES signatures checked on every attached PDF (docs/signatures.md)


def may_add_files(actor: User, document: Document) -> bool:
    if actor.is_superuser or document.created_by_id == actor.pk:
        return True
    return bool(roles_in(actor, document.organization) & {Role.CLERK, Role.ADMIN})


def check_upload(
    upload: UploadedFile, errors: dict[str, list[str]]
) -> tuple[detect.FileType | None, str]:
    """What every user upload is checked for before a byte is stored (attached files, draft
    versions): not empty, within ``VANTHU_MAX_UPLOAD_MB``, a type of ``VANTHU_UPLOAD_TYPES``
    read from the bytes, a name that claims no other type. Problems go into ``errors`` under
    ``file``; answers the detected type (``None`` when refused) and the sanitised name."""
    limit = settings.VANTHU_MAX_UPLOAD_MB * 1024 * 1024
    if upload.size is None or upload.size == 0:
        errors["file"] = [_("Tệp rỗng.")]
    elif upload.size > limit:
        errors["file"] = [_("Tệp lớn hơn giới hạn %d MB.") % settings.VANTHU_MAX_UPLOAD_MB]
    else:
        try:
            return detect.check_upload(
                cast(BinaryIO, upload),
                upload.name or "",
                accepted=detect.upload_kinds(settings.VANTHU_UPLOAD_TYPES),
            )
        except ValidationError as exc:
            errors.update(exc.message_dict)
    return None, ""


def add_file(*, actor: User, document: Document, upload: UploadedFile) -> DocumentFile:
    """Attach a file: the blob is written and fsynced before the row that names it commits.

    The type comes from the bytes (``VANTHU_UPLOAD_TYPES``, docs/capture.md): anything else, or
    a name that claims another type, is refused before a byte is stored; the stored name is
    sanitised and the stored content type is the detected one, never the client's header.
    """
    require_visible(actor, document)
    if not may_add_files(actor, document):
        raise PermissionDenied(_("Bạn không được đính kèm tệp vào văn bản này."))
    errors = check_zone(secrecy=document.secrecy, summary="", has_files=True)
    file_type, name = check_upload(upload, errors)
    if errors or file_type is None:
        raise ValidationError(errors)
    upload.seek(0)
    # Classified files are encrypted before they touch the disk (docs/security.md).
    stored = files.store(upload, secrecy=document.secrecy)  # type: ignore[arg-type]
    return _store_file(
        actor=actor,
        document=document,
        name=name,
        content_type=file_type.content_type,
        stored=stored,
    )


@transaction.atomic
def _store_file(
    *, actor: User, document: Document, name: str, content_type: str, stored: files.Stored
) -> DocumentFile:
    document = Document.objects.select_for_update().get(pk=document.pk)
    last = document.files.aggregate(m=Max("position"))["m"]
    sha, size = stored.sha256, stored.size
    file = DocumentFile.objects.create(
        document=document,
        position=(last or 0) + 1,
        sha256=sha,
        size=size,
        content_type=content_type,
        original_name=name[:255],
        uploaded_by=actor,
        **stored.fields(),
    )
    _enqueue_text_extraction(file)
    record(
        action="registry.file.add",
        actor=actor,
        organization=document.organization,
        obj=document,
        details={"file": file.pk, "sha256": sha, "size": size},
    )
    return file
