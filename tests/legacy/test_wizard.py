"""The import wizard in the web UI: upload, columns and preview, dry run, import with progress
and the report of every row; only the uploader sees an upload; bad input stores nothing."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.legacy.conftest import INCOMING_HEADER, incoming_rows, write_csv, write_xlsx
from vanthu.legacy.models import ImportBatch, ImportProfile
from vanthu.registry.models import Document, Register

START = "/nhap-du-lieu-cu/"


@pytest.fixture(autouse=True)
def _setup(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path / "data"
    settings.VANTHU_OTP_REQUIRED_CLEARANCE = ""
    # The job's trigger runs it in this process when the transaction commits.
    settings.CELERY_TASK_ALWAYS_EAGER = True


def browser(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload_file(client: Client, clerk: Any, path: Path, direction: str = "incoming") -> Any:
    with path.open("rb") as handle:
        return client.post(
            START,
            {
                "organization": clerk.organization.pk,
                "direction": direction,
                "file": SimpleUploadedFile(path.name, handle.read()),
            },
        )


def stored() -> tuple[int, int, int, int]:
    return (
        Document.objects.count(),
        Register.objects.count(),
        ImportBatch.objects.count(),
        ImportProfile.objects.count(),
    )


def test_upload_preview_dry_run_then_import(
    clerk: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    rows = incoming_rows(12)
    rows[4][5] = ""  # no trích yếu: refused
    path = write_xlsx(tmp_path / "so-den-2019.xlsx", rows)
    client = browser(clerk)
    page = client.get(START)
    assert page.status_code == 200 and clerk.organization.name in page.content.decode()
    answer = upload_file(client, clerk, path)
    assert answer.status_code == 302
    columns_url = answer["Location"]
    html = client.get(columns_url).content.decode()
    # The header as typed, the guessed column of each field, the first ten rows.
    assert "Tên loại và trích yếu nội dung" in html
    assert 'name="col_summary"' in html and '<option value="6" selected>' in html
    assert rows[0][5] in html and rows[9][5] in html and rows[10][5] not in html
    before = stored()
    form = {f"col_{k}": v for k, v in {"arrival_number": 1, "received_date": 2}.items()}
    form |= {"col_sender": 3, "col_number_symbol": 4, "col_issued_date": 5, "col_summary": 6}
    form |= {"col_recipient": 7, "col_notes": 8}
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(columns_url, {**form, "dry_run": "1"})
    assert answer.status_code == 302
    status = client.get(answer["Location"]).content.decode()
    assert "Chạy thử: sẽ nhận" in status and "11/12" in status and "Chưa lưu gì" in status
    assert "Thiếu trích yếu." in status  # the refused row, with its reason, on the page
    assert stored() == before
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(columns_url, {**form, "import": "1"})
    status = client.get(answer["Location"]).content.decode()
    assert "Đã nhập" in status and "11/12" in status
    assert Document.objects.count() == before[0] + 11
    batch = ImportBatch.objects.get()
    assert (batch.rows_total, batch.rows_taken, batch.rows_refused) == (12, 11, 1)
    report = client.get(answer["Location"].replace("tien-do/", "bao-cao.csv"))
    lines = list(csv.reader(io.StringIO(b"".join(report.streaming_content).decode("utf-8-sig"))))
    assert lines[0][0] == "Dòng" and len(lines) == 13
    assert sorted(line[1] for line in lines[1:]).count("từ chối") == 1
    # The same file cannot be imported twice from the wizard.
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(columns_url, {**form, "import": "1"})
    assert again.status_code == 400 and "đã được nhập rồi" in again.content.decode()
    assert Document.objects.count() == before[0] + 11


def test_a_changed_column_is_used_and_a_bad_one_refused(
    clerk: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    header = [*INCOMING_HEADER[:5], "Nội dung tóm tắt", *INCOMING_HEADER[6:]]
    path = write_csv(tmp_path / "so.csv", incoming_rows(3), header=header)
    client = browser(clerk)
    columns_url = upload_file(client, clerk, path)["Location"]
    before = stored()
    bad = client.post(columns_url, {"col_summary": "99", "dry_run": "1"})
    assert bad.status_code == 400 and "không hợp lệ" in bad.content.decode()
    # No summary column: refused with the reason, nothing run.
    none = client.post(columns_url, {"col_summary": "", "import": "1"})
    assert none.status_code == 400 and "Trích yếu" in none.content.decode()
    assert stored() == before
    shown = client.post(columns_url, {"col_summary": "6", "preview": "1"}).content.decode()
    assert '<option value="6" selected>' in shown
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            columns_url,
            {
                "col_summary": "6",
                "col_arrival_number": "1",
                "col_received_date": "2",
                "import": "1",
            },
        )
    assert answer.status_code == 302
    assert Document.objects.count() == before[0] + 3


def test_xls_upload_works(clerk: Any, tmp_path: Path) -> None:
    from tests.legacy.test_xls import typed_rows, write_xls

    path = write_xls(tmp_path / "so.xls", typed_rows(2))
    client = browser(clerk)
    answer = upload_file(client, clerk, path)
    assert answer.status_code == 302
    html = client.get(answer["Location"]).content.decode()
    assert typed_rows(2)[1][5] in html


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("so.pdf", b"%PDF-1.4 not a register", "Chỉ nhận tệp .xlsx, .xls hoặc .csv."),
        ("so.xlsx", b"PK\x03\x04 broken zip", "không phải bảng tính Excel"),
        ("so.csv", b"a,b\nc,d\n", "Không tìm thấy dòng tiêu đề"),
        ("so.csv", b"", "Tệp rỗng"),
    ],
)
def test_bad_files_are_refused_and_nothing_kept(
    clerk: Any, name: str, content: bytes, words: str, settings: Any
) -> None:
    client = browser(clerk)
    before = stored()
    answer = client.post(
        START,
        {
            "organization": clerk.organization.pk,
            "direction": "incoming",
            "file": SimpleUploadedFile(name, content),
        },
    )
    assert answer.status_code == 400
    assert words in answer.content.decode()
    assert stored() == before
    folder = Path(settings.DATA_DIR) / "legacy-uploads"
    assert not folder.exists() or not any(folder.iterdir())


def test_bad_direction_and_organisation_are_refused(clerk: Any, city: Any, tmp_path: Path) -> None:
    client = browser(clerk)
    path = write_csv(tmp_path / "so.csv", incoming_rows(1))
    answer = client.post(
        START,
        {
            "organization": clerk.organization.pk,
            "direction": "sideways",
            "file": SimpleUploadedFile("so.csv", path.read_bytes()),
        },
    )
    assert answer.status_code == 400 and "sổ văn bản đến hoặc văn bản đi" in answer.content.decode()
    answer = client.post(
        START,
        {
            "organization": city.du1.pk,
            "direction": "incoming",
            "file": SimpleUploadedFile("so.csv", path.read_bytes()),
        },
    )
    assert answer.status_code == 400 and "Hãy chọn tổ chức" in answer.content.decode()


def test_only_the_uploader_sees_the_upload(clerk: Any, make_user: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "so.csv", incoming_rows(2))
    columns_url = upload_file(browser(clerk), clerk, path)["Location"]
    other = make_user(username="vanthu_khac", organization=clerk.organization, roles=["clerk"])
    client = browser(other)
    for url in (columns_url, columns_url + "tien-do/", columns_url + "bao-cao.csv"):
        assert client.get(url).status_code == 404
    before = stored()
    assert client.post(columns_url, {"col_summary": "6", "import": "1"}).status_code == 404
    assert stored() == before
    assert browser(clerk).get(START + "khong-co-that-aaaaaaaaaaaa/").status_code == 404
    assert browser(clerk).get(START + "..%2F..%2Fetc/").status_code == 404


def test_a_specialist_cannot_upload(city: Any, make_user: Any, tmp_path: Path) -> None:
    specialist = make_user(username="cv", organization=city.tu, roles=["specialist"])
    client = browser(specialist)
    assert "Chỉ văn thư" in client.get(START).content.decode()
    path = write_csv(tmp_path / "so.csv", incoming_rows(1))
    answer = client.post(
        START,
        {
            "organization": city.tu.pk,
            "direction": "incoming",
            "file": SimpleUploadedFile("so.csv", path.read_bytes()),
        },
    )
    assert answer.status_code == 400
    assert stored() == (Document.objects.count(), Register.objects.count(), 0, 0)
