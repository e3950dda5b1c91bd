"""Codes shared by every app. The codes are the API's (docs/api.md); labels are Vietnamese."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Secrecy(models.TextChoices):
    """Độ mật (Luật BVBMNN): none < confidential (Mật) < secret (Tối mật) < top_secret."""

    NONE = "none", _("Thường")
    CONFIDENTIAL = "confidential", _("Mật")
    SECRET = "secret", _("Tối mật")
    TOP_SECRET = "top_secret", _("Tuyệt mật")

    @classmethod
    def rank(cls, code: str) -> int:
        return _SECRECY_RANK[code]

    @classmethod
    def at_most(cls, code: str) -> list[str]:
        """Every level a holder of clearance ``code`` may see."""
        limit = _SECRECY_RANK[code]
        return [c for c, r in _SECRECY_RANK.items() if r <= limit]


_SECRECY_RANK = {"none": 0, "confidential": 1, "secret": 2, "top_secret": 3}

# A user's clearance uses the same four codes as a document's secrecy.
Clearance = Secrecy


class Urgency(models.TextChoices):
    """Mức độ khẩn (NĐ 30/2020 Phụ lục I §III.2)."""

    NORMAL = "normal", _("Thường")
    URGENT = "urgent", _("Khẩn")
    VERY_URGENT = "very_urgent", _("Thượng khẩn")
    FLASH = "flash", _("Hỏa tốc")


class Role(models.TextChoices):
    ADMIN = "admin", _("Quản trị")
    CLERK = "clerk", _("Văn thư")
    LEADER = "leader", _("Lãnh đạo")
    SPECIALIST = "specialist", _("Chuyên viên")
    ARCHIVIST = "archivist", _("Lưu trữ viên")


class OrgKind(models.TextChoices):
    COMMITTEE = "committee", _("Cấp ủy")
    AGENCY = "agency", _("Cơ quan tham mưu")
    GRASSROOTS = "grassroots", _("Tổ chức cơ sở đảng")
    DEPARTMENT = "department", _("Đơn vị nội bộ")
