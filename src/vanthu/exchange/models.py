"""Partners (organisations reachable in other installations), received packages, statuses."""

from __future__ import annotations

from cryptography import x509
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Partner(models.Model):
    """An organisation in another installation (or on the national axis), managed by admins."""

    # Mã định danh điện tử (QĐ 20/2020/QĐ-TTg), e.g. 000.00.00.G22: edXML OrganId.
    organ_id = models.CharField(_("mã định danh điện tử"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    endpoint_url = models.URLField(_("địa chỉ nhận gói tin"), max_length=500, blank=True)
    certificate_pem = models.TextField(_("chứng thư số (PEM)"), blank=True)
    # The token the partner's installation issued to us: what the outbox sends to its inbox.
    token = models.CharField(_("mã truy cập gửi đi"), max_length=128, blank=True)
    # The account the partner's server authenticates as (Token) when it posts to our inbox.
    service_user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="exchange_partner",
        verbose_name=_("tài khoản dịch vụ"),
    )
    active = models.BooleanField(_("đang liên thông"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("đối tác liên thông")
        verbose_name_plural = _("đối tác liên thông")

    def __str__(self) -> str:
        return f"{self.name} ({self.organ_id})"

    def clean(self) -> None:
        # Every message from this partner is verified against it (dsig.py): refuse a typo here
        # rather than every message later.
        if self.certificate_pem.strip():
            try:
                x509.load_pem_x509_certificate(self.certificate_pem.strip().encode())
            except ValueError as exc:
                raise ValidationError(
                    {"certificate_pem": _("Chứng thư số không đọc được (cần định dạng PEM).")}
                ) from exc


class ReceivedPackage(models.Model):
    """One edXML package received for one of our organisations: the idempotency key."""

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+"
    )
    edxml_id = models.CharField(_("DocumentId"), max_length=300)
    business_type = models.PositiveSmallIntegerField(default=0)
    content_hash = models.CharField(max_length=64)
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, null=True, blank=True, related_name="packages"
    )
    document = models.ForeignKey(
        "registry.Document", on_delete=models.PROTECT, related_name="exchange_packages"
    )
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # A package received twice creates one document (issue 9, "idempotent receipt").
            models.UniqueConstraint(
                fields=["organization", "edxml_id", "business_type"],
                name="exchange_package_once",
            )
        ]
        verbose_name = _("gói tin đã nhận")
        verbose_name_plural = _("gói tin đã nhận")

    def __str__(self) -> str:
        return self.edxml_id


class ReceivedStatus(models.Model):
    """A status message (domain.md §7.3) a recipient sent back about one of our documents."""

    document = models.ForeignKey(
        "registry.Document", on_delete=models.PROTECT, related_name="exchange_statuses"
    )
    recipient = models.ForeignKey(
        "registry.Recipient", on_delete=models.PROTECT, related_name="exchange_statuses"
    )
    organ_id = models.CharField(max_length=40)
    code = models.CharField(max_length=2)
    description = models.TextField(blank=True)
    sent_at = models.DateTimeField()
    # False when the status arrived after a later one and so changed nothing.
    applied = models.BooleanField(default=False)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "code", "sent_at"], name="exchange_status_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organ_id} {self.code}"


class OutboxMessage(models.Model):
    """One edXML message to one partner: the outbox row is the truth of its delivery."""

    class Kind(models.TextChoices):
        PACKAGE = "package", _("gói tin văn bản")
        STATUS = "status", _("thông điệp trạng thái")

    class State(models.TextChoices):
        PENDING = "pending", _("chờ gửi")
        SENT = "sent", _("đã gửi")
        FAILED = "failed", _("gửi lỗi")
        DEAD = "dead", _("không gửi được")

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+"
    )
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="outbox")
    document = models.ForeignKey(
        "registry.Document", on_delete=models.PROTECT, related_name="exchange_outbox"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    edxml_id = models.CharField(_("DocumentId"), max_length=300)
    business_type = models.PositiveSmallIntegerField(default=0)
    # The status code (01–16) for a status message; empty for a document package.
    status_code = models.CharField(max_length=2, blank=True)
    payload = models.BinaryField()
    status = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            # Issue 9: a document goes to a partner once per business type, a status once.
            models.UniqueConstraint(
                fields=["partner", "edxml_id", "kind", "business_type", "status_code"],
                name="exchange_outbox_once",
            )
        ]
        indexes = [models.Index(fields=["status", "organization"])]
        verbose_name = _("thư đi liên thông")
        verbose_name_plural = _("thư đi liên thông")

    def __str__(self) -> str:
        return f"{self.kind} {self.edxml_id} → {self.partner_id} ({self.status})"
