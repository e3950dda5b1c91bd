"""The yearly file plan (danh mục hồ sơ): headings, numbering, approval by the head, copying."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from tests.records.conftest import Office
from vanthu.records import services
from vanthu.records.models import FilePlan, RetentionRule, RetentionSchedule


def build_plan(office: Office, year: int = 2026, numbering: str = "continuous") -> FilePlan:
    plan = services.create_file_plan(
        actor=office.clerk, organization=office.org, year=year, numbering=numbering
    )
    tc = services.add_heading(
        actor=office.clerk, plan=plan, title="Tổ chức, cán bộ", abbreviation="TCCB"
    )
    th = services.add_heading(actor=office.clerk, plan=plan, title="Tổng hợp", abbreviation="TH")
    sub = services.add_heading(actor=office.clerk, plan=plan, title="Đào tạo", parent=tc)
    services.add_plan_item(actor=office.clerk, heading=tc, title="Hồ sơ quy hoạch cán bộ")
    services.add_plan_item(
        actor=office.clerk,
        heading=sub,
        title="Hồ sơ cử cán bộ đi học",
        retention_years=10,
        responsible=office.specialist,
    )
    services.add_plan_item(
        actor=office.clerk, heading=th, title="Báo cáo năm", retention_years=None
    )
    return plan


def test_items_are_numbered_with_the_major_heading_abbreviation(office: Office) -> None:
    plan = build_plan(office)
    assert list(plan.items.values_list("code", flat=True)) == ["01.TCCB", "02.TCCB", "03.TH"]
    labels = [h.label for h in plan.headings.order_by("pk")]
    assert labels == ["I", "II", "1"]
    per_heading = build_plan(office, year=2025, numbering="per_heading")
    codes = list(per_heading.items.values_list("code", flat=True))
    assert codes == ["01.TCCB", "02.TCCB", "01.TH"]
    assert services.plan_counts(plan) == {"total": 3, "permanent": 2, "limited": 1}


def test_retention_comes_from_the_table_row(office: Office) -> None:
    plan = services.create_file_plan(actor=office.clerk, organization=office.org, year=2026)
    heading = services.add_heading(actor=office.clerk, plan=plan, title="Tổng hợp")
    rule = RetentionRule.objects.get(title__startswith="Kế hoạch, báo cáo tháng, quý")
    item = services.add_plan_item(
        actor=office.clerk, heading=heading, title="Báo cáo quý", retention_rule=rule
    )
    assert (item.retention_code, item.retention_years, item.code) == ("07", 5, "01")


def test_sample_tables_are_loaded_and_marked_as_samples(db: None) -> None:
    kinds = set(RetentionSchedule.objects.values_list("kind", "is_sample"))
    assert kinds == {("state", True), ("party", True)}
    assert RetentionRule.objects.filter(retention_code="until_invalid").count() == 2


def test_only_the_head_approves_and_then_the_plan_is_frozen(office: Office) -> None:
    plan = build_plan(office)
    with pytest.raises(PermissionDenied):
        services.approve_file_plan(actor=office.clerk, plan=plan)
    plan.refresh_from_db()
    assert plan.status == FilePlan.Status.DRAFT and plan.approved_by is None
    approved = services.approve_file_plan(actor=office.leader, plan=plan)
    assert approved.status == FilePlan.Status.APPROVED and approved.approved_by == office.leader
    with pytest.raises(ValidationError):
        services.approve_file_plan(actor=office.leader, plan=plan)
    heading = plan.headings.first()
    assert heading is not None
    with pytest.raises(ValidationError) as err:
        services.add_plan_item(actor=office.clerk, heading=heading, title="Thêm sau")
    assert "plan" in err.value.message_dict
    assert plan.items.count() == 3


def test_an_empty_plan_cannot_be_approved(office: Office) -> None:
    plan = services.create_file_plan(actor=office.clerk, organization=office.org, year=2026)
    with pytest.raises(ValidationError):
        services.approve_file_plan(actor=office.leader, plan=plan)


def test_bad_plan_input_is_refused_and_nothing_stored(office: Office) -> None:
    services.create_file_plan(actor=office.clerk, organization=office.org, year=2026)
    for year in (2026, 1800, 3000):
        with pytest.raises(ValidationError) as err:
            services.create_file_plan(actor=office.clerk, organization=office.org, year=year)
        assert "year" in err.value.message_dict
    with pytest.raises(PermissionDenied):
        services.create_file_plan(actor=office.specialist, organization=office.org, year=2027)
    with pytest.raises(Http404):
        services.create_file_plan(actor=office.outsider, organization=office.org, year=2027)
    assert FilePlan.objects.count() == 1
    plan = FilePlan.objects.get()
    heading = services.add_heading(actor=office.clerk, plan=plan, title="Tổng hợp")
    with pytest.raises(ValidationError):
        services.add_heading(actor=office.clerk, plan=plan, title="  ")
    with pytest.raises(ValidationError):
        services.add_plan_item(actor=office.clerk, heading=heading, title="X", retention_years=-5)
    with pytest.raises(ValidationError):
        services.add_plan_item(
            actor=office.clerk, heading=heading, title="X", responsible=office.outsider
        )
    services.add_plan_item(actor=office.clerk, heading=heading, title="X", code="01.TH")
    with pytest.raises(ValidationError):
        services.add_plan_item(actor=office.clerk, heading=heading, title="Y", code="01.TH")
    assert plan.items.count() == 1 and plan.headings.count() == 1


def test_copy_last_years_plan_as_a_draft(office: Office) -> None:
    old = build_plan(office, year=2025)
    services.approve_file_plan(actor=office.leader, plan=old)
    new = services.copy_file_plan_from_previous_year(
        actor=office.clerk, organization=office.org, year=2026
    )
    assert new.status == FilePlan.Status.DRAFT and new.year == 2026
    assert list(new.items.values_list("code", "title", "retention_years")) == list(
        old.items.values_list("code", "title", "retention_years")
    )
    minor = new.headings.get(title="Đào tạo")
    assert minor.parent is not None and minor.parent.plan_id == new.pk
    with pytest.raises(ValidationError):
        services.copy_file_plan_from_previous_year(
            actor=office.clerk, organization=office.org, year=2026
        )
    with pytest.raises(ValidationError) as err:
        services.copy_file_plan_from_previous_year(
            actor=office.clerk, organization=office.org, year=2020
        )
    assert "year" in err.value.message_dict


def test_a_dossier_opened_from_the_plan_takes_its_fields(office: Office) -> None:
    plan = build_plan(office)
    item = plan.items.get(code="02.TCCB")
    with pytest.raises(ValidationError) as err:
        services.create_dossier(
            actor=office.clerk, organization=office.org, data={"plan_item": item}
        )
    assert "plan_item" in err.value.message_dict
    services.approve_file_plan(actor=office.leader, plan=plan)
    dossier = services.create_dossier(
        actor=office.specialist, organization=office.org, data={"plan_item": item}
    )
    assert (dossier.code, dossier.year, dossier.retention_years) == ("02.TCCB", 2026, 10)
    assert dossier.responsible == office.specialist and dossier.plan_item == item
    with pytest.raises(ValidationError) as wrong_year:
        services.create_dossier(
            actor=office.clerk, organization=office.org, data={"plan_item": item, "year": 2025}
        )
    assert "year" in wrong_year.value.message_dict
