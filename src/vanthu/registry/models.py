"""Registers (sổ), counters, documents (văn bản đến / đi), assignments, recipients, files.

The rules behind each field are in docs/registry.md (domain.md §1.2, §1.3, §2.3, §9).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from vanthu.access.policy import AccessSpec
from vanthu.core.enums import Secrecy, Urgency

# The type key of a counter that numbers all document types in one sequence. A real value
# (not NULL) so that unique constraints collide on both databases without NULLS NOT DISTINCT.
ALL_TYPES = 0


class Direction(models.TextChoices):
    INCOMING = "incoming", _("Văn bản đến")
    OUTGOING = "outgoing", _("Văn bản đi")
    INTERNAL = "internal", _("Văn bản nội bộ")


class Register(models.Model):
    """Sổ đăng ký: first-class data an admin may change (domain.md §9 items 1–3)."""

    class Series(models.TextChoices):
        ORDINARY = "ordinary", _("Thường")
        CLASSIFIED = "classified", _("Mật")

    class Scope(models.TextChoices):
        ALL_TYPES = "all_types", _("Một dãy số cho mọi loại văn bản")
        PER_TYPE = "per_type", _("Mỗi loại văn bản một dãy số")

    class Period(models.TextChoices):
        YEAR = "year", _("Năm dương lịch")
        TERM = "term", _("Nhiệm kỳ cấp ủy")
        CONGRESS = "congress", _("Đại hội")

    class SymbolFormat(models.TextChoices):
        PARTY = "party", _("Văn bản của Đảng (05-NQ/TU)")
        STATE = "state", _("Văn bản nhà nước (05/QĐ-UBND)")

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="registers"
    )
    direction = models.CharField(_("loại sổ"), max_length=10, choices=Direction.choices)
    series = models.CharField(_("dãy"), max_length=12, choices=Series.choices)
    scope = models.CharField(_("phạm vi đánh số"), max_length=10, choices=Scope.choices)
    period = models.CharField(_("chu kỳ đánh số"), max_length=10, choices=Period.choices)
    symbol_format = models.CharField(
        _("kiểu số, ký hiệu"), max_length=10, choices=SymbolFormat.choices
    )
    name = models.CharField(_("tên sổ"), max_length=200)
    # The register a registration lands in when nobody chooses one.
    is_default = models.BooleanField(_("sổ mặc định"), default=True)
    # Đóng sổ (NĐ 30 Điều 22): a closed register, or a closed period of it, takes no entry.
    closed = models.BooleanField(_("đã khóa sổ"), default=False)
    closed_periods = models.JSONField(_("kỳ đã khóa"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "direction", "series"],
                condition=Q(is_default=True),
                name="register_one_default",
            )
        ]
        verbose_name = _("sổ đăng ký")
        verbose_name_plural = _("sổ đăng ký")

    def __str__(self) -> str:
        return self.name

    def is_closed_for(self, period_key: str) -> bool:
        return self.closed or period_key in (self.closed_periods or [])


class Counter(models.Model):
    """The last number given in one sequence; locked for update while a number is taken."""

    register = models.ForeignKey(Register, on_delete=models.PROTECT, related_name="counters")
    period_key = models.CharField(max_length=40)
    # ALL_TYPES, or the document type's id for per-type registers.
    type_key = models.BigIntegerField(default=ALL_TYPES)
    document_type = models.ForeignKey(
        "orgs.DocumentType", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["register", "period_key", "type_key"], name="counter_unique_sequence"
            )
        ]

    def __str__(self) -> str:
        return f"{self.register} {self.period_key} #{self.type_key}: {self.last_number}"


class CopyCounter(models.Model):
    """The last copy number an organisation gave in a calendar year: one sequence for all its
    copies — the archive's bản sao, sao y and trích sao and the electronic sao y the office
    signs (NĐ 30 Phụ lục I Phần II.1c: copies share one sequence, from 01 on 1 January).
    Taken like a register's number (``numbering.next_copy_number``)."""

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="copy_counters"
    )
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="copy_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.year}: {self.last_number}"


class NumberEvent(models.Model):
    """A number taken without a document: reserved (lấy số trước) or cancelled (hủy số).

    Explicit entries, never holes (architecture.md invariant 1).
    """

    class Kind(models.TextChoices):
        RESERVED = "reserved", _("Lấy số trước")
        CANCELLED = "cancelled", _("Hủy số")
        USED = "used", _("Đã dùng")

    register = models.ForeignKey(Register, on_delete=models.PROTECT, related_name="number_events")
    period_key = models.CharField(max_length=40)
    type_key = models.BigIntegerField(default=ALL_TYPES)
    document_type = models.ForeignKey(
        "orgs.DocumentType", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    reason = models.CharField(_("lý do"), max_length=500)
    document = models.ForeignKey(
        "Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["register", "period_key", "type_key", "number"],
                name="number_event_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class Channel(models.TextChoices):
    PAPER = "paper", _("Giấy")
    EMAIL = "email", _("Thư điện tử")
    ELECTRONIC = "electronic", _("Điện tử")
    EXCHANGE = "exchange", _("Liên thông nội bộ")


class Status(models.TextChoices):
    # Văn bản đến (NĐ 30 Điều 20–24)
    PENDING_REGISTRATION = "pending_registration", _("chờ vào sổ")
    NEW = "new", _("mới")
    AWAITING_DIRECTION = "awaiting_direction", _("chờ chỉ đạo")
    IN_PROGRESS = "in_progress", _("đang xử lý")
    DONE = "done", _("hoàn thành")
    RETURNED = "returned", _("trả lại")
    # Văn bản đi (NĐ 30 Điều 14)
    DRAFT = "draft", _("dự thảo")
    ISSUED = "issued", _("đã ban hành")
    SENT = "sent", _("đã gửi")


class Document(models.Model):
    direction = models.CharField(_("loại"), max_length=10, choices=Direction.choices)
    # No index of its own: every index below starts with the organisation, and with a plain one
    # SQLite (no per-value statistics) took it for "the clerk's new documents" and read all of
    # an organisation's rows instead of the few of that status (62 ms against 0.01 ms at
    # 1,000,000 documents; docs/benchmarks.md). One index fewer for every registration to write.
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="documents", db_index=False
    )
    register = models.ForeignKey(
        Register, on_delete=models.PROTECT, null=True, blank=True, related_name="documents"
    )
    number = models.PositiveIntegerField(_("số"), null=True, blank=True)
    period_key = models.CharField(max_length=40, blank=True)
    counter_type_key = models.BigIntegerField(default=ALL_TYPES)
    number_symbol = models.CharField(_("số, ký hiệu"), max_length=100, blank=True)
    document_type = models.ForeignKey(
        "orgs.DocumentType", on_delete=models.PROTECT, related_name="+"
    )
    issued_date = models.DateField(_("ngày văn bản"), null=True, blank=True)
    summary = models.TextField(_("trích yếu"), blank=True)
    signer = models.CharField(_("người ký"), max_length=150, blank=True)
    secrecy = models.CharField(
        _("độ mật"), max_length=20, choices=Secrecy.choices, default=Secrecy.NONE
    )
    urgency = models.CharField(
        _("độ khẩn"), max_length=20, choices=Urgency.choices, default=Urgency.NORMAL
    )
    received_at = models.DateTimeField(_("ngày đến"), null=True, blank=True)
    deadline = models.DateField(_("hạn giải quyết"), null=True, blank=True)
    page_count = models.PositiveIntegerField(_("số trang"), null=True, blank=True)
    channel = models.CharField(
        _("hình thức nhận"), max_length=12, choices=Channel.choices, default=Channel.PAPER
    )
    sender = models.CharField(_("cơ quan ban hành"), max_length=255, blank=True)
    sender_organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("trạng thái"), max_length=24, choices=Status.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    directed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    notes = models.TextField(_("ghi chú"), blank=True)
    # For an internal delivery: the outgoing document it came from.
    source_document = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="deliveries"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # NĐ 30/2020 Điều 22 and the state-secrets law: the organisation's văn thư registers and
    # keeps its classified documents, so its clerks (with clearance) need to know them.
    access = AccessSpec(
        participants=("created_by", "directed_by", "assignments__user"),
        clerks_need_to_know=True,
    )

    class Meta:
        indexes = [
            models.Index(
                fields=["organization", "direction", "period_key", "number"],
                name="doc_register_order",
            ),
            models.Index(fields=["organization", "direction", "status"], name="doc_status"),
            # Ngày đến: the clerk's "đã vào sổ hôm nay" on the home page (reports.dashboard).
            models.Index(fields=["organization", "direction", "received_at"], name="doc_received"),
            # The lists' ORDER BY (-period_key, -number, -pk), walked backwards: page 1 of
            # 1,000,000 documents reads 50 rows instead of sorting all (docs/benchmarks.md).
            models.Index(fields=["period_key", "number", "id"], name="doc_list_order"),
            # The sổ đi list's order (-created_at, -pk), walked backwards from the newest row
            # or from a cursor (views.urgent_pages.OUTGOING); migration 0012.
            models.Index(fields=["direction", "created_at", "id"], name="doc_outgoing_order"),
            # The web list's first blocks (views.reads.UrgentFirst): open urgent documents of
            # one urgency in register order, without walking the whole register to find them.
            models.Index(
                fields=["urgency", "period_key", "number", "id"],
                condition=Q(
                    status__in=[Status.NEW, Status.AWAITING_DIRECTION, Status.IN_PROGRESS],
                    urgency__in=[Urgency.FLASH, Urgency.VERY_URGENT, Urgency.URGENT],
                ),
                name="doc_open_urgency",
            ),
            # The duplicate warning at registration (selectors.possible_duplicates, iexact).
            models.Index(
                "organization",
                "direction",
                Upper("number_symbol"),
                name="doc_duplicate_symbol",
            ),
        ]
        constraints = [
            # No duplicate number in one sequence (architecture.md invariant 1).
            models.UniqueConstraint(
                fields=["register", "period_key", "counter_type_key", "number"],
                condition=Q(number__isnull=False),
                name="doc_unique_number",
            ),
            # An internal delivery reaches each organisation exactly once.
            models.UniqueConstraint(
                fields=["source_document", "organization"],
                condition=Q(source_document__isnull=False),
                name="doc_delivered_once",
            ),
            models.CheckConstraint(
                condition=Q(number__isnull=True) | Q(register__isnull=False),
                name="doc_number_needs_register",
            ),
        ]
        verbose_name = _("văn bản")
        verbose_name_plural = _("văn bản")

    def __str__(self) -> str:
        return self.number_symbol or f"#{self.pk}"

    @property
    def year(self) -> int | None:
        return int(self.period_key) if self.period_key.isdigit() else None


class Assignment(models.Model):
    """Bút phê: who leads, supports or is informed, with a deadline each (NĐ 30 Điều 23)."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Chủ trì")
        SUPPORT = "support", _("Phối hợp")
        INFORM = "inform", _("Để biết")

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("vai trò"), max_length=10, choices=Role.choices)
    deadline = models.DateField(_("hạn"), null=True, blank=True)
    note = models.TextField(_("ý kiến chỉ đạo"), blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["document", "user", "role"], name="assignment_unique_role"
            )
        ]
        indexes = [
            models.Index(fields=["user", "done_at"]),
            # The daily reminder's question: open assignments due by the next working day.
            models.Index(
                fields=["deadline"],
                condition=Q(done_at__isnull=True),
                name="assignment_open_deadline",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.user}"


# edXML status codes (domain.md §7.3) of what the recipient did with a delivery.
EDXML_CODES = {
    "delivered": "01",
    "returned": "02",
    "registered": "03",
    "assigned": "04",
    "in_progress": "05",
    "done": "06",
}


class Recipient(models.Model):
    """Nơi nhận of an outgoing document, with what the recipient has done with it."""

    class Status(models.TextChoices):
        NOT_SENT = "not_sent", _("chưa gửi")
        DELIVERED = "delivered", _("đã đến")
        REGISTERED = "registered", _("đã vào sổ")
        ASSIGNED = "assigned", _("đã phân công")
        IN_PROGRESS = "in_progress", _("đang xử lý")
        DONE = "done", _("hoàn thành")
        RETURNED = "returned", _("trả lại")

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="recipients")
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("nơi nhận"), max_length=255, blank=True)
    delivered = models.ForeignKey(
        Document, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_SENT)
    return_reason = models.TextField(_("lý do trả lại"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["document", "organization"],
                condition=Q(organization__isnull=False),
                name="recipient_org_once",
            )
        ]

    def __str__(self) -> str:
        return self.name or str(self.organization_id)

    @property
    def edxml_status(self) -> str | None:
        return EDXML_CODES.get(self.status)


class TextStatus(models.TextChoices):
    WAITING = "waiting", _("chờ trích xuất")
    WORKING = "working", _("đang trích xuất")
    DONE = "done", _("đã trích xuất")
    FAILED = "failed", _("lỗi trích xuất")


class DocumentFile(models.Model):
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="files")
    position = models.PositiveSmallIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    size = models.BigIntegerField()
    content_type = models.CharField(max_length=150)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    text = models.TextField(blank=True)
    text_status = models.CharField(
        max_length=10, choices=TextStatus.choices, default=TextStatus.WAITING
    )
    text_error = models.CharField(max_length=500, blank=True)
    pdfa_sha256 = models.CharField(max_length=64, null=True, blank=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    ocr_confidence = models.FloatField(null=True, blank=True)
    quality_flags = models.JSONField(default=list, blank=True)
    suggested_fields = models.JSONField(default=dict, blank=True)
    # Encryption at rest (docs/security.md; Luật BVBMNN 2018 Điều 5: classified content is
    # stored only under cipher protection). ``sha256`` stays the blob's address (the
    # ciphertext), so fixity checks work; ``plaintext_sha256`` is the document's identity.
    encrypted = models.BooleanField(default=False)
    plaintext_sha256 = models.CharField(max_length=64, blank=True)
    key_id = models.CharField(max_length=16, blank=True)
    wrapped_key = models.CharField(max_length=64, blank=True)
    nonce = models.CharField(max_length=24, blank=True)
    # The PDF/A copy is sealed with the same data key under its own base nonce.
    pdfa_nonce = models.CharField(max_length=24, blank=True)

    # Files are seen through their document: the same organisation, secrecy and participants.
    access = AccessSpec(
        org_field="document__organization",
        secrecy_field="document__secrecy",
        participants=(
            "document__created_by",
            "document__directed_by",
            "document__assignments__user",
        ),
    )

    class Meta:
        ordering = ["document", "position", "pk"]
        indexes = [models.Index(fields=["sha256"]), models.Index(fields=["text_status"])]

    def __str__(self) -> str:
        return self.original_name
