"""Writes on the yearly file plan (danh mục hồ sơ, NĐ 30 Điều 28 and Phụ lục V)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from vanthu.access import policy
from vanthu.audit.services import record
from vanthu.guide.rules import cite
from vanthu.orgs.models import Organization, User
from vanthu.records.models import (
    FilePlan,
    FilePlanHeading,
    FilePlanItem,
    RetentionCode,
    RetentionRule,
)
from vanthu.records.services.common import (
    Errors,
    check_year,
    clean_retention,
    is_member,
    leads,
    require_record_keeper,
)

ITEM_CODE_MAX = FilePlanItem._meta.get_field("code").max_length or 30


def _editable(actor: User, plan: FilePlan) -> FilePlan:
    plan = FilePlan.objects.select_for_update().select_related("organization").get(pk=plan.pk)
    if not policy.can_view(actor, plan):
        policy.raise_404()
    require_record_keeper(actor, plan.organization)
    if plan.status != FilePlan.Status.DRAFT:
        raise ValidationError(
            {
                "plan": [
                    cite(
                        "danh-muc-ho-so",
                        _("Danh mục hồ sơ năm %s đã ban hành, không sửa được.") % plan.year,
                    )
                ]
            }
        )
    return plan


@transaction.atomic
def create_file_plan(
    *,
    actor: User,
    organization: Organization,
    year: int,
    numbering: str = FilePlan.Numbering.CONTINUOUS,
) -> FilePlan:
    require_record_keeper(actor, organization)
    errors: Errors = {}
    check_year(year, errors)
    if numbering not in FilePlan.Numbering.values:
        errors["numbering"] = [cite("so-ky-hieu-ho-so", _("Cách đánh số không hợp lệ."))]
    if not errors and FilePlan.objects.filter(organization=organization, year=year).exists():
        errors["year"] = [cite("danh-muc-ho-so", _("Tổ chức đã có danh mục hồ sơ năm %s.") % year)]
    if errors:
        raise ValidationError(errors)
    plan = FilePlan.objects.create(
        organization=organization, year=year, numbering=numbering, created_by=actor
    )
    record(
        action="records.plan.create",
        actor=actor,
        organization=organization,
        obj=plan,
        details={"year": year},
    )
    return plan


@transaction.atomic
def add_heading(
    *,
    actor: User,
    plan: FilePlan,
    title: str,
    abbreviation: str = "",
    parent: FilePlanHeading | None = None,
) -> FilePlanHeading:
    """A major heading (I, II…) or, under one, a minor heading (1, 2…)."""
    plan = _editable(actor, plan)
    errors: Errors = {}
    if not title.strip():
        errors["title"] = [_("Tên đề mục không được để trống.")]
    if parent is not None and (parent.plan_id != plan.pk or parent.parent_id is not None):
        errors["parent"] = [
            cite("so-ky-hieu-ho-so", _("Đề mục cha phải là đề mục lớn của cùng danh mục."))
        ]
    if len(abbreviation.strip()) > 20:
        errors["abbreviation"] = [_("Chữ viết tắt dài tối đa 20 ký tự.")]
    if errors:
        raise ValidationError(errors)
    siblings = plan.headings.filter(parent=parent)
    last = siblings.aggregate(m=Max("position"))["m"] or 0
    heading = FilePlanHeading.objects.create(
        plan=plan,
        parent=parent,
        position=last + 1,
        title=title.strip(),
        abbreviation=abbreviation.strip(),
    )
    record(
        action="records.plan.add_heading",
        actor=actor,
        organization=plan.organization,
        obj=plan,
        details={"heading": heading.pk, "title": heading.title},
    )
    return heading


def _major(heading: FilePlanHeading) -> FilePlanHeading:
    return heading.parent if heading.parent is not None else heading


def _next_code(plan: FilePlan, heading: FilePlanHeading) -> str:
    """Số hồ sơ = ordinal + "." + the major heading's abbreviation, e.g. "01.TCCB"."""
    major = _major(heading)
    items = plan.items.all()
    if plan.numbering == FilePlan.Numbering.PER_HEADING:
        items = items.filter(heading__in=[major, *major.children.all()])
    n = items.count() + 1
    code = f"{n:02d}.{major.abbreviation}" if major.abbreviation else f"{n:02d}"
    while plan.items.filter(code=code).exists():
        n += 1
        code = f"{n:02d}.{major.abbreviation}" if major.abbreviation else f"{n:02d}"
    return code


@transaction.atomic
def add_plan_item(
    *,
    actor: User,
    heading: FilePlanHeading,
    title: str,
    retention_code: str | None = None,
    retention_years: int | None = None,
    retention_rule: RetentionRule | None = None,
    responsible: User | None = None,
    notes: str = "",
    code: str | None = None,
) -> FilePlanItem:
    """One planned dossier; its retention from the table's row unless given."""
    plan = _editable(actor, heading.plan)
    errors: Errors = {}
    if not title.strip():
        errors["title"] = [_("Tiêu đề hồ sơ không được để trống.")]
    if retention_rule is not None and retention_code is None and retention_years is None:
        retention_code = retention_rule.retention_code
        retention_years = retention_rule.retention_years
    retention = clean_retention(retention_code, retention_years, errors)
    if responsible is not None and not is_member(responsible, plan.organization):
        errors["responsible"] = [_("Người lập hồ sơ phải công tác tại tổ chức này.")]
    code = (code or "").strip() or _next_code(plan, heading)
    if len(code) > ITEM_CODE_MAX:
        errors["code"] = [_("Số và ký hiệu hồ sơ dài tối đa %s ký tự.") % ITEM_CODE_MAX]
    elif plan.items.filter(code=code).exists():
        errors["code"] = [
            cite("so-ky-hieu-ho-so", _("Số và ký hiệu hồ sơ %s đã có trong danh mục.") % code)
        ]
    if errors:
        raise ValidationError(errors)
    last = plan.items.aggregate(m=Max("position"))["m"] or 0
    item = FilePlanItem.objects.create(
        plan=plan,
        heading=heading,
        position=last + 1,
        code=code,
        title=title.strip(),
        retention_code=retention[0],
        retention_years=retention[1],
        retention_rule=retention_rule,
        responsible=responsible,
        notes=notes.strip(),
    )
    record(
        action="records.plan.add_item",
        actor=actor,
        organization=plan.organization,
        obj=plan,
        details={"item": item.pk, "code": code},
    )
    return item


@transaction.atomic
def approve_file_plan(*, actor: User, plan: FilePlan) -> FilePlan:
    """NĐ 30 Điều 28: the head approves the file plan at the start of the year."""
    plan = FilePlan.objects.select_for_update().select_related("organization").get(pk=plan.pk)
    if not policy.can_view(actor, plan):
        policy.raise_404()
    if not leads(actor, plan.organization):
        raise PermissionDenied(
            cite(
                "danh-muc-ho-so", _("Chỉ người đứng đầu tổ chức mới được ban hành danh mục hồ sơ.")
            )
        )
    if plan.status != FilePlan.Status.DRAFT:
        raise ValidationError(
            {"plan": [cite("danh-muc-ho-so", _("Danh mục hồ sơ năm %s đã ban hành.") % plan.year)]}
        )
    if not plan.items.exists():
        raise ValidationError({"plan": [_("Danh mục hồ sơ chưa có hồ sơ nào.")]})
    plan.status = FilePlan.Status.APPROVED
    plan.approved_by = actor
    plan.approved_at = timezone.now()
    plan.save()
    counts = plan_counts(plan)
    record(
        action="records.plan.approve",
        actor=actor,
        organization=plan.organization,
        obj=plan,
        details=counts,
    )
    return plan


def plan_counts(plan: FilePlan) -> dict[str, int]:
    """The footer of the plan (Phụ lục V): how many dossiers are permanent, how many not."""
    total = plan.items.count()
    permanent = plan.items.filter(retention_code=RetentionCode.PERMANENT).count()
    return {"total": total, "permanent": permanent, "limited": total - permanent}


@transaction.atomic
def copy_file_plan_from_previous_year(
    *, actor: User, organization: Organization, year: int
) -> FilePlan:
    """A draft for ``year`` holding last year's headings and items, to edit and approve."""
    require_record_keeper(actor, organization)
    errors: Errors = {}
    check_year(year, errors)
    if errors:
        raise ValidationError(errors)
    previous = FilePlan.objects.filter(organization=organization, year=year - 1).first()
    if previous is None:
        raise ValidationError({"year": [_("Không có danh mục hồ sơ năm %s để sao.") % (year - 1)]})
    plan = create_file_plan(
        actor=actor, organization=organization, year=year, numbering=previous.numbering
    )
    mapping: dict[int, FilePlanHeading] = {}
    # Major headings first, so that each minor heading finds its copied parent.
    majors = previous.headings.filter(parent__isnull=True).order_by("position")
    minors = previous.headings.filter(parent__isnull=False).order_by("parent_id", "position")
    for old in [*majors, *minors]:
        mapping[old.pk] = FilePlanHeading.objects.create(
            plan=plan,
            parent=mapping[old.parent_id] if old.parent_id is not None else None,
            position=old.position,
            title=old.title,
            abbreviation=old.abbreviation,
        )
    FilePlanItem.objects.bulk_create(
        FilePlanItem(
            plan=plan,
            heading=mapping[item.heading_id],
            position=item.position,
            code=item.code,
            title=item.title,
            retention_code=item.retention_code,
            retention_years=item.retention_years,
            retention_rule_id=item.retention_rule_id,
            # A person who has left the organisation is not carried into the new year.
            responsible=item.responsible
            if item.responsible and is_member(item.responsible, organization)
            else None,
            notes=item.notes,
        )
        for item in previous.items.select_related("responsible").order_by("position")
    )
    record(
        action="records.plan.copy",
        actor=actor,
        organization=organization,
        obj=plan,
        details={"from": previous.pk, "year": year},
    )
    return plan
