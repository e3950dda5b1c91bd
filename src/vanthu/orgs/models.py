"""Organisations (a tree), committee terms, users, positions and document types."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vanthu.core.enums import Clearance, OrgKind, Role

# Each level of the materialised path is the id, zero-padded to this many digits. Digits only,
# so "this organisation and everything below it" is a plain range on one btree index, with the
# same order under SQLite's and PostgreSQL's collations (no LIKE, no pattern opclass needed).
PATH_SEGMENT = 10


class Organization(models.Model):
    code = models.CharField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    # The issuer part of document numbers (TU, ĐU, VPTU): domain.md §2.3.
    symbol = models.CharField(_("ký hiệu"), max_length=40)
    kind = models.CharField(_("loại"), max_length=20, choices=OrgKind.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    active_from = models.DateField(_("hoạt động từ"), null=True, blank=True)
    active_until = models.DateField(_("hoạt động đến"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("tổ chức")
        verbose_name_plural = _("tổ chức")
        constraints = [
            models.CheckConstraint(
                condition=Q(active_until__isnull=True)
                | Q(active_from__isnull=True)
                | Q(active_until__gte=models.F("active_from")),
                name="org_active_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def segment(pk: int) -> str:
        return str(pk).zfill(PATH_SEGMENT)

    @property
    def subtree_end(self) -> str:
        """The smallest path greater than every path in this subtree."""
        return self.path[:-PATH_SEGMENT] + self.segment(int(self.path[-PATH_SEGMENT:]) + 1)

    def subtree_q(self, prefix: str = "") -> Q:
        """Q for this organisation and everything below it (``prefix`` names the relation)."""
        field = f"{prefix}path" if not prefix else f"{prefix}__path"
        return Q(**{f"{field}__gte": self.path, f"{field}__lt": self.subtree_end})

    def is_within(self, other: Organization) -> bool:
        return self.path.startswith(other.path)


class Term(models.Model):
    """Nhiệm kỳ cấp ủy: Party documents are numbered per type within a term (domain.md §2.3)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="terms")
    name = models.CharField(_("tên nhiệm kỳ"), max_length=100)
    start_date = models.DateField(_("ngày bắt đầu"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization", "-start_date"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "start_date"], name="term_unique_start")
        ]
        verbose_name = _("nhiệm kỳ")
        verbose_name_plural = _("nhiệm kỳ")

    def __str__(self) -> str:
        return f"{self.organization.symbol} {self.name}"


class User(AbstractUser):
    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    position_title = models.CharField(_("chức vụ"), max_length=150, blank=True)
    clearance = models.CharField(
        _("mức tiếp cận bí mật"),
        max_length=20,
        choices=Clearance.choices,
        default=Clearance.NONE,
    )
    # The organisation the user works in by default (first position); positions may add more.
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="members"
    )

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def roles(self) -> list[str]:
        """Every role the user holds, in any organisation (prefetch ``positions`` for lists)."""
        return sorted({p.role for p in self.positions.all()})


class Position(models.Model):
    """A role a user holds in one organisation; a person may hold several."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="positions")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="positions"
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    title = models.CharField(_("chức danh"), max_length=150, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "role"], name="position_unique_role"
            )
        ]
        indexes = [models.Index(fields=["organization", "role"])]
        verbose_name = _("vị trí công tác")
        verbose_name_plural = _("vị trí công tác")

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.organization.symbol}"

    def is_current(self, today: datetime.date) -> bool:
        return (self.start_date is None or self.start_date <= today) and (
            self.end_date is None or self.end_date >= today
        )


class DocumentType(models.Model):
    """Tên loại văn bản as data: Party types (399-QĐ/TW) and state types (NĐ 30 Phụ lục III)."""

    class Family(models.TextChoices):
        PARTY = "party", _("Văn bản của Đảng")
        STATE = "state", _("Văn bản nhà nước")
        BOTH = "both", _("Cả hai")

    code = models.CharField(_("mã"), max_length=10, unique=True)
    name = models.CharField(_("tên loại"), max_length=100)
    # What is printed in the number and symbol (usually the code; configurable, domain.md §2.2).
    abbreviation = models.CharField(_("chữ viết tắt"), max_length=10, blank=True)
    family = models.CharField(max_length=10, choices=Family.choices, default=Family.BOTH)
    sort_order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("loại văn bản")
        verbose_name_plural = _("loại văn bản")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def symbol_part(self) -> str:
        return self.abbreviation or self.code
