"""Rendering a register or a slip into a file the web view and the API both answer with."""

from __future__ import annotations

import tempfile
from typing import IO

from django.http import FileResponse

from vanthu.orgs.models import Organization, User
from vanthu.registry.models import Direction, Document, Register
from vanthu.reports import archive_report, archive_stats, periodic, selectors, services, statistics
from vanthu.reports.periods import Period
from vanthu.reports.register_pdf import write_register_pdf
from vanthu.reports.register_xlsx import write_register_xlsx
from vanthu.reports.slip_pdf import write_slip_pdf

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Kept in memory up to this size, then spilled to a temporary file.
SPOOL_BYTES = 8 * 1024 * 1024


def _spool() -> IO[bytes]:
    return tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)


def register_filename(register: Register, period: Period, fmt: str) -> str:
    kind = "so-den" if register.direction == Direction.INCOMING else "so-di"
    if register.series == Register.Series.CLASSIFIED:
        kind += "-mat"
    return f"{kind}-{register.pk}-{period.date_from:%Y%m%d}-{period.date_to:%Y%m%d}.{fmt}"


def register_response(user: User, register: Register, period: Period, fmt: str) -> FileResponse:
    """Print ``register`` for ``period`` as ``fmt``: only what ``user`` may see."""
    classified = selectors.classified_count(user, register, period)
    services.record_register_print(
        actor=user, register=register, period=period, fmt=fmt, classified=classified
    )
    entries = selectors.iter_entries(user, register, period)
    out = _spool()
    if fmt == "pdf":
        write_register_pdf(
            out,  # type: ignore[arg-type]
            register=register,
            period=period,
            entries=entries,
            printed_by=user.full_name or user.username,
        )
    else:
        write_register_xlsx(out, register=register, period=period, entries=entries)  # type: ignore[arg-type]
    out.seek(0)
    return FileResponse(
        out,
        as_attachment=True,
        filename=register_filename(register, period, fmt),
        content_type=CONTENT_TYPES[fmt],
    )


def slip_response(user: User, document: Document) -> FileResponse:
    services.record_slip_print(actor=user, document=document)
    out = _spool()
    write_slip_pdf(out, document=document, assignments=selectors.slip_assignments(document))  # type: ignore[arg-type]
    out.seek(0)
    return FileResponse(
        out,
        as_attachment=True,
        filename=f"phieu-giai-quyet-{document.pk}.pdf",
        content_type=CONTENT_TYPES["pdf"],
    )


def periodic_response(
    user: User, organization: Organization, period: Period, fmt: str
) -> FileResponse:
    """Báo cáo tình hình giải quyết văn bản đến, đi (Phụ lục VI): counts ``user`` may see."""
    stats = statistics.statistics(user, organization=organization, period=period)
    report = periodic.build(organization, period, stats)
    services.record_periodic_report(
        actor=user, organization=organization, period=period, fmt=fmt, rollup=report.rollup
    )
    out = _spool()
    if fmt == "pdf":
        periodic.write_periodic_pdf(out, report, printed_by=user.full_name or user.username)  # type: ignore[arg-type]
    else:
        periodic.write_periodic_xlsx(out, report)  # type: ignore[arg-type]
    out.seek(0)
    return FileResponse(
        out,
        as_attachment=True,
        filename=periodic.filename(report, fmt),
        content_type=CONTENT_TYPES[fmt],
    )


def archive_response(
    user: User, organization: Organization, period: Period, fmt: str
) -> FileResponse:
    """Thống kê tài liệu lưu trữ và khai thác sử dụng: counts ``user`` may see."""
    stats = archive_stats.archive_statistics(user, organization=organization, period=period)
    services.record_archive_report(actor=user, organization=organization, period=period, fmt=fmt)
    out = _spool()
    if fmt == "pdf":
        archive_report.write_archive_pdf(
            out,  # type: ignore[arg-type]
            organization=organization,
            period=period,
            stats=stats,
            printed_by=user.full_name or user.username,
        )
    else:
        archive_report.write_archive_xlsx(
            out,  # type: ignore[arg-type]
            organization=organization,
            period=period,
            stats=stats,
        )
    out.seek(0)
    return FileResponse(
        out,
        as_attachment=True,
        filename=archive_report.filename(organization, period, fmt),
        content_type=CONTENT_TYPES[fmt],
    )
