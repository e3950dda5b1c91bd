"""Speed of the outgoing-document templates and of the format check (docs/drafting.md).

Renders a Party Nghị quyết and a state Quyết định as PDF and DOCX, and checks each result,
N times in one process (fonts registered once, as in a running server); then checks a 30-page
PDF, the most the checker reads. No database: the template's fields are given directly.

Run: ``.venv/bin/python -m benchmarks bench_drafting`` (``VANTHU_BENCH_DRAFTING_N``, default 50).
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _setup() -> None:
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()


def _timed(n: int, work: Callable[[], object]) -> tuple[float, float]:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]


def main() -> None:
    _setup()
    from vanthu.drafting import fonts
    from vanthu.drafting.check.docx_check import check_docx
    from vanthu.drafting.check.pdf_check import check_pdf
    from vanthu.drafting.content import Draft
    from vanthu.drafting.layouts import PARTY, STATE, type_layout
    from vanthu.drafting.render_docx import write_docx
    from vanthu.drafting.render_pdf import write_pdf

    n = int(os.environ.get("VANTHU_BENCH_DRAFTING_N", "50"))
    chosen = fonts.register_fonts()
    recipients = [f"- Đảng ủy phường số {i}," for i in range(1, 11)]
    drafts = {
        "Party NQ": Draft(
            family=PARTY,
            kind=type_layout("NQ", "Nghị quyết"),
            superior="",
            issuer="THÀNH ỦY",
            number_line="Số 05-NQ/TU",
            date_line="TP. Hồ Chí Minh, ngày 05 tháng 01 năm 2026",
            title="NGHỊ QUYẾT",
            summary="về tăng cường công tác văn thư, lưu trữ",
            authority="T/M BAN THƯỜNG VỤ",
            position="BÍ THƯ",
            signer="Nguyễn Văn Nên",
            recipients=[*recipients, "- Lưu Văn phòng Thành ủy."],
        ),
        "state QĐ": Draft(
            family=STATE,
            kind=type_layout("QĐ", "Quyết định"),
            superior="",
            issuer="ỦY BAN NHÂN DÂN PHƯỜNG BẾN NGHÉ",
            number_line="Số: 05/QĐ-UBND",
            date_line="TP. Hồ Chí Minh, ngày 05 tháng 3 năm 2026",
            title="QUYẾT ĐỊNH",
            summary="Về việc ban hành quy chế văn thư",
            authority="TM. ỦY BAN NHÂN DÂN",
            position="CHỦ TỊCH",
            signer="Trần Văn B",
            recipients=[*recipients, "- Lưu: VT, VP."],
        ),
    }
    print(f"font: {chosen.family}; runs per figure: {n}")
    print("| what | median ms | p95 ms |")
    print("|---|---|---|")
    for name, draft in drafts.items():
        for fmt, writer in (("PDF", write_pdf), ("DOCX", write_docx)):

            def render(draft: Draft = draft, writer: Callable[..., object] = writer) -> bytes:
                out = io.BytesIO()
                writer(out, draft, title="x")
                return out.getvalue()

            data = render()
            check = check_pdf if fmt == "PDF" else check_docx
            assert check(data) == [], (name, fmt, check(data))
            med, p95 = _timed(n, render)
            print(f"| render {name} {fmt} ({len(data) // 1024} KiB) | {med:.1f} | {p95:.1f} |")
            med, p95 = _timed(n, lambda data=data, check=check: check(data))
            print(f"| check {name} {fmt} | {med:.1f} | {p95:.1f} |")

    # The worst case the checker reads: a long PDF (it reads the first 10 pages).
    long_draft = drafts["Party NQ"]
    long_draft.body = ["Nội dung nghị quyết, đoạn văn dài để lấp đầy trang. " * 12] * 150
    out = io.BytesIO()
    write_pdf(out, long_draft, title="x")
    data = out.getvalue()
    import pypdfium2

    pages = len(pypdfium2.PdfDocument(data))
    med, p95 = _timed(max(3, n // 10), lambda: check_pdf(data))
    print(f"| check a {pages}-page PDF (reads the first 10) | {med:.1f} | {p95:.1f} |")


if __name__ == "__main__":
    main()
