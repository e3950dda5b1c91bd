"""Which rules each page of the web UI applies: URL name → rule codes (the handbook box).

A page missing here still gets the "Hướng dẫn" link of the top bar; a name here that no longer
resolves, or a code that is not in the catalogue, fails ``tests/guide/test_catalogue.py``.
"""

from __future__ import annotations

_INCOMING_FORM = (
    "so-den",
    "den-trong-ngay",
    "den-khan",
    "den-tiep-nhan",
    "den-dang-ky-mat",
    "den-trung",
    "den-so-dang-ky",
)
_INCOMING_DETAIL = ("den-trinh", "den-theo-doi", "den-khan", "den-dau-den", "den-tiep-nhan")
_OUTGOING_FORM = (
    "di-soan-thao",
    "di-duyet",
    "so-di-nam",
    "so-nhiem-ky",
    "so-mat",
    "so-duoi-10",
    "ky-hieu-dang",
    "ky-hieu-nha-nuoc",
)
_OUTGOING_DETAIL = ("di-trinh-tu", "di-ky", "di-phat-hanh", "di-luu", "so-di-nam")
_ORG_ADMIN = ("co-cau-to-chuc", "so-nhiem-ky", "ky-hieu-dang")
_USER_ADMIN = ("mat-do", "quyen-truy-cap", "mat-noi-mang")

PAGE_RULES: dict[str, tuple[str, ...]] = {
    "registry:incoming-list": ("den-tap-trung", "den-trong-ngay", "den-khan", "so-den"),
    "registry:incoming-new": _INCOMING_FORM,
    "registry:incoming-detail": _INCOMING_DETAIL,
    "registry:incoming-present": _INCOMING_DETAIL,
    "registry:incoming-assign": _INCOMING_DETAIL,
    "registry:incoming-complete": _INCOMING_DETAIL,
    "registry:incoming-register": _INCOMING_FORM,
    "registry:incoming-return": ("den-tiep-nhan", "den-bao-da-nhan"),
    "registry:outgoing-list": ("di-trinh-tu", "so-di-nam", "di-so-dang-ky"),
    "registry:outgoing-new": _OUTGOING_FORM,
    "registry:outgoing-detail": _OUTGOING_DETAIL,
    "registry:outgoing-issue": _OUTGOING_DETAIL,
    "registry:outgoing-send": ("di-phat-hanh", "den-bao-da-nhan"),
    "registry:inbox": ("den-trinh", "den-theo-doi"),
    "capture:home": ("so-hoa", "so-hoa-luu-tru", "den-tiep-nhan"),
    "archive:index": (
        "nop-luu-han",
        "nop-luu-so",
        "giu-lai",
        "khai-thac",
        "huy-tai-lieu",
        "phong-luu-tru-dang",
    ),
    "reports:index": ("den-so-dang-ky", "di-so-dang-ky", "dong-so"),
    "reports:statistics": ("den-theo-doi", "den-so-dang-ky"),
    "web:search": ("tra-cuu", "quyen-truy-cap"),
    "web:admin": _ORG_ADMIN + _USER_ADMIN,
    "web:org-tree": _ORG_ADMIN,
    "web:org-create": _ORG_ADMIN,
    "web:org-detail": _ORG_ADMIN,
    "web:term-add": _ORG_ADMIN,
    "web:user-list": _USER_ADMIN,
    "web:user-create": _USER_ADMIN,
    "web:user-detail": _USER_ADMIN,
    "guide:my-day": ("den-trong-ngay", "den-khan", "den-trinh", "den-theo-doi"),
    "guide:checklists": ("den-trong-ngay", "dong-so", "danh-muc-ho-so", "nop-luu-han"),
}


def rules_for_page(view_name: str | None) -> tuple[str, ...]:
    return PAGE_RULES.get(view_name or "", ())


# Keyboard shortcuts (static/guide/shortcuts.js reads them from the page): keys, URL name,
# fragment, label. "/" and "?" are built in: focus the search box, show this list.
SHORTCUTS: tuple[tuple[str, str, str, str], ...] = (
    ("g h", "guide:my-day", "", "Việc hôm nay"),
    ("g d", "registry:incoming-list", "", "Văn bản đến"),
    ("g i", "registry:incoming-list", "#cho-vao-so", "Chờ vào sổ"),
    ("g o", "registry:outgoing-list", "", "Văn bản đi"),
    ("g v", "registry:inbox", "", "Việc của tôi"),
    ("g c", "guide:checklists", "", "Việc định kỳ"),
    ("g s", "guide:handbook", "", "Hướng dẫn (sổ tay quy định)"),
    ("n", "registry:incoming-new", "", "Vào sổ văn bản đến mới"),
)
