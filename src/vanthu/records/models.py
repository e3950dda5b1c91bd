"""Retention tables, yearly file plans (danh mục hồ sơ) and dossiers (hồ sơ).

The rules behind each field are in docs/records.md (domain.md §1.5, §3.3, §6, §9 items 17, 20).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, When
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _

from vanthu.access.policy import AccessSpec
from vanthu.core.enums import Secrecy

# Longest retention a number of years may say; more is a typo (the longest TT 05/2025 period is
# 70 years, the rest is "vĩnh viễn").
MAX_RETENTION_YEARS = 100


class RetentionCode(models.TextChoices):
    """Thời hạn bảo quản: TT 05/2025 codes 01–07, plus the older "until no longer in force"."""

    PERMANENT = "01", _("Vĩnh viễn")
    YEARS_70 = "02", _("70 năm")
    YEARS_50 = "03", _("50 năm")
    YEARS_30 = "04", _("30 năm")
    YEARS_20 = "05", _("20 năm")
    YEARS_10 = "06", _("10 năm")
    OTHER = "07", _("Khác")
    # domain.md §3.3 [M]: hồ sơ nguyên tắc are kept until the documents are no longer in force.
    UNTIL_INVALID = "until_invalid", _("Đến khi hết hiệu lực")

    @classmethod
    def years_of(cls, code: str) -> int | None:
        return _CODE_YEARS.get(code)

    @classmethod
    def for_years(cls, years: int | None) -> str:
        """The code a bare number of years stands for (``None`` = vĩnh viễn)."""
        if years is None:
            return cls.PERMANENT
        return _YEARS_CODE.get(years, cls.OTHER)


_CODE_YEARS = {"02": 70, "03": 50, "04": 30, "05": 20, "06": 10}
_YEARS_CODE = {v: k for k, v in _CODE_YEARS.items()}


class YearOf(ExtractYear):
    """The year of a date; on SQLite with its built-in ``strftime`` instead of Django's Python
    function, which cost 80 ms per 10,000 dossiers in the review list's count and which a
    stored generated column (and any other program opening the file) could not call."""

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, Any]:
        sql, params = compiler.compile(self.lhs)
        return f"CAST(strftime('%%Y', {sql}) AS INTEGER)", params


def retention_end_year_expression() -> Case:
    """The last year a closed dossier kept a number of years must be kept (domain.md §9 item
    20: the year the work ended + the years); NULL for an open, permanent, "đến khi hết hiệu
    lực" or dateless dossier. Expired ("xem xét hủy") when it is before this year."""
    return Case(
        When(
            Q(status="closed", end_date__isnull=False, retention_years__isnull=False)
            & ~Q(retention_code__in=[RetentionCode.PERMANENT, RetentionCode.UNTIL_INVALID]),
            then=YearOf("end_date") + F("retention_years"),
        ),
        default=None,
        output_field=models.IntegerField(),
    )


class RetentionSchedule(models.Model):
    """Bảng thời hạn bảo quản: a table of record categories and their retention, as data."""

    class Kind(models.TextChoices):
        STATE = "state", _("Bảng của Nhà nước")
        PARTY = "party", _("Bảng của Đảng")
        OWN = "own", _("Bảng của cơ quan")

    code = models.CharField(_("mã"), max_length=60, unique=True)
    name = models.CharField(_("tên bảng"), max_length=300)
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    source = models.CharField(_("căn cứ"), max_length=300, blank=True)
    # domain.md §6: the rows we ship are illustrative; an office replaces them with its own.
    is_sample = models.BooleanField(_("bảng mẫu"), default=False)
    organization = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="retention_schedules",
    )
    active = models.BooleanField(_("đang dùng"), default=True)
    notes = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = _("bảng thời hạn bảo quản")
        verbose_name_plural = _("bảng thời hạn bảo quản")

    def __str__(self) -> str:
        return self.name


class RetentionRule(models.Model):
    """One row of a retention table: a category of records and how long it is kept."""

    schedule = models.ForeignKey(RetentionSchedule, on_delete=models.CASCADE, related_name="rules")
    position = models.PositiveIntegerField(_("thứ tự"), default=0)
    reference = models.CharField(_("số mục"), max_length=30, blank=True)
    group = models.CharField(_("nhóm"), max_length=300, blank=True)
    title = models.CharField(_("tên nhóm hồ sơ, tài liệu"), max_length=1000)
    retention_code = models.CharField(
        _("mã thời hạn"), max_length=16, choices=RetentionCode.choices
    )
    # Set for 02–06 (the code's years) and for 07 when the row names a number of years.
    retention_years = models.PositiveSmallIntegerField(_("số năm"), null=True, blank=True)
    notes = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        ordering = ["schedule", "position", "pk"]
        verbose_name = _("mục thời hạn bảo quản")
        verbose_name_plural = _("mục thời hạn bảo quản")

    def __str__(self) -> str:
        return f"{self.reference} {self.title}".strip()


class FilePlan(models.Model):
    """Danh mục hồ sơ of one organisation for one year (NĐ 30 Điều 28, Phụ lục V)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("dự thảo")
        APPROVED = "approved", _("đã ban hành")

    class Numbering(models.TextChoices):
        # NĐ 30 Phụ lục V: numbers run through the whole list or restart per major heading.
        CONTINUOUS = "continuous", _("Đánh số liên tục cả danh mục")
        PER_HEADING = "per_heading", _("Đánh số lại theo từng đề mục lớn")

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="file_plans"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    numbering = models.CharField(
        _("cách đánh số"), max_length=12, choices=Numbering.choices, default=Numbering.CONTINUOUS
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("ngày ban hành"), null=True, blank=True)

    # A file plan holds titles only, never document content: organisation scope alone.
    access = AccessSpec(secrecy_field=None)

    class Meta:
        ordering = ["organization", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="file_plan_one_per_year"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(approved_at__isnull=False),
                name="file_plan_approved_has_date",
            ),
        ]
        verbose_name = _("danh mục hồ sơ")
        verbose_name_plural = _("danh mục hồ sơ")

    def __str__(self) -> str:
        return f"Danh mục hồ sơ năm {self.year}"


def roman(number: int) -> str:
    """Major headings are numbered in Roman numerals (NĐ 30 Phụ lục V)."""
    out = []
    for value, letters in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        while number >= value:
            out.append(letters)
            number -= value
    return "".join(out)


class FilePlanHeading(models.Model):
    """Đề mục: major headings (I, II…) by unit or field, minor ones (1, 2…) inside them."""

    plan = models.ForeignKey(FilePlan, on_delete=models.CASCADE, related_name="headings")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    position = models.PositiveSmallIntegerField(_("thứ tự"))
    title = models.CharField(_("tên đề mục"), max_length=500)
    # Written after the dossier number: "01.TCCB" (NĐ 30 Phụ lục V).
    abbreviation = models.CharField(_("chữ viết tắt"), max_length=20, blank=True)

    class Meta:
        ordering = ["plan", "parent_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "parent", "position"], name="heading_unique_position"
            ),
        ]
        verbose_name = _("đề mục")
        verbose_name_plural = _("đề mục")

    def __str__(self) -> str:
        return f"{self.label}. {self.title}"

    @property
    def label(self) -> str:
        return roman(self.position) if self.parent_id is None else str(self.position)


class FilePlanItem(models.Model):
    """One planned dossier: số và ký hiệu, tiêu đề, thời hạn bảo quản, người lập, ghi chú."""

    plan = models.ForeignKey(FilePlan, on_delete=models.CASCADE, related_name="items")
    heading = models.ForeignKey(FilePlanHeading, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(_("thứ tự"))
    code = models.CharField(_("số và ký hiệu hồ sơ"), max_length=30)
    title = models.CharField(_("tiêu đề hồ sơ"), max_length=1000)
    retention_code = models.CharField(
        _("mã thời hạn"), max_length=16, choices=RetentionCode.choices
    )
    retention_years = models.PositiveSmallIntegerField(_("thời hạn (năm)"), null=True, blank=True)
    retention_rule = models.ForeignKey(
        RetentionRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    notes = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="plan_item_unique_code"),
        ]
        verbose_name = _("hồ sơ trong danh mục")
        verbose_name_plural = _("hồ sơ trong danh mục")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class AccessRegime(models.TextChoices):
    """Chế độ sử dụng of a dossier (TT 05/2025 `mode`; domain.md §3.3, §4.3)."""

    PUBLIC = "01", _("Công khai")
    CONDITIONAL = "02", _("Sử dụng có điều kiện")
    SECRET = "03", _("Mật")


class Dossier(models.Model):
    """Hồ sơ: documents about one matter, kept together without copying them."""

    class Status(models.TextChoices):
        OPEN = "open", _("đang lập")
        CLOSED = "closed", _("đã kết thúc")

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="dossiers"
    )
    code = models.CharField(_("số và ký hiệu hồ sơ"), max_length=30)
    title = models.CharField(_("tiêu đề hồ sơ"), max_length=1000)
    year = models.PositiveSmallIntegerField(_("năm hình thành"))
    retention_code = models.CharField(
        _("mã thời hạn"), max_length=16, choices=RetentionCode.choices
    )
    # api.md: null = vĩnh viễn (or "đến khi hết hiệu lực" when retention_code says so).
    retention_years = models.PositiveSmallIntegerField(_("thời hạn (năm)"), null=True, blank=True)
    plan_item = models.ForeignKey(
        FilePlanItem, on_delete=models.PROTECT, null=True, blank=True, related_name="dossiers"
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    opened_at = models.DateTimeField(_("ngày mở"))
    closed_at = models.DateTimeField(_("ngày kết thúc"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closing_note = models.TextField(_("chứng từ kết thúc"), blank=True)
    # Derived from the documents, kept in step by the services (TT 02/2019 StartDate/EndDate,
    # PageTotal, SheetTotal, DocTotal).
    start_date = models.DateField(_("thời gian bắt đầu"), null=True, blank=True)
    end_date = models.DateField(_("thời gian kết thúc"), null=True, blank=True)
    document_count = models.PositiveIntegerField(_("số văn bản"), default=0)
    page_count = models.PositiveIntegerField(_("số trang"), default=0)
    sheet_count = models.PositiveIntegerField(_("số tờ"), default=0)
    # The highest secrecy of its contents (domain.md §6.2: a unit takes its highest value).
    secrecy = models.CharField(
        _("độ mật"), max_length=20, choices=Secrecy.choices, default=Secrecy.NONE
    )
    notes = models.TextField(_("ghi chú"), blank=True)
    # Who may ask to use it (docs/archive.md, "Access requests"). Set by the services: 03 as
    # soon as the dossier is classified, and never 01/02 while it is (``regime`` reads it so
    # even for a row written around them).
    access_regime = models.CharField(
        _("chế độ sử dụng"),
        max_length=2,
        choices=AccessRegime.choices,
        default=AccessRegime.PUBLIC,
    )
    # The archive's state, stored so that the due list filters a column instead of running
    # NOT EXISTS over every closed dossier (docs/benchmarks.md, archive). Written only by the
    # archive services, in the transaction that changes the transfer or the giữ lại.
    # True while the dossier is in a live (submitted or accepted) transfer.
    handed_in = models.BooleanField(_("đã nộp lưu"), default=False, editable=False)
    # The latest date of an approved giữ lại (NĐ 30 Điều 31); not due before it.
    held_back_until = models.DateField(_("giữ lại đến ngày"), null=True, blank=True, editable=False)
    # The "xem xét hủy" list filters and counts this column on its own index instead of
    # computing the year of every closed dossier's end date (docs/benchmarks.md, archive).
    # Computed and stored by the database itself (a generated column), so every path that
    # writes the end date, the retention or the status (the services, imports, bulk loads, a
    # queryset update, the admin) keeps it right, and adding it filled the existing rows.
    retention_end_year = models.GeneratedField(
        expression=retention_end_year_expression(),
        output_field=models.IntegerField(_("năm hết thời hạn bảo quản"), null=True),
        db_persist=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    access = AccessSpec(participants=("created_by", "responsible"))

    class Meta:
        ordering = ["organization", "-year", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year", "code"], name="dossier_unique_code"
            ),
            models.CheckConstraint(
                condition=Q(status="open") | Q(closed_at__isnull=False),
                name="dossier_closed_has_date",
            ),
            models.CheckConstraint(
                condition=Q(retention_years__isnull=True)
                | Q(retention_years__gte=1, retention_years__lte=MAX_RETENTION_YEARS),
                name="dossier_retention_range",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "year", "status"], name="dossier_list"),
            # The dossier list's own order (records.selectors.dossier_list: newest year, then
            # organisation and code, id), walked until a page or a form's 200 choices are full.
            # It also holds every column the list's filter and the access policy test, so
            # that the rows a numbered page skips (?page=500: 24,950 of them) and the list's
            # count read the index alone, not a table row each (docs/benchmarks.md, archive).
            models.Index(
                fields=[
                    *("-year", "organization", "code", "id"),
                    *("status", "secrecy", "created_by", "responsible"),
                ],
                name="dossier_order",
            ),
            # The archive's lists are ordered by end_date, code, pk (docs/benchmarks.md,
            # archive): an organisation's closed dossiers by the end of their work …
            models.Index(
                fields=["organization", "status", "end_date", "code"], name="dossier_by_end"
            ),
            # … and, walked in that order until a page is full, the due list (closed, not
            # handed in) and the "xem xét hủy" list (closed, kept a number of years). The key
            # ends with id, as the lists' order does (a page after a cursor starts in the
            # index, no sort of ties), then holds every column the lists and the access
            # policy test, so that counting 10,000 rows reads the index alone, not a table row
            # each. The index's own condition columns are in it too: Django sends "closed" as a
            # parameter, and SQLite then tests status on every row instead of trusting the
            # partial index (due count 228 → 10 ms, review 225 → 58 ms; docs/benchmarks.md).
            models.Index(
                fields=[
                    *("end_date", "code", "id", "retention_code", "retention_years"),
                    *("held_back_until", "secrecy", "organization", "status", "handed_in"),
                ],
                condition=Q(status="closed", handed_in=False),
                name="dossier_due",
            ),
            # The same rows for one organisation (the nộp lưu page's 300 choices, the due list's
            # ?organization=): entered at the organisation, in the list's order. Without it both
            # databases took dossier_by_end and skipped every dossier already handed in, one
            # table row each (70,000 at 100,000 dossiers: 151 ms CPU on SQLite, 184 ms on
            # PostgreSQL; docs/benchmarks.md, archive). status is in the key, after the
            # organisation, as in dossier_by_end: SQLite takes the index with more equal
            # columns, and the partial condition does not count as one.
            models.Index(
                fields=[
                    *("organization", "status", "end_date", "code", "id", "retention_code"),
                    *("retention_years", "held_back_until", "secrecy", "handed_in"),
                ],
                condition=Q(status="closed", handed_in=False),
                name="dossier_due_org",
            ),
            # The "xem xét hủy" list: its rows in the list's order (a page, a cursor page) …
            models.Index(
                fields=[
                    *("end_date", "code", "id", "retention_end_year", "secrecy"),
                    *("organization", "created_by", "responsible"),
                ],
                condition=Q(retention_end_year__isnull=False),
                name="dossier_review",
            ),
            # … and its count, one range of this index (retention_end_year < this year).
            models.Index(
                fields=[
                    *("retention_end_year", "id", "secrecy", "organization"),
                    *("created_by", "responsible"),
                ],
                condition=Q(retention_end_year__isnull=False),
                name="dossier_review_year",
            ),
        ]
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def regime(self) -> str:
        """The access regime in force: 03 (mật) for a classified dossier whatever is stored."""
        return AccessRegime.SECRET if self.secrecy != Secrecy.NONE else self.access_regime

    @property
    def is_permanent(self) -> bool:
        return self.retention_code == RetentionCode.PERMANENT


class DossierDocument(models.Model):
    """A document filed in a dossier: a reference, never a copy of the document or its files."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="entries")
    document = models.ForeignKey(
        "registry.Document", on_delete=models.PROTECT, related_name="dossier_entries"
    )
    position = models.PositiveIntegerField(_("số thứ tự"))
    # A document is the original (bản gốc/bản chính) in one dossier only, and may be referenced
    # from others (domain.md §9 item 17: many-to-many without duplication).
    is_original = models.BooleanField(_("bản lưu chính"), default=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["dossier", "position"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "document"], name="dossier_document_once"),
            models.UniqueConstraint(
                fields=["document"],
                condition=Q(is_original=True),
                name="document_original_in_one_dossier",
            ),
        ]
        verbose_name = _("văn bản trong hồ sơ")
        verbose_name_plural = _("văn bản trong hồ sơ")

    def __str__(self) -> str:
        return f"{self.dossier_id}#{self.position}: {self.document_id}"
