"""Writes of appraisal and disposal (xác định giá trị, hủy tài liệu hết giá trị).

Rules: Luật Lưu trữ 2024 Điều 16, TT 06/2025/TT-BNV, TT 05/2025 Chương VII (domain.md §3.4).
The disposal dossier and every metadata row stay forever; only the files' content goes.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vanthu.access import policy
from vanthu.archive.models import CouncilMember, Disposal, DisposalItem, LegalHold
from vanthu.archive.services import require_archivist
from vanthu.archive.services_storage import require_other_leader
from vanthu.audit.services import record
from vanthu.core import blobstore
from vanthu.core.enums import Secrecy
from vanthu.guide.rules import cite
from vanthu.orgs.models import Organization, User
from vanthu.records.models import Dossier, DossierDocument
from vanthu.records.services.common import Errors, require_member
from vanthu.registry.models import DocumentFile

# TT 06/2025: destroy within 15 days of the decision.
EXECUTION_DAYS = 15


def expires_on(dossier: Dossier) -> datetime.date | None:
    """Last day of retention; None for vĩnh viễn and "đến khi hết hiệu lực" (judged by people).

    domain.md §9 item 20: retention counts from the year the dossier closed, so a dossier
    closed in 2015 and kept 10 years expires at the end of 2025.
    """
    if dossier.retention_years is None or dossier.status != Dossier.Status.CLOSED:
        return None
    ended = dossier.end_date or (
        timezone.localtime(dossier.closed_at).date() if dossier.closed_at else None
    )
    if ended is None:
        return None
    return datetime.date(ended.year + dossier.retention_years, 12, 31)


def disposal_problem(
    dossier: Dossier,
    today: datetime.date,
    *,
    held: set[int] | None = None,
    decided: set[int] | None = None,
) -> str | None:
    """Why a dossier may not be disposed of, or None.

    ``held`` / ``decided``: the ids under a live legal hold / in a decided disposal, when the
    caller has fetched them for many dossiers at once (else one query each here)."""
    if dossier.is_permanent or dossier.retention_years is None:
        return cite(
            "huy-tai-lieu", _("Hồ sơ %s bảo quản vĩnh viễn, không được hủy.") % dossier.code
        )
    end = expires_on(dossier)
    if end is None or end >= today:
        return cite("huy-tai-lieu", _("Hồ sơ %s chưa hết thời hạn bảo quản.") % dossier.code)
    if (
        dossier.pk in held
        if held is not None
        else LegalHold.objects.filter(dossier=dossier, released_at__isnull=True).exists()
    ):
        return _("Hồ sơ %s đang bị giữ theo yêu cầu pháp lý, không được hủy.") % dossier.code
    live = DisposalItem.objects.filter(dossier=dossier).exclude(disposal__status="draft")
    if dossier.pk in decided if decided is not None else live.exists():
        return _("Hồ sơ %s đã có quyết định hủy.") % dossier.code
    return None


@transaction.atomic
def place_hold(*, actor: User, dossier: Dossier, reason: str) -> LegalHold:
    if not policy.can_view(actor, dossier):
        policy.raise_404()
    require_archivist(actor, dossier.organization)
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Phải ghi lý do giữ tài liệu.")]})
    hold = LegalHold.objects.create(
        organization=dossier.organization, dossier=dossier, reason=reason.strip(), placed_by=actor
    )
    record(
        action="archive.hold.place",
        actor=actor,
        organization=dossier.organization,
        obj=dossier,
        details={"hold": hold.pk, "reason": hold.reason},
    )
    return hold


@transaction.atomic
def release_hold(*, actor: User, hold: LegalHold) -> LegalHold:
    hold = LegalHold.objects.select_for_update().select_related("organization").get(pk=hold.pk)
    if not policy.can_view(actor, hold):
        policy.raise_404()
    require_archivist(actor, hold.organization)
    if hold.released_at is not None:
        raise ValidationError({"hold": [_("Lệnh giữ đã được gỡ.")]})
    hold.released_by = actor
    hold.released_at = timezone.now()
    hold.save()
    record(action="archive.hold.release", actor=actor, organization=hold.organization, obj=hold)
    return hold


@transaction.atomic
def create_disposal(
    *,
    actor: User,
    organization: Organization,
    dossiers: list[Dossier],
    title: str,
    explanatory_note: str,
    council: list[tuple[User, str]],
    today: datetime.date | None = None,
) -> Disposal:
    """Danh mục tài liệu hết giá trị with its bản thuyết minh and its council (hội đồng)."""
    require_member(actor, organization)
    require_archivist(actor, organization)
    today = today or timezone.localdate()
    errors: Errors = {}
    if not dossiers:
        errors["dossiers"] = [_("Phải chọn ít nhất một hồ sơ.")]
    problems: list[str] = []
    seen: set[int] = set()
    # One query each for visibility, holds and decisions (not three per dossier).
    pks = [d.pk for d in dossiers if d.pk is not None]
    visible = set(
        policy.visible(actor, Dossier.objects.filter(pk__in=pks)).values_list("pk", flat=True)
    )
    held = set(
        LegalHold.objects.filter(dossier__in=pks, released_at__isnull=True).values_list(
            "dossier_id", flat=True
        )
    )
    decided = set(
        DisposalItem.objects.filter(dossier__in=pks)
        .exclude(disposal__status="draft")
        .values_list("dossier_id", flat=True)
    )
    for dossier in dossiers:
        if dossier.pk is None or dossier.pk not in visible:
            policy.raise_404()
        if dossier.pk in seen:
            problems.append(_("Hồ sơ %s được chọn hai lần.") % dossier.code)
        elif dossier.organization_id != organization.pk:
            problems.append(_("Hồ sơ %s không thuộc tổ chức này.") % dossier.code)
        elif problem := disposal_problem(dossier, today, held=held, decided=decided):
            problems.append(problem)
        seen.add(dossier.pk)
    if problems:
        errors["dossiers"] = problems
    if not (title or "").strip() or len(title) > 500:
        errors["title"] = [_("Phải ghi tên danh mục (tối đa 500 ký tự).")]
    if not (explanatory_note or "").strip():
        errors["explanatory_note"] = [
            cite("huy-tai-lieu", _("Phải có bản thuyết minh tài liệu hết giá trị."))
        ]
    members = [m for m, _role in council]
    if len(members) < 3 or len(set(m.pk for m in members)) != len(members):
        errors["council"] = [
            cite("huy-tai-lieu", _("Hội đồng phải có ít nhất 03 thành viên khác nhau."))
        ]
    elif any(not (role or "").strip() for _m, role in council):
        errors["council"] = [_("Phải ghi chức danh của từng thành viên hội đồng.")]
    if errors:
        raise ValidationError(errors)
    disposal = Disposal.objects.create(
        organization=organization,
        title=title.strip(),
        explanatory_note=explanatory_note.strip(),
        secrecy=max((d.secrecy for d in dossiers), key=Secrecy.rank),
        created_by=actor,
    )
    DisposalItem.objects.bulk_create(
        DisposalItem(disposal=disposal, dossier=d, position=n) for n, d in enumerate(dossiers, 1)
    )
    CouncilMember.objects.bulk_create(
        CouncilMember(disposal=disposal, member=m, role=role.strip()) for m, role in council
    )
    record(
        action="archive.disposal.create",
        actor=actor,
        organization=organization,
        obj=disposal,
        details={"dossiers": [d.pk for d in dossiers], "council": [m.pk for m in members]},
    )
    return disposal


def _locked(actor: User, disposal: Disposal) -> Disposal:
    disposal = (
        Disposal.objects.select_for_update().select_related("organization").get(pk=disposal.pk)
    )
    if not policy.can_view(actor, disposal):
        policy.raise_404()
    return disposal


@transaction.atomic
def cast_vote(*, actor: User, disposal: Disposal, agree: bool, opinion: str = "") -> CouncilMember:
    """A council member votes inside the system (TT 05/2025 Chương VII)."""
    disposal = _locked(actor, disposal)
    seat = CouncilMember.objects.filter(disposal=disposal, member=actor).first()
    if seat is None:
        raise PermissionDenied(_("Chỉ thành viên hội đồng mới được biểu quyết."))
    if disposal.status != Disposal.Status.DRAFT:
        raise ValidationError({"vote": [_("Danh mục đã có quyết định, không biểu quyết nữa.")]})
    seat.vote = CouncilMember.Vote.AGREE if agree else CouncilMember.Vote.DISAGREE
    seat.opinion = opinion.strip()
    seat.voted_at = timezone.now()
    seat.save()
    record(
        action="archive.disposal.vote",
        actor=actor,
        organization=disposal.organization,
        obj=disposal,
        details={"vote": seat.vote},
    )
    return seat


@transaction.atomic
def approve_disposal(
    *,
    actor: User,
    disposal: Disposal,
    decision_number: str,
    meeting_record: str,
    today: datetime.date | None = None,
) -> Disposal:
    """Quyết định hủy by the competent authority: a leader, not the one who made the list."""
    disposal = _locked(actor, disposal)
    require_other_leader(actor, disposal.organization, disposal.created_by_id)
    if disposal.status != Disposal.Status.DRAFT:
        raise ValidationError({"status": [_("Danh mục đã được quyết định.")]})
    today = today or timezone.localdate()
    errors: Errors = {}
    votes = list(disposal.council.values_list("vote", flat=True))
    if votes.count(CouncilMember.Vote.AGREE) * 2 <= len(votes):
        errors["council"] = [_("Hội đồng chưa biểu quyết đồng ý hủy (cần quá nửa số thành viên).")]
    if not (decision_number or "").strip():
        errors["decision_number"] = [_("Phải ghi số quyết định hủy.")]
    if not (meeting_record or "").strip():
        errors["meeting_record"] = [_("Phải có biên bản họp hội đồng.")]
    # Re-check every dossier: a hold may have been placed since the list was made.
    problems = [
        p
        for item in disposal.items.select_related("dossier")
        if (p := disposal_problem(item.dossier, today))
    ]
    if problems:
        errors["dossiers"] = problems
    if errors:
        raise ValidationError(errors)
    disposal.status = Disposal.Status.APPROVED
    disposal.approved_by = actor
    disposal.approved_at = timezone.now()
    disposal.decision_number = decision_number.strip()
    disposal.meeting_record = meeting_record.strip()
    disposal.save()
    record(
        action="archive.disposal.approve",
        actor=actor,
        organization=disposal.organization,
        obj=disposal,
        details={"decision": disposal.decision_number},
    )
    return disposal


def _files_of(dossier: Dossier) -> list[DocumentFile]:
    """Files whose document has its original in this dossier (references elsewhere stay)."""
    docs = DossierDocument.objects.filter(dossier=dossier, is_original=True).values("document")
    return list(DocumentFile.objects.filter(document__in=docs).order_by("pk"))


@transaction.atomic
def execute_disposal(
    *,
    actor: User,
    disposal: Disposal,
    handover_record: str,
    destruction_record: str,
    now: datetime.datetime | None = None,
) -> Disposal:
    """Hủy: within 15 days of the decision; the content goes after commit, the rows stay."""
    disposal = _locked(actor, disposal)
    require_archivist(actor, disposal.organization)
    if disposal.status != Disposal.Status.APPROVED or disposal.approved_at is None:
        raise ValidationError({"status": [_("Chỉ hủy danh mục đã có quyết định hủy, chưa hủy.")]})
    now = now or timezone.now()
    if now > disposal.approved_at + datetime.timedelta(days=EXECUTION_DAYS):
        raise ValidationError(
            {
                "status": [
                    cite(
                        "huy-tai-lieu",
                        _("Đã quá 15 ngày kể từ quyết định hủy; phải trình quyết định lại."),
                    )
                ]
            }
        )
    errors: Errors = {}
    if not (handover_record or "").strip():
        errors["handover_record"] = [_("Phải có biên bản bàn giao tài liệu hủy.")]
    if not (destruction_record or "").strip():
        errors["destruction_record"] = [_("Phải có biên bản hủy tài liệu.")]
    holds = LegalHold.objects.filter(
        dossier__disposal_items__disposal=disposal, released_at__isnull=True
    )
    if holds.exists():
        errors["dossiers"] = [_("Có hồ sơ đang bị giữ theo yêu cầu pháp lý, không được hủy.")]
    if errors:
        raise ValidationError(errors)
    items = list(disposal.items.select_related("dossier"))
    doomed: dict[str, list[dict[str, Any]]] = {}
    destroyed_ids: set[int] = set()
    for item in items:
        rows = []
        for f in _files_of(item.dossier):
            destroyed_ids.add(f.pk)
            rows.append(
                {
                    "file": f.pk,
                    "document": f.document_id,
                    "name": f.original_name,
                    "size": f.size,
                    "sha256": f.sha256,
                    "pdfa_sha256": f.pdfa_sha256 or "",
                }
            )
            for sha in filter(None, (f.sha256, f.pdfa_sha256)):
                doomed.setdefault(sha, []).append({"file": f.pk})
        item.destroyed_files = rows
        item.save(update_fields=["destroyed_files"])
    # Content-addressed store: the same bytes may back a file outside this disposal; keep them.
    shared = set(
        DocumentFile.objects.exclude(pk__in=destroyed_ids)
        .filter(sha256__in=list(doomed))
        .values_list("sha256", flat=True)
    ) | set(
        DocumentFile.objects.exclude(pk__in=destroyed_ids)
        .filter(pdfa_sha256__in=list(doomed))
        .values_list("pdfa_sha256", flat=True)
    )
    to_delete = sorted(set(doomed) - shared)
    disposal.status = Disposal.Status.EXECUTED
    disposal.executed_by = actor
    disposal.executed_at = now
    disposal.handover_record = handover_record.strip()
    disposal.destruction_record = destruction_record.strip()
    disposal.save()
    # Architecture invariant 2: the audit log keeps the hash of every deleted file.
    record(
        action="archive.disposal.execute",
        actor=actor,
        organization=disposal.organization,
        obj=disposal,
        details={"deleted_sha256": to_delete, "kept_shared_sha256": sorted(shared & set(doomed))},
    )
    # After commit only: a rolled-back disposal must not have lost any content.
    transaction.on_commit(lambda: _delete_blobs(to_delete))
    return disposal


def _delete_blobs(hashes: list[str]) -> None:
    for sha in hashes:
        blobstore.delete(sha)
