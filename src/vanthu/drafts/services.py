"""Writes on drafts and on issued documents' relations: one transaction and one audit event
each; the actor and the document's state are checked first, so a refusal stores nothing.

Who may do what (access/policy roles; NĐ 30 Điều 10–13, 18):
- a draft version: the drafter (the document's creator) or a member of the organisation;
- a review (góp ý): anyone of the organisation (or a leader above) who sees the document;
- ký nháy: as ``drafter`` the document's creator, as ``unit_head`` a leader of the organisation;
- approval (duyệt): a leader of the organisation (or above), after both initials;
- replacement, correction, recall: a clerk (văn thư) of the issuing organisation.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from vanthu.access.policy import roles_in
from vanthu.access.reads import leads
from vanthu.audit.services import record
from vanthu.capture.detect import FileType
from vanthu.core.enums import Secrecy
from vanthu.drafts.models import (
    Approval,
    DocumentRelation,
    DraftVersion,
    Initial,
    InitialRole,
    Origin,
    RelationKind,
    Review,
    Verdict,
)
from vanthu.orgs.models import User
from vanthu.registry import files
from vanthu.registry.models import Direction, Document, Status
from vanthu.registry.services import (
    check_clearance,
    check_upload,
    check_zone,
    require_clerk,
    require_visible,
)
from vanthu.search.indexing import document_changed

Errors = dict[str, list[str]]
ISSUED = (Status.ISSUED, Status.SENT)


def _locked_outgoing(actor: User, document: Document) -> Document:
    require_visible(actor, document)
    document = (
        Document.objects.select_for_update().select_related("organization").get(pk=document.pk)
    )
    if document.direction != Direction.OUTGOING:
        raise ValidationError({"document": [_("Chỉ áp dụng cho văn bản đi.")]})
    return document


def _require_draft(document: Document) -> None:
    if document.status != Status.DRAFT:
        raise ValidationError(
            {"status": [_("Văn bản đã ban hành; dự thảo không còn thay đổi được.")]}
        )


def _require_member(actor: User, document: Document) -> None:
    if actor.is_superuser or document.created_by_id == actor.pk:
        return
    if not roles_in(actor, document.organization) and not leads(actor, document.organization):
        raise PermissionDenied(_("Bạn không thuộc tổ chức soạn thảo văn bản này."))


def latest_version(document: Document) -> DraftVersion | None:
    return DraftVersion.objects.filter(document=document).order_by("-number").first()


# --- versions, reviews, initials, approval -------------------------------------------------


def add_version(
    *, actor: User, document: Document, upload: UploadedFile, comment: str = ""
) -> DraftVersion:
    """Dự thảo lần n: the file is stored (and fsynced) before the row that names it commits."""
    require_visible(actor, document)
    _require_member(actor, document)
    errors = check_zone(secrecy=document.secrecy, summary="", has_files=True)
    # The same check as every attached file: the type from the bytes (docs/capture.md).
    file_type, name = check_upload(upload, errors)
    if errors or file_type is None:
        raise ValidationError(errors)
    # Refuse a wrong state before writing a blob (a blob nobody names is harmless, but useless).
    if document.direction != Direction.OUTGOING:
        raise ValidationError({"document": [_("Chỉ áp dụng cho văn bản đi.")]})
    _require_draft(document)
    upload.seek(0)
    stored = files.store(upload, secrecy=document.secrecy)  # type: ignore[arg-type]
    return _store_version(actor, document, file_type, name, stored, comment.strip())


@transaction.atomic
def _store_version(
    actor: User,
    document: Document,
    file_type: FileType,
    name: str,
    stored: files.Stored,
    comment: str,
) -> DraftVersion:
    document = _locked_outgoing(actor, document)
    _require_draft(document)
    last = DraftVersion.objects.filter(document=document).aggregate(m=Max("number"))["m"] or 0
    fields = stored.fields()
    version = DraftVersion.objects.create(
        document=document,
        number=last + 1,
        comment=comment,
        author=actor,
        sha256=stored.sha256,
        size=stored.size,
        content_type=file_type.content_type,
        original_name=name[:255],
        encrypted=bool(fields.get("encrypted", False)),
        plaintext_sha256=str(fields.get("plaintext_sha256", "")),
        key_id=str(fields.get("key_id", "")),
        wrapped_key=str(fields.get("wrapped_key", "")),
        nonce=str(fields.get("nonce", "")),
    )
    record(
        action="drafts.version.add",
        actor=actor,
        organization=document.organization,
        obj=document,
        details={"version": version.number, "sha256": version.sha256, "size": version.size},
    )
    return version


@transaction.atomic
def add_review(*, actor: User, document: Document, verdict: str, opinion: str) -> Review:
    """Góp ý / thẩm định on the latest version."""
    document = _locked_outgoing(actor, document)
    _require_member(actor, document)
    errors: Errors = {}
    if verdict not in Verdict.values:
        errors["verdict"] = [
            _("Kết luận không hợp lệ (nhất trí, nhất trí đề nghị sửa, không nhất trí).")
        ]
    if not opinion.strip():
        errors["opinion"] = [_("Phải ghi ý kiến góp ý.")]
    if errors:
        raise ValidationError(errors)
    _require_draft(document)
    version = latest_version(document)
    if version is None:
        raise ValidationError({"version": [_("Chưa có dự thảo nào để góp ý.")]})
    review = Review.objects.create(
        document=document,
        version=version,
        reviewer=actor,
        verdict=verdict,
        opinion=opinion.strip(),
    )
    record(
        action="drafts.review.add",
        actor=actor,
        organization=document.organization,
        obj=document,
        details={"version": version.number, "verdict": verdict},
    )
    return review


def may_initial_as(actor: User, document: Document) -> list[str]:
    """The roles in which ``actor`` may initial ``document``'s draft."""
    roles = []
    if document.created_by_id == actor.pk:
        roles.append(InitialRole.DRAFTER.value)
    if leads(actor, document.organization):
        roles.append(InitialRole.UNIT_HEAD.value)
    return roles


@transaction.atomic
def initial(*, actor: User, document: Document, role: str) -> Initial:
    """Ký nháy / ký tắt on the latest version, as drafter or as head of the drafting unit."""
    document = _locked_outgoing(actor, document)
    if role not in InitialRole.values:
        raise ValidationError(
            {"role": [_("Vai trò ký nháy phải là người soạn thảo hoặc lãnh đạo đơn vị.")]}
        )
    if role not in may_initial_as(actor, document):
        if role == InitialRole.DRAFTER:
            raise PermissionDenied(_("Chỉ người soạn thảo mới ký nháy với tư cách này."))
        raise PermissionDenied(_("Chỉ lãnh đạo đơn vị soạn thảo mới ký nháy với tư cách này."))
    _require_draft(document)
    version = latest_version(document)
    if version is None:
        raise ValidationError({"version": [_("Chưa có dự thảo nào để ký nháy.")]})
    if Initial.objects.filter(version=version, role=role).exists():
        raise ValidationError(
            {"role": [_("Dự thảo lần %d đã được ký nháy với tư cách này.") % version.number]}
        )
    mark = Initial.objects.create(document=document, version=version, role=role, user=actor)
    record(
        action="drafts.initial",
        actor=actor,
        organization=document.organization,
        obj=document,
        details={"version": version.number, "role": role},
    )
    return mark


@transaction.atomic
def approve(*, actor: User, document: Document, comment: str = "") -> Approval:
    """Duyệt (NĐ 30 Điều 11) the latest version; both initials come first (Điều 12)."""
    document = _locked_outgoing(actor, document)
    if not leads(actor, document.organization):
        raise PermissionDenied(_("Chỉ lãnh đạo có thẩm quyền ký mới được duyệt dự thảo."))
    check_clearance(actor, document.secrecy)
    _require_draft(document)
    version = latest_version(document)
    if version is None:
        raise ValidationError({"version": [_("Chưa có dự thảo nào để duyệt.")]})
    done = set(Initial.objects.filter(version=version).values_list("role", flat=True))
    missing = [str(InitialRole(r).label) for r in InitialRole.values if r not in done]
    if missing:
        raise ValidationError(
            {
                "initials": [
                    _("Dự thảo lần %(n)d chưa có chữ ký nháy của: %(who)s.")
                    % {"n": version.number, "who": ", ".join(missing).lower()}
                ]
            }
        )
    if Approval.objects.filter(version=version).exists():
        raise ValidationError({"version": [_("Dự thảo lần %d đã được duyệt.") % version.number]})
    approval = Approval.objects.create(
        document=document, version=version, approver=actor, comment=comment.strip()
    )
    record(
        action="drafts.approve",
        actor=actor,
        organization=document.organization,
        obj=document,
        details={"version": version.number},
    )
    return approval


def issue_refusal(document: Document) -> Errors:
    """The approval gate of ``registry.services.issue_outgoing`` (docs/drafts.md).

    A document whose drafting went through this app (it has a version) is issued only when its
    latest version is approved; with ``VANTHU_REQUIRE_APPROVAL`` every outgoing document is.
    """
    version = latest_version(document)
    if version is None:
        if getattr(settings, "VANTHU_REQUIRE_APPROVAL", False):
            return {"approval": [_("Văn bản chưa có dự thảo được lãnh đạo duyệt.")]}
        return {}
    if not Approval.objects.filter(version=version).exists():
        return {
            "approval": [
                _("Dự thảo lần %d chưa được lãnh đạo duyệt; chưa thể ban hành.") % version.number
            ]
        }
    return {}


# --- replacement, correction, recall ---------------------------------------------------------


def _issued_target(actor: User, document: Document) -> Document:
    document = _locked_outgoing(actor, document)
    require_clerk(actor, document.organization)
    if document.status not in ISSUED:
        raise ValidationError({"status": [_("Chỉ áp dụng cho văn bản đã ban hành.")]})
    return document


def _check_by(actor: User, target: Document, by: Document | None) -> Document:
    if by is None:
        raise ValidationError({"by": [_("Phải chọn văn bản thay thế hoặc đính chính.")]})
    require_visible(actor, by)
    errors: Errors = {}
    if by.pk == target.pk:
        errors["by"] = [_("Một văn bản không thể thay thế hoặc đính chính chính nó.")]
    elif by.direction != Direction.OUTGOING or by.organization_id != target.organization_id:
        errors["by"] = [_("Văn bản thay thế, đính chính phải là văn bản đi của cùng tổ chức.")]
    elif by.status not in ISSUED:
        errors["by"] = [_("Văn bản thay thế, đính chính phải đã được ban hành.")]
    elif DocumentRelation.objects.filter(target=by, kind=RelationKind.RECALLS).exists():
        errors["by"] = [_("Văn bản này đã bị thu hồi.")]
    if errors:
        raise ValidationError(errors)
    return by


def _refuse_if_recalled(target: Document) -> None:
    if DocumentRelation.objects.filter(target=target, kind=RelationKind.RECALLS).exists():
        raise ValidationError({"status": [_("Văn bản đã bị thu hồi.")]})


def _relate(
    *, actor: User, kind: str, target: Document, source: Document | None, reason: str
) -> DocumentRelation:
    try:
        with transaction.atomic():
            relation = DocumentRelation.objects.create(
                kind=kind, target=target, source=source, reason=reason, actor=actor
            )
    except IntegrityError as exc:
        message = {
            RelationKind.REPLACES: _("Văn bản đã được thay thế bằng một văn bản khác."),
            RelationKind.CORRECTS: _("Văn bản đính chính này đã được ghi nhận."),
            RelationKind.RECALLS: _("Văn bản đã bị thu hồi."),
        }[RelationKind(kind)]
        raise ValidationError({"status": [message]}) from exc
    record(
        action=f"drafts.relation.{kind}",
        actor=actor,
        organization=target.organization,
        obj=target,
        details={"relation": relation.pk, "source": source.pk if source else None},
    )
    document_changed(target.pk)
    for copy_pk in target.deliveries.values_list("pk", flat=True):
        document_changed(copy_pk)
    return relation


@transaction.atomic
def replace(
    *, actor: User, document: Document, by: Document | None, reason: str = ""
) -> DocumentRelation:
    """Văn bản thay thế (NĐ 30 Điều 18: a content error is fixed by a document of equal form)."""
    target = _issued_target(actor, document)
    by = _check_by(actor, target, by)
    _refuse_if_recalled(target)
    relation = _relate(
        actor=actor, kind=RelationKind.REPLACES, target=target, source=by, reason=reason.strip()
    )
    _tell_partners(target, by, business_type=3, reason=reason.strip())
    return relation


@transaction.atomic
def correct(
    *, actor: User, document: Document, by: Document | None, reason: str = ""
) -> DocumentRelation:
    """Đính chính (NĐ 30 Điều 18: a format or procedure error is corrected by a công văn)."""
    target = _issued_target(actor, document)
    by = _check_by(actor, target, by)
    _refuse_if_recalled(target)
    return _relate(
        actor=actor, kind=RelationKind.CORRECTS, target=target, source=by, reason=reason.strip()
    )


@transaction.atomic
def recall(*, actor: User, document: Document, reason: str) -> DocumentRelation:
    """Thu hồi: the document is frozen here, and every copy inside the installation shows
    "Đã thu hồi"; partners reached by edXML get a recall package (BussinessDocType 1)."""
    if not reason.strip():
        require_visible(actor, document)
        raise ValidationError({"reason": [_("Phải ghi lý do thu hồi.")]})
    target = _issued_target(actor, document)
    relation = _relate(
        actor=actor, kind=RelationKind.RECALLS, target=target, source=None, reason=reason.strip()
    )
    _tell_partners(target, None, business_type=1, reason=reason.strip())
    return relation


def _tell_partners(
    target: Document, by: Document | None, *, business_type: int, reason: str
) -> None:
    """Partners in other installations that got ``target`` hear of its recall or replacement
    through the exchange outbox (in this transaction). Classified documents never travel."""
    if target.secrecy != Secrecy.NONE or (by is not None and by.secrecy != Secrecy.NONE):
        return
    from vanthu.exchange.outbox import partners_of, send_to_partners

    if not partners_of(target):
        return
    if business_type == 1:
        send_to_partners(target, business_type=1, reason=reason)
    elif by is not None:
        send_to_partners(by, business_type=3, reason=reason, replaces=target)


def record_exchange_relation(
    *,
    kind: str,
    target: Document,
    source: Document | None,
    reason: str,
    previous: dict[str, object] | None = None,
) -> DocumentRelation:
    """A relation learnt from an edXML package (exchange's receive side); runs in its
    transaction, which also writes the audit event."""
    relation = DocumentRelation.objects.create(
        kind=kind,
        target=target,
        source=source,
        reason=reason,
        origin=Origin.EXCHANGE,
        previous=previous or {},
    )
    document_changed(target.pk)
    return relation
