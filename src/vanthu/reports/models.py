"""Counts shaped for the dashboard (issue 10): a ledger of where each document is counted, and
the counter cells it adds up to.

- ``DocumentTally``: one row per counted document, holding the cell it is counted in. It is
  what makes the counts exact: a change moves the document from the cell the ledger names to
  the cell its new state names, so nothing is ever counted twice or forgotten, whatever order
  the changes come in (``summary.track``).
- ``MonthlyCount``: the cells, one per organisation × month × direction × document type ×
  secrecy level × outcome × deadline (the deadline only for open documents, so "overdue today"
  is a range of cells). The dashboard and the roll-up read these instead of the documents.

Both are written only by ``reports.summary`` (``track`` from the services, ``rebuild`` from
``vanthu rebuild-counts``). Neither holds a title or any other content.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vanthu.core.enums import Secrecy

# The deadline dimension of a cell that is not open, or open without a deadline: a real date
# (not NULL) so that the unique key collides on both databases, and one that is never past.
NO_DEADLINE = datetime.date(9999, 12, 31)


class Outcome(models.TextChoices):
    """Where a văn bản đến stands for the statistics (NĐ 30 Điều 24: the deadline)."""

    NEW = "new", _("mới, chưa trình")
    AWAITING_DIRECTION = "awaiting_direction", _("chờ chỉ đạo")
    IN_PROGRESS = "in_progress", _("đang giải quyết")
    ON_TIME = "on_time", _("đã giải quyết đúng hạn")
    LATE = "late", _("đã giải quyết quá hạn")
    # Returned incoming documents and every outgoing one.
    OTHER = "other", _("khác")


OPEN_OUTCOMES = (Outcome.NEW, Outcome.AWAITING_DIRECTION, Outcome.IN_PROGRESS)


class _Cell(models.Model):
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+"
    )
    # The first day of the month: of ngày đến (local) for incoming, of ngày ban hành for outgoing.
    month = models.DateField(_("tháng"))
    direction = models.CharField(max_length=10)
    document_type = models.ForeignKey(
        "orgs.DocumentType", on_delete=models.PROTECT, related_name="+"
    )
    secrecy = models.CharField(max_length=20, choices=Secrecy.choices)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    deadline = models.DateField(default=NO_DEADLINE)

    class Meta:
        abstract = True


class DocumentTally(_Cell):
    """The cell a document is counted in now (no row: the document is not counted)."""

    # Not a foreign key: the row must outlive a deleted document until ``track`` takes it out.
    document_id = models.BigIntegerField(primary_key=True)

    class Meta:
        indexes = [
            # The classified documents of a year, checked one by one against need-to-know.
            models.Index(fields=["secrecy", "month"], name="tally_secrecy_month"),
            # The classified documents still open, over every year (the leader panel).
            models.Index(fields=["secrecy", "outcome"], name="tally_secrecy_outcome"),
            # Only the classified rows (2 % of them): SQLite's statistics know secrecy has two
            # values but not their shares, so with the index above it took the classified
            # rows for half of the ledger and scanned it; this index's own row count tells it
            # they are few (docs/reports.md, "Speed"). Its condition is a term the query
            # repeats (``summary_read.counted``), which is how SQLite matches a partial index.
            models.Index(
                fields=[
                    *("outcome", "month", "organization", "secrecy", "direction"),
                    *("document_type", "deadline", "document_id"),
                ],
                condition=~Q(secrecy=Secrecy.NONE),
                name="tally_classified",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.document_id}: {self.organization_id} {self.month:%m/%Y} {self.outcome}"


class MonthlyCount(_Cell):
    """How many documents are counted in one cell."""

    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "organization",
                    "month",
                    "direction",
                    "document_type",
                    "secrecy",
                    "outcome",
                    "deadline",
                ],
                name="monthly_count_cell",
            )
        ]
        indexes = [
            models.Index(fields=["month", "organization"], name="monthly_count_month"),
            # What is open and past its deadline, over every month (the leader panel).
            models.Index(fields=["outcome", "deadline", "organization"], name="monthly_count_open"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.organization_id} {self.month:%m/%Y} {self.direction} {self.outcome}: {self.n}"
        )
