"""Retention tables as data: the TT 05/2025 codes, and loading an office's own table."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from vanthu.records.models import RetentionCode, RetentionRule, RetentionSchedule
from vanthu.records.services import load_retention_schedule

CSV = (
    "group,reference,title,retention_code,retention_years,notes\n"
    "Tổng hợp,1,Nghị quyết của Ban Thường vụ,01,,\n"
    "Tổng hợp,2,Báo cáo quý,07,5,Theo quy chế của cơ quan\n"
    "Tài chính,3,Chứng từ kế toán,,10,\n"
)


def test_codes_and_years_correspond() -> None:
    assert RetentionCode.for_years(None) == "01"
    assert RetentionCode.for_years(70) == "02"
    assert RetentionCode.for_years(10) == "06"
    assert RetentionCode.for_years(5) == "07"
    assert RetentionCode.years_of("03") == 50
    assert RetentionCode.years_of("01") is None


def test_an_office_loads_its_own_table_from_csv(db: None, tmp_path: Path) -> None:
    path = tmp_path / "bang.csv"
    path.write_text(CSV, encoding="utf-8")
    call_command("load_retention_table", str(path), code="TU-2026", name="Bảng của TU", kind="own")
    schedule = RetentionSchedule.objects.get(code="TU-2026")
    rows = list(schedule.rules.values_list("title", "retention_code", "retention_years"))
    assert rows == [
        ("Nghị quyết của Ban Thường vụ", "01", None),
        ("Báo cáo quý", "07", 5),
        ("Chứng từ kế toán", "06", 10),
    ]
    assert not schedule.is_sample
    # Loading again replaces the rows, it does not add to them.
    call_command("load_retention_table", str(path), code="TU-2026", name="Bảng của TU", kind="own")
    assert schedule.rules.count() == 3


def test_one_bad_row_and_nothing_is_stored(db: None, tmp_path: Path) -> None:
    before = RetentionRule.objects.count()
    bad = CSV + "Tổng hợp,4,,01,,\nTổng hợp,5,Hồ sơ lạ,05,-3,\n"
    with pytest.raises(ValidationError) as err:
        load_retention_schedule(
            actor=None,
            code="X",
            name="Bảng",
            kind="own",
            rows=[
                dict(zip(CSV.split("\n")[0].split(","), line.split(","), strict=True))
                for line in bad.strip().split("\n")[1:]
            ],
        )
    assert [m[:7] for m in err.value.message_dict["rows"]] == ["Dòng 4:", "Dòng 5:"]
    assert RetentionRule.objects.count() == before
    assert not RetentionSchedule.objects.filter(code="X").exists()
    path = tmp_path / "bad.csv"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("load_retention_table", str(path), code="X", name="Bảng", kind="own")
    with pytest.raises(ValidationError) as kind:
        load_retention_schedule(actor=None, code="X", name="Bảng", kind="tinh", rows=[])
    assert "kind" in kind.value.message_dict
