"""Importing an old register: numbers kept, counters untouched, dry run, all-or-nothing."""

from __future__ import annotations

import csv
import datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from tests.legacy.conftest import (
    OUTGOING_HEADER,
    client_for,
    incoming_rows,
    write_csv,
    write_xlsx,
)
from vanthu.audit.models import Event
from vanthu.core.text import encode_legacy
from vanthu.legacy.models import ImportBatch, ImportProfile
from vanthu.legacy.services import import_register
from vanthu.orgs.models import DocumentType
from vanthu.registry import services as registry
from vanthu.registry.models import Counter, Direction, Document, Register


def report_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))[1:]


def register_one(clerk: Any) -> Document:
    return registry.register_incoming(
        actor=clerk,
        organization=clerk.organization,
        data={
            "sender": "Ban Tuyên giáo Trung ương",
            "number_symbol": "7-HD/BTGTW",
            "document_type": DocumentType.objects.get(code="HD"),
            "summary": "Hướng dẫn tuyên truyền",
            "received_at": timezone.now(),
        },
    )


def test_import_keeps_original_numbers_and_not_the_current_sequence(
    clerk: Any, tmp_path: Path
) -> None:
    first = register_one(clerk)
    counters = list(Counter.objects.values_list("pk", "last_number"))
    path = write_xlsx(tmp_path / "so-den-2019.xlsx", incoming_rows(3, start=41))
    result = import_register(
        actor=clerk, organization=clerk.organization, direction=Direction.INCOMING, path=path
    )
    assert (result.total, result.taken, result.refused) == (3, 3, 0)
    imported = Document.objects.filter(register_id=result.register_id).order_by("number")
    assert [d.number for d in imported] == [41, 42, 43]
    doc = imported[0]
    assert doc.period_key == "2019"
    assert doc.number_symbol == "141-CV/BTCTW"
    assert doc.document_type.code == "CV"
    assert doc.issued_date == datetime.date(2019, 3, 1)
    assert timezone.localtime(doc.received_at).date() == datetime.date(2019, 3, 2)
    assert "Nhập từ sổ cũ: so-den-2019.xlsx, dòng 3." in doc.notes
    register = Register.objects.get(pk=result.register_id)
    assert register.closed and not register.is_default
    # The current numbering is untouched: the next registration follows the first one.
    assert list(Counter.objects.values_list("pk", "last_number")) == counters
    assert register_one(clerk).number == first.number + 1
    batch = ImportBatch.objects.get(pk=result.batch_id)
    assert (batch.rows_taken, batch.file_name) == (3, "so-den-2019.xlsx")
    assert Event.objects.filter(action="legacy.import", object_id=str(batch.pk)).exists()
    assert [r[1] for r in report_rows(result.report_path)] == ["nhận"] * 3  # type: ignore[arg-type]


def test_imported_rows_are_searchable_at_once_and_invisible_elsewhere(
    clerk: Any, city: Any, make_user: Any, tmp_path: Path
) -> None:
    rows = incoming_rows(1)
    rows[0][5] = "Công văn về đại hội chi bộ khu phố Bến Nghé"
    path = write_xlsx(tmp_path / "so.xlsx", rows)
    import_register(
        actor=clerk, organization=clerk.organization, direction=Direction.INCOMING, path=path
    )
    doc = Document.objects.get(number_symbol="101-CV/BTCTW")
    found = client_for(clerk).get("/api/v1/search/", {"q": "dai hoi chi bo"})
    assert found.status_code == 200, found.content
    assert doc.pk in [hit["id"] for hit in found.json()["results"]]
    outsider = make_user(organization=city.du2, roles=["clerk"])
    assert client_for(outsider).get(f"/api/v1/incoming/{doc.pk}/").status_code == 404
    hidden = client_for(outsider).get("/api/v1/search/", {"q": "dai hoi chi bo"})
    assert doc.pk not in [hit["id"] for hit in hidden.json()["results"]]


def test_dry_run_reports_every_row_and_stores_nothing(clerk: Any, tmp_path: Path) -> None:
    rows = incoming_rows(3)
    rows[1][1] = "31/02/2019"
    rows[2][5] = ""
    path = write_xlsx(tmp_path / "so.xlsx", rows)
    before = (Document.objects.count(), Register.objects.count(), Event.objects.count())
    result = import_register(
        actor=clerk,
        organization=clerk.organization,
        direction=Direction.INCOMING,
        path=path,
        dry_run=True,
    )
    assert (result.taken, result.refused) == (1, 2)
    assert (Document.objects.count(), Register.objects.count(), Event.objects.count()) == before
    assert not ImportProfile.objects.exists()
    lines = report_rows(result.report_path)  # type: ignore[arg-type]
    assert [(r[0], r[1]) for r in lines] == [("3", "nhận"), ("4", "từ chối"), ("5", "từ chối")]
    assert "không có thật" in lines[1][2]
    assert "Thiếu trích yếu" in lines[2][2]


def test_an_unexpected_error_leaves_nothing_half_imported(clerk: Any, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "so.xlsx", incoming_rows(5))
    before = (Document.objects.count(), Register.objects.count(), Event.objects.count())

    def power_cut(done: int, total: int, rate: float) -> None:
        raise OSError("mất điện")

    with pytest.raises(OSError):
        import_register(
            actor=clerk,
            organization=clerk.organization,
            direction=Direction.INCOMING,
            path=path,
            progress=power_cut,
        )
    assert (Document.objects.count(), Register.objects.count(), Event.objects.count()) == before
    assert not ImportBatch.objects.exists()
    found = client_for(clerk).get("/api/v1/search/", {"q": "BTCTW"})
    assert found.json()["results"] == []


def test_duplicates_in_the_database_and_within_the_file_are_refused(
    clerk: Any, tmp_path: Path
) -> None:
    rows = incoming_rows(2)
    rows.append(list(rows[0]))
    rows[2][0] = 99  # another arrival number, the same document
    path = write_xlsx(tmp_path / "so.xlsx", rows)
    first = import_register(
        actor=clerk, organization=clerk.organization, direction=Direction.INCOMING, path=path
    )
    assert (first.taken, first.refused) == (2, 1)
    assert "Trùng với dòng 3" in report_rows(first.report_path)[2][2]  # type: ignore[arg-type]
    again = import_register(
        actor=clerk, organization=clerk.organization, direction=Direction.INCOMING, path=path
    )
    assert (again.taken, again.refused) == (0, 3)
    assert "đã có trong hệ thống" in report_rows(again.report_path)[0][2]  # type: ignore[arg-type]


def test_a_number_used_twice_in_one_year_is_refused(clerk: Any, tmp_path: Path) -> None:
    rows = incoming_rows(2)
    rows[1][0] = 1
    result = import_register(
        actor=clerk,
        organization=clerk.organization,
        direction=Direction.INCOMING,
        path=write_xlsx(tmp_path / "so.xlsx", rows),
        dry_run=True,
    )
    assert result.refused == 1
    assert "Số 1 năm 2019 đã dùng ở dòng 3" in report_rows(result.report_path)[1][2]  # type: ignore[arg-type]


def test_outgoing_register_parses_numbers_and_types_from_the_symbol(
    clerk: Any, tmp_path: Path
) -> None:
    rows = [
        ["15-NQ/TU", "05/01/2018", "Về phát triển kinh tế", "Bí thư", "Các đảng bộ", 40],
        ["123/QĐ-UBND", "ngày 6 tháng 1 năm 2018", "Về khen thưởng", "Chủ tịch", "", "5"],
        ["16-NQ/TU", "07/01/2018", "Nghị quyết về quốc phòng", "", "", None],
    ]
    path = write_xlsx(tmp_path / "so-di.xlsx", rows, header=OUTGOING_HEADER, title=None)
    result = import_register(
        actor=clerk, organization=clerk.organization, direction=Direction.OUTGOING, path=path
    )
    assert result.taken == 3, report_rows(result.report_path)  # type: ignore[arg-type]
    docs = {d.number_symbol: d for d in Document.objects.filter(direction=Direction.OUTGOING)}
    assert docs["15-NQ/TU"].number == 15
    assert docs["15-NQ/TU"].document_type.code == "NQ"
    assert docs["123/QĐ-UBND"].document_type.code == "QĐ"
    assert docs["123/QĐ-UBND"].issued_date == datetime.date(2018, 1, 6)
    assert "Nơi nhận: Các đảng bộ." in docs["15-NQ/TU"].notes
    assert "Số lượng bản: 40." in docs["15-NQ/TU"].notes
    assert docs["15-NQ/TU"].signer == "Bí thư"
    assert not Counter.objects.exists()


def test_issuer_is_matched_to_a_known_organisation(clerk: Any, city: Any, tmp_path: Path) -> None:
    rows = incoming_rows(1)
    rows[0][2] = "dang uy phuong ben nghe"  # typed without diacritics
    result = import_register(
        actor=clerk,
        organization=clerk.organization,
        direction=Direction.INCOMING,
        path=write_xlsx(tmp_path / "so.xlsx", rows),
    )
    assert result.taken == 1
    assert Document.objects.get().sender_organization_id == city.du1.pk


def test_mapping_is_remembered_per_source_and_overridable(clerk: Any, tmp_path: Path) -> None:
    header = ["STT", "Ngày nhận", "Nơi gửi", "Ký hiệu", "Ngày VB", "Nội dung tóm tắt", "Ghi chú"]
    rows = [[7, "02/03/2019", "Tỉnh ủy", "5-CV/TU", "01/03/2019", "Về tổ chức hội nghị", ""]]
    path = write_csv(tmp_path / "so.csv", rows, header=header)
    mapping = '{"arrival_number": "STT", "issued_date": "E", "summary": 6}'
    result = import_register(
        actor=clerk,
        organization=clerk.organization,
        direction=Direction.INCOMING,
        path=path,
        mapping=mapping,
    )
    assert result.taken == 1, report_rows(result.report_path)  # type: ignore[arg-type]
    assert ImportProfile.objects.get().mapping["summary"] == 5
    again = write_csv(
        tmp_path / "so2.csv", [[8, *rows[0][1:3], "6-CV/TU", *rows[0][4:]]], header=header
    )
    second = import_register(
        actor=clerk, organization=clerk.organization, direction=Direction.INCOMING, path=again
    )
    assert second.taken == 1
    assert Document.objects.get(number_symbol="6-CV/TU").number == 8


def test_only_the_organisations_clerk_may_import(city: Any, make_user: Any, tmp_path: Path) -> None:
    specialist = make_user(organization=city.tu, roles=["specialist"])
    path = write_xlsx(tmp_path / "so.xlsx", incoming_rows(1))
    with pytest.raises(PermissionDenied):
        import_register(
            actor=specialist, organization=city.tu, direction=Direction.INCOMING, path=path
        )
    assert not Document.objects.exists()


def test_bad_mapping_is_a_clear_error(clerk: Any, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "so.xlsx", incoming_rows(1))
    for bad, words in [("{nope", "JSON"), ('{"colour": "A"}', "colour"), ('{"summary": "Z"}', "Z")]:
        with pytest.raises(ValidationError) as caught:
            import_register(
                actor=clerk,
                organization=clerk.organization,
                direction=Direction.INCOMING,
                path=path,
                mapping=bad,
            )
        assert words in str(caught.value.message_dict["mapping"])
    assert not Document.objects.exists()


def test_command_runs_dry_then_real(clerk: Any, tmp_path: Path, capsys: Any) -> None:
    path = write_xlsx(tmp_path / "so.xlsx", incoming_rows(4))
    args = [str(path), "--organization", "TU", "--direction", "in", "--user", clerk.username]
    call_command("import-register", *args, "--dry-run")
    out = capsys.readouterr().out
    assert "Sẽ nhận 4/4 dòng" in out and "Chạy thử" in out
    assert not Document.objects.exists()
    call_command("import-register", *args, "--report", str(tmp_path / "r.csv"))
    out = capsys.readouterr().out
    assert "4/4 dòng" in out and "Đã nhập 4/4" in out
    assert Document.objects.count() == 4
    assert len(report_rows(tmp_path / "r.csv")) == 4
    with pytest.raises(CommandError, match="Không có tổ chức"):
        call_command(
            "import-register",
            str(path),
            "--organization",
            "XX",
            "--direction",
            "in",
            "--user",
            clerk.username,
        )


def test_ten_years_of_tcvn3_registers_are_found_by_search(clerk: Any, tmp_path: Path) -> None:
    """Issue 10, "done when": an office imports ten years of old Excel registers typed in
    TCVN3 (one file a year, each numbered from 1) and finds them by search."""
    topics = ["thi đua khen thưởng", "kiểm tra, giám sát", "tổ chức đại hội"]
    for year in range(2010, 2020):
        rows = incoming_rows(3, year=year)
        for i, row in enumerate(rows):
            row[2] = encode_legacy("Văn phòng Tỉnh ủy", "tcvn3")
            row[3] = f"{year - 2000}{i}-CV/VPTU"
            row[5] = encode_legacy(f"Công văn về {topics[i]} năm {year}", "tcvn3")
        path = write_xlsx(tmp_path / f"so-den-{year}.xlsx", rows)
        result = import_register(
            actor=clerk, organization=clerk.organization, direction=Direction.INCOMING, path=path
        )
        assert (result.taken, result.encodings.get("tcvn3", 0) > 0) == (3, True)
    imported = Document.objects.filter(organization=clerk.organization, notes__contains="sổ cũ")
    assert imported.count() == 30
    assert sorted({d.period_key for d in imported}) == [str(y) for y in range(2010, 2020)]
    client = client_for(clerk)
    for query, year in (("thi đua khen thưởng năm 2013", 2013), ("dai hoi nam 2019", 2019)):
        found = client.get("/api/v1/search/", {"q": query}).json()["results"]
        summaries = [Document.objects.get(pk=hit["id"]).summary for hit in found]
        assert any(str(year) in s for s in summaries), (query, summaries)
    hits = client.get("/api/v1/search/", {"q": "coquan:tinh uy", "page_size": 50}).json()
    assert hits["count"] == 30
