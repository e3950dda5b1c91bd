"""Writes about classified documents: each one transaction with one audit event.

Every service takes a document the caller has already looked up through the registry selector
(404 for what the actor may not see) and checks again here, so that no caller can skip it.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from vanthu.access import policy
from vanthu.access.classified import authority, notices
from vanthu.access.classified.periods import PERIOD_YEARS, add_years, period_of
from vanthu.access.models import (
    ClassificationDecision,
    CopyOrder,
    DocumentCopy,
    Handover,
    Protection,
)
from vanthu.audit.services import record
from vanthu.core.enums import Secrecy
from vanthu.orgs.models import User
from vanthu.registry.models import Document
from vanthu.reports.summary import track as track_counts
from vanthu.search.indexing import document_changed

MAX_COPIES = 100


def _locked(actor: User, document: Document) -> Document:
    """The document row locked for this transaction, if ``actor`` may see it (else 404)."""
    if not policy.can_view(actor, document):
        raise policy.Http404
    return Document.objects.select_for_update().select_related("organization").get(pk=document.pk)


def _require_classified(document: Document) -> None:
    if document.secrecy == Secrecy.NONE:
        raise ValidationError(
            {"document": [_("Văn bản không mật: thao tác này chỉ dành cho văn bản mật.")]}
        )


def _require_decider(actor: User, document: Document) -> None:
    if not authority.may_decide_protection(actor, document.organization):
        raise PermissionDenied(_("Chỉ lãnh đạo của tổ chức mới được quyết định về độ mật."))


def _text(errors: dict[str, list[str]], field: str, value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        errors[field] = [message]
    return value


# --- protection periods and decisions ------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    reason: str
    decision_ref: str = ""
    # The date the decision was signed (ngày quyết định); today when not given.
    decided_on: datetime.date | None = None


def _decide(
    *,
    actor: User | None,
    document: Document,
    kind: str,
    decision: Decision,
    secrecy_after: str,
    starts_on: datetime.date | None,
    expires_after: datetime.date | None,
    declassified_on: datetime.date | None = None,
    details: dict[str, object] | None = None,
) -> ClassificationDecision:
    """Record one decision (``actor`` None: the law's own effect, declassification at expiry),
    keeping the level and the period before it; tell the document's recipients after commit."""
    before = period_of(document)
    today = timezone.localdate()
    row = ClassificationDecision.objects.create(
        document=document,
        kind=kind,
        decision_ref=decision.decision_ref.strip(),
        reason=decision.reason.strip(),
        decided_by=actor,
        decided_on=decision.decided_on or today,
        secrecy_before=document.secrecy,
        secrecy_after=secrecy_after,
        expires_before=before.expires_on,
        expires_after=expires_after,
    )
    Protection.objects.update_or_create(
        document=document,
        defaults={
            "starts_on": starts_on or before.starts_on or today,
            "expires_on": expires_after,
            "declassified_on": declassified_on,
        },
    )
    if secrecy_after != document.secrecy:
        # The policy, the search index's access fields and the marks all read this column.
        Document.objects.filter(pk=document.pk).update(secrecy=secrecy_after)
        document.secrecy = secrecy_after
        track_counts([document.pk])
        document_changed(document.pk)
    record(
        action=f"document.{kind}",
        actor=actor,
        organization=document.organization,
        obj=document,
        details={
            "decision": row.pk,
            "secrecy_before": row.secrecy_before,
            "secrecy_after": secrecy_after,
            "expires_before": row.expires_before.isoformat() if row.expires_before else None,
            "expires_after": expires_after.isoformat() if expires_after else None,
            **(details or {}),
        },
    )
    notices.decision_after_commit(row)
    return row


def _check_decision(
    errors: dict[str, list[str]], decision: Decision, document: Document | None = None
) -> None:
    _text(errors, "reason", decision.reason, _("Phải ghi lý do của quyết định."))
    if len(decision.decision_ref.strip()) > 100:
        errors["decision_ref"] = [_("Số, ký hiệu quyết định dài quá 100 ký tự.")]
    day = decision.decided_on
    if day is None:
        return
    if day > timezone.localdate():
        errors["decided_on"] = [_("Ngày quyết định không được sau ngày hôm nay.")]
        return
    starts = period_of(document).starts_on if document is not None else None
    if starts is not None and day < starts:
        errors["decided_on"] = [
            _("Ngày quyết định không được trước ngày xác định độ mật (%s).")
            % starts.strftime("%d/%m/%Y")
        ]


@transaction.atomic
def declassify(*, actor: User, document: Document, decision: Decision) -> ClassificationDecision:
    """Giải mật (Luật BVBMNN 2018 Điều 22): the document becomes ordinary."""
    document = _locked(actor, document)
    _require_classified(document)
    _require_decider(actor, document)
    errors: dict[str, list[str]] = {}
    _check_decision(errors, decision, document)
    if errors:
        raise ValidationError(errors)
    return _decide(
        actor=actor,
        document=document,
        kind=ClassificationDecision.Kind.DECLASSIFY,
        decision=decision,
        secrecy_after=Secrecy.NONE,
        starts_on=None,
        expires_after=None,
        declassified_on=timezone.localdate(),
    )


@transaction.atomic
def downgrade(
    *,
    actor: User,
    document: Document,
    secrecy: str,
    decision: Decision,
    expires_on: datetime.date | None = None,
) -> ClassificationDecision:
    """Giảm mật (Luật BVBMNN 2018 Điều 21): a lower level, with the period of the new level
    counted from today unless the decision sets another end."""
    document = _locked(actor, document)
    _require_classified(document)
    _require_decider(actor, document)
    errors: dict[str, list[str]] = {}
    _check_decision(errors, decision, document)
    today = timezone.localdate()
    if secrecy not in PERIOD_YEARS:
        errors["secrecy"] = [_("Độ mật mới phải là Mật hoặc Tối mật (giải mật là thao tác riêng).")]
    elif Secrecy.rank(secrecy) >= Secrecy.rank(document.secrecy):
        errors["secrecy"] = [
            _("Độ mật mới phải thấp hơn độ mật hiện tại (%s).") % (Secrecy(document.secrecy).label)
        ]
    if expires_on is not None and expires_on <= today:
        errors["expires_on"] = [_("Thời hạn bảo vệ mới phải sau ngày hôm nay.")]
    if errors:
        raise ValidationError(errors)
    end = expires_on or add_years(today, PERIOD_YEARS[secrecy])
    return _decide(
        actor=actor,
        document=document,
        kind=ClassificationDecision.Kind.DOWNGRADE,
        decision=decision,
        secrecy_after=secrecy,
        starts_on=today,
        expires_after=end,
    )


@transaction.atomic
def change_protection(
    *, actor: User, document: Document, expires_on: datetime.date | None, decision: Decision
) -> ClassificationDecision:
    """Gia hạn or rút ngắn the protection period (Luật BVBMNN 2018 Điều 20): decided before it
    ends; one extension adds at most the level's base period."""
    document = _locked(actor, document)
    _require_classified(document)
    _require_decider(actor, document)
    errors: dict[str, list[str]] = {}
    _check_decision(errors, decision, document)
    today = timezone.localdate()
    current = period_of(document).expires_on
    kind = ClassificationDecision.Kind.EXTEND
    if expires_on is None:
        errors["expires_on"] = [_("Phải ghi ngày hết thời hạn bảo vệ mới.")]
    elif current is not None and current < today:
        errors["expires_on"] = [
            _("Thời hạn bảo vệ đã hết ngày %s: không gia hạn được, hãy quyết định giải mật.")
            % current.strftime("%d/%m/%Y")
        ]
    elif expires_on <= today:
        errors["expires_on"] = [_("Thời hạn bảo vệ mới phải sau ngày hôm nay.")]
    elif current is not None and expires_on == current:
        errors["expires_on"] = [_("Ngày mới trùng thời hạn hiện tại.")]
    elif current is not None and expires_on > add_years(current, PERIOD_YEARS[document.secrecy]):
        errors["expires_on"] = [
            _("Mỗi lần gia hạn không quá %(years)s năm (đến %(limit)s).")
            % {
                "years": PERIOD_YEARS[document.secrecy],
                "limit": add_years(current, PERIOD_YEARS[document.secrecy]).strftime("%d/%m/%Y"),
            }
        ]
    elif current is not None and expires_on < current:
        kind = ClassificationDecision.Kind.SHORTEN
    signed = decision.decided_on
    if signed is not None and current is not None and signed > current and not errors:
        # Điều 20: an extension is decided before the period ends.
        errors["decided_on"] = [
            _("Quyết định phải có trước khi hết thời hạn bảo vệ (%s).")
            % current.strftime("%d/%m/%Y")
        ]
    if errors:
        raise ValidationError(errors)
    return _decide(
        actor=actor,
        document=document,
        kind=kind,
        decision=decision,
        secrecy_after=document.secrecy,
        starts_on=None,
        expires_after=expires_on,
    )


# --- numbered copies -----------------------------------------------------------------------


@dataclass(frozen=True)
class Holder:
    user: User | None = None
    name: str = ""


def _next_number(document: Document, kind: str) -> int:
    # The document row is locked: numbers are allocated one transaction at a time.
    top = DocumentCopy.objects.filter(document=document, kind=kind).aggregate(m=Max("number"))
    return int(top["m"] or 0) + 1


def _check_holder(errors: dict[str, list[str]], field: str, user: User, secrecy: str) -> None:
    if Secrecy.rank(user.clearance) < Secrecy.rank(secrecy):
        errors[field] = [
            _("%(name)s không có mức tiếp cận đủ cho tài liệu %(level)s.")
            % {"name": user.full_name or user.username, "level": Secrecy(secrecy).label}
        ]


@transaction.atomic
def issue_copies(
    *, actor: User, document: Document, holders: Sequence[Holder]
) -> list[DocumentCopy]:
    """Bản phát hành: number the copies of a classified document handed out (bản số k)."""
    document = _locked(actor, document)
    _require_classified(document)
    if not authority.keeps_register(actor, document.organization):
        raise PermissionDenied(_("Chỉ văn thư hoặc lãnh đạo của tổ chức mới đánh số bản."))
    errors: dict[str, list[str]] = {}
    if not holders:
        errors["holders"] = [_("Phải ghi ít nhất một người hoặc nơi giữ bản.")]
    elif len(holders) > MAX_COPIES:
        errors["holders"] = [_("Mỗi lần đánh số tối đa %s bản.") % MAX_COPIES]
    for i, holder in enumerate(holders):
        if holder.user is None and not holder.name.strip():
            errors[f"holders.{i}"] = [_("Ghi người giữ (tài khoản) hoặc tên nơi giữ.")]
        elif holder.user is not None:
            _check_holder(errors, f"holders.{i}", holder.user, document.secrecy)
    if errors:
        raise ValidationError(errors)
    first = _next_number(document, DocumentCopy.Kind.ISSUED)
    copies = DocumentCopy.objects.bulk_create(
        [
            DocumentCopy(
                document=document,
                kind=DocumentCopy.Kind.ISSUED,
                number=first + i,
                holder=h.user,
                holder_name=h.name.strip()[:255],
                created_by=actor,
            )
            for i, h in enumerate(holders)
        ]
    )
    record(
        action="classified.copies_issue",
        actor=actor,
        organization=document.organization,
        obj=document,
        details={"numbers": [first, first + len(copies) - 1]},
    )
    return list(DocumentCopy.objects.filter(document=document, number__gte=first, kind="issued"))


@transaction.atomic
def order_copies(
    *,
    actor: User,
    document: Document,
    form: str,
    made_by: User | None,
    quantity: int,
    purpose: str,
) -> CopyOrder:
    """Sao, chụp (NĐ 26/2020 Điều 3): the actor is the leader who authorises it; the copies
    are numbered BẢN SAO SỐ k and held by the person who makes them."""
    document = _locked(actor, document)
    _require_classified(document)
    if not authority.may_authorise_copy(actor, document.organization, document.secrecy):
        raise PermissionDenied(
            _("Bạn không có thẩm quyền cho phép sao, chụp tài liệu %s.")
            % Secrecy(document.secrecy).label
        )
    errors: dict[str, list[str]] = {}
    if form not in CopyOrder.Form.values:
        errors["form"] = [_("Hình thức sao không hợp lệ.")]
    if not 1 <= quantity <= MAX_COPIES:
        errors["quantity"] = [_("Số lượng bản phải từ 1 đến %s.") % MAX_COPIES]
    purpose = _text(errors, "purpose", purpose, _("Phải ghi mục đích sao, chụp."))
    maker = made_by or actor
    if not policy.can_view(maker, document):
        errors["made_by"] = [_("Người thực hiện không được tiếp cận văn bản này.")]
    if errors:
        raise ValidationError(errors)
    order = CopyOrder.objects.create(
        document=document,
        form=form,
        authorized_by=actor,
        made_by=maker,
        quantity=quantity,
        purpose=purpose,
        secrecy=document.secrecy,
    )
    first = _next_number(document, DocumentCopy.Kind.COPY)
    DocumentCopy.objects.bulk_create(
        [
            DocumentCopy(
                document=document,
                kind=DocumentCopy.Kind.COPY,
                number=first + i,
                order=order,
                holder=maker,
                created_by=actor,
            )
            for i in range(quantity)
        ]
    )
    record(
        action="classified.copy_order",
        actor=actor,
        organization=document.organization,
        obj=document,
        details={
            "order": order.pk,
            "form": form,
            "made_by": maker.pk,
            "numbers": [first, first + quantity - 1],
        },
    )
    return order


# --- hand-overs ----------------------------------------------------------------------------


@transaction.atomic
def hand_over(
    *,
    actor: User,
    document: Document,
    to_user: User | None,
    to_name: str = "",
    copy: DocumentCopy | None = None,
    handed_at: datetime.datetime | None = None,
    note: str = "",
) -> Handover:
    """One line of the sổ chuyển giao: ``actor`` hands the document (or one numbered copy) over.

    A receiver inside the system must already have a reason to see the document (a leader
    grants it first): a hand-over never widens access by itself."""
    document = _locked(actor, document)
    _require_classified(document)
    errors: dict[str, list[str]] = {}
    now = timezone.now()
    to_name = (to_name or "").strip()
    if to_user is None and not to_name:
        errors["to_user"] = [_("Ghi người nhận (tài khoản) hoặc tên người, nơi nhận.")]
    elif to_user is not None:
        if to_user.pk == actor.pk:
            errors["to_user"] = [_("Người nhận phải khác người giao.")]
        elif Secrecy.rank(to_user.clearance) < Secrecy.rank(document.secrecy):
            _check_holder(errors, "to_user", to_user, document.secrecy)
        elif not policy.can_view(to_user, document):
            errors["to_user"] = [
                _("Người nhận chưa có quyền tiếp cận văn bản này; lãnh đạo cấp quyền trước.")
            ]
    if len(to_name) > 255:
        errors["to_name"] = [_("Tên nơi nhận dài quá 255 ký tự.")]
    if copy is not None and copy.document_id != document.pk:
        errors["copy"] = [_("Bản này không thuộc văn bản này.")]
    if handed_at is not None and handed_at > now + datetime.timedelta(minutes=5):
        errors["handed_at"] = [_("Thời điểm chuyển giao không được ở tương lai.")]
    if len(note) > 500:
        errors["note"] = [_("Ghi chú dài quá 500 ký tự.")]
    if errors:
        raise ValidationError(errors)
    row = Handover.objects.create(
        document=document,
        copy=copy,
        handed_at=handed_at or now,
        from_user=actor,
        to_user=to_user,
        to_name=to_name,
        secrecy=document.secrecy,
        note=note.strip(),
    )
    if copy is not None:
        # The copy is now with the receiver (its marks will name them as the holder).
        DocumentCopy.objects.filter(pk=copy.pk).update(holder=to_user, holder_name=to_name)
    record(
        action="classified.handover",
        actor=actor,
        organization=document.organization,
        obj=document,
        details={
            "handover": row.pk,
            "copy": copy.pk if copy else None,
            "to_user": to_user.pk if to_user else None,
        },
    )
    return row


@transaction.atomic
def confirm_handover(*, actor: User, document: Document, handover: Handover) -> Handover:
    """Ký nhận: only the named receiver confirms, once."""
    document = _locked(actor, document)
    row = Handover.objects.select_for_update().get(pk=handover.pk)
    if row.document_id != document.pk:
        raise policy.Http404
    if row.to_user_id != actor.pk:
        raise PermissionDenied(_("Chỉ người nhận mới ký nhận được."))
    if row.confirmed_at is not None:
        raise ValidationError({"handover": [_("Lần chuyển giao này đã được ký nhận.")]})
    row.confirmed_at = timezone.now()
    row.confirmed_by = actor
    row.save(update_fields=["confirmed_at", "confirmed_by"])
    record(
        action="classified.handover_confirm",
        actor=actor,
        organization=document.organization,
        obj=document,
        details={"handover": row.pk},
    )
    return row


@transaction.atomic
def record_register_print(*, actor: User, organization: object, register: str, year: int) -> None:
    """architecture.md invariant 3: printing a classified register is a read of it."""
    record(
        action="classified.register_print",
        actor=actor,
        organization=organization,  # type: ignore[arg-type]
        obj=None,
        details={"register": register, "year": year},
    )
