"""Data of ``vanthu demo``: a plausible city committee hierarchy (names of real 2025 units).

Shipped here, not read from any external list, so the demo works on any machine.
"""

from __future__ import annotations

import datetime

# Printed by the command; demo data only, never a real installation's.
DEMO_PASSWORD = "Demo-Vanthu-2026!"  # noqa: S105

CITY = {"code": "TU", "name": "Thành ủy Thành phố Cần Thơ", "symbol": "TU"}
CITY_TERM = ("Nhiệm kỳ 2025–2030", datetime.date(2025, 10, 15))
SUBORDINATE_TERM = ("Nhiệm kỳ 2025–2030", datetime.date(2025, 8, 1))

# Cơ quan tham mưu, giúp việc của Thành ủy: (code, name).
AGENCIES = [
    ("VPTU", "Văn phòng Thành ủy"),
    ("BTCTU", "Ban Tổ chức Thành ủy"),
    ("UBKTTU", "Ủy ban Kiểm tra Thành ủy"),
    ("BTGDVTU", "Ban Tuyên giáo và Dân vận Thành ủy"),
    ("BNCTU", "Ban Nội chính Thành ủy"),
]

WARDS = [
    "Ninh Kiều",
    "Cái Khế",
    "Tân An",
    "An Bình",
    "Thới An Đông",
    "Bình Thủy",
    "Long Tuyền",
    "Cái Răng",
    "Hưng Phú",
    "Ô Môn",
    "Phước Thới",
    "Thới Long",
    "Trung Nhứt",
    "Thuận Hưng",
    "Thốt Nốt",
    "Tân Lộc",
    "Vị Thanh",
    "Vị Tân",
    "Ngã Bảy",
    "Long Mỹ",
    "Long Bình",
    "Đại Thành",
    "Sóc Trăng",
    "Phú Lợi",
    "Mỹ Xuyên",
    "Ngã Năm",
    "Vĩnh Châu",
    "Khánh Hòa",
    "Vĩnh Phước",
]
COMMUNES = [
    "Phong Điền",
    "Nhơn Ái",
    "Trường Long",
    "Thới Lai",
    "Đông Thuận",
    "Trường Xuân",
    "Trường Thành",
    "Cờ Đỏ",
    "Đông Hiệp",
    "Trung Hưng",
    "Thạnh Phú",
    "Thới Hưng",
    "Vĩnh Thạnh",
    "Thạnh An",
    "Thạnh Quới",
    "Vĩnh Trinh",
    "Châu Thành",
    "Phú Hữu",
    "Tân Hòa",
    "Thạnh Xuân",
    "Hỏa Lựu",
    "Vị Thủy",
    "Phụng Hiệp",
    "Hòa An",
    "Kế Sách",
    "Mỹ Tú",
]
BLOCS = [
    "Đảng ủy các cơ quan Đảng thành phố",
    "Đảng ủy Ủy ban nhân dân thành phố",
    "Đảng ủy Công an thành phố",
    "Đảng ủy Quân sự thành phố",
]


def subordinate_committees() -> list[tuple[str, str]]:
    """59 đảng bộ trực thuộc: (code, name)."""
    names = [f"Đảng ủy phường {w}" for w in WARDS]
    names += [f"Đảng ủy xã {c}" for c in COMMUNES]
    names += BLOCS
    return [(f"DU{i:02d}", name) for i, name in enumerate(names, start=1)]


# Tổ chức cơ sở đảng under a ward or commune committee ({place} is its name) and a bloc.
GRASSROOTS_PLACE = [
    ("CB", "Chi bộ khu vực {n}"),
    ("CB", "Chi bộ Trường Tiểu học {place}"),
    ("CB", "Chi bộ Trường Trung học cơ sở {place}"),
    ("CB", "Chi bộ Trạm Y tế {place}"),
    ("ĐU", "Đảng bộ Công an {place}"),
    ("CB", "Chi bộ Quân sự {place}"),
    ("CB", "Chi bộ Trường Mầm non {place} {n}"),
    ("CB", "Chi bộ ấp {n}"),
]
GRASSROOTS_BLOC = [
    ("CB", "Chi bộ phòng {n}"),
    ("ĐU", "Đảng bộ cơ sở đơn vị {n}"),
    ("CB", "Chi bộ cơ quan {n}"),
]
GRASSROOTS_TOTAL_FULL = 2820
GRASSROOTS_SAMPLE = 3


def grassroots_counts(committees: int, full: bool) -> list[int]:
    """How many grassroots organisations under each committee (2,820 in all with --full)."""
    if not full:
        return [GRASSROOTS_SAMPLE] * committees
    base, extra = divmod(GRASSROOTS_TOTAL_FULL, committees)
    return [base + (1 if i < extra else 0) for i in range(committees)]


def grassroots(committee_code: str, committee_name: str, count: int) -> list[tuple[str, str, str]]:
    """(code, name, symbol) of the first ``count`` grassroots organisations of a committee."""
    is_bloc = committee_name in BLOCS
    place = committee_name.split(" ", 3)[-1] if not is_bloc else ""
    patterns = GRASSROOTS_BLOC if is_bloc else GRASSROOTS_PLACE
    out = []
    for i in range(count):
        symbol, pattern = patterns[i % len(patterns)]
        n = i // len(patterns) + 1
        out.append((f"{committee_code}-{i + 1:03d}", pattern.format(n=n, place=place), symbol))
    return out


# Users at the city committee: (username, full name, organisation code, roles, clearance, title)
CITY_USERS = [
    ("quantri", "Nguyễn Minh Tuấn", "TU", ["admin"], "secret", "Quản trị hệ thống"),
    ("lanhdao", "Trần Thị Thu Hà", "TU", ["leader"], "top_secret", "Phó Bí thư Thường trực"),
    ("bithu", "Lâm Quốc Thắng", "TU", ["leader"], "top_secret", "Bí thư Thành ủy"),
    ("phobithu", "Châu Văn Tài", "TU", ["leader"], "secret", "Phó Bí thư, Chủ tịch UBND"),
    ("vanthu", "Lê Thị Ngọc Lan", "VPTU", ["clerk"], "secret", "Văn thư Văn phòng Thành ủy"),
    ("chuyenvien", "Phạm Quốc Bảo", "VPTU", ["specialist"], "confidential", "Chuyên viên"),
    ("luutru", "Võ Thị Kim Yến", "VPTU", ["archivist"], "confidential", "Lưu trữ viên"),
    ("lanhdao.vp", "Huỳnh Văn Phúc", "VPTU", ["leader"], "secret", "Chánh Văn phòng"),
]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"]
GIVEN = [
    "Thị Mỹ Linh",
    "Văn Hùng",
    "Thị Thanh Thảo",
    "Minh Khoa",
    "Thị Bích Ngọc",
    "Hoàng Nam",
    "Thị Diễm My",
    "Quang Vinh",
    "Thị Kim Anh",
    "Thành Đạt",
    "Thị Hồng Nhung",
    "Văn Lợi",
]
CLEARANCES = ["none", "confidential", "secret"]


def committee_clerk(index: int) -> tuple[str, str]:
    """(full name, clearance) of the clerk of subordinate committee ``index`` (0-based)."""
    name = f"{FAMILY[index % len(FAMILY)]} {GIVEN[(index * 5) % len(GIVEN)]}"
    return name, CLEARANCES[index % len(CLEARANCES)]
