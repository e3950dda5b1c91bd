"""Template context for every page of the web UI (settings: TEMPLATES context_processors)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from vanthu.access import policy
from vanthu.core.enums import Clearance

SECURITY_ZONE_LABELS = {
    "isolated": _("Vùng cách ly — được lưu tài liệu mật"),
    "connected": _("Vùng kết nối mạng — không lưu nội dung mật"),
}

# The sections of the navigation: (key, path, label). Paths are the public Vietnamese URLs;
# a section whose pages do not exist yet answers the "Đang xây dựng" placeholder.
SECTIONS: list[tuple[str, str, Any]] = [
    ("incoming", "/van-ban/den/", _("Văn bản đến")),
    ("outgoing", "/van-ban/di/", _("Văn bản đi")),
    ("dossiers", "/ho-so/", _("Hồ sơ")),
    ("archive", "/luu-tru/", _("Lưu trữ")),
    ("search", "/tra-cuu/", _("Tra cứu")),
    ("reports", "/bao-cao/", _("Báo cáo")),
]
ADMIN_SECTION: tuple[str, str, Any] = ("admin", "/quan-tri/", _("Quản trị"))


def vanthu(request: HttpRequest) -> dict[str, Any]:
    """``security_zone`` stays the code (isolated/connected); the banner text is separate."""
    zone = settings.VANTHU_SECURITY_ZONE
    context: dict[str, Any] = {
        "security_zone": zone,
        "security_zone_label": SECURITY_ZONE_LABELS.get(zone, zone),
        "show_security_zone": False,
        "nav_sections": [],
        "current_organization": None,
        "is_admin": False,
    }
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return context
    is_admin = policy.is_admin(user)
    sections = SECTIONS + ([ADMIN_SECTION] if is_admin else [])
    context.update(
        {
            # Holders of a clearance must always know whether this machine may hold secrets
            # (Luật BVBMNN: classified content only on approved isolated systems).
            "show_security_zone": user.clearance != Clearance.NONE,
            "nav_sections": [
                {"key": k, "url": url, "label": label, "active": request.path.startswith(url)}
                for k, url, label in sections
            ],
            "current_organization": user.organization,
            "is_admin": is_admin,
        }
    )
    return context
