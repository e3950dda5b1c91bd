"""How the demo office handles its incoming mail: the routing rules of ``vanthu demo``'s history.

One copy, used by the demo command (which applies them through the services) and by
``benchmarks/bench_suggest.py`` (which measures how well the suggestions learn them). The rules
(docs/suggest.md, "Measured"): the leader by sender, the lead, support and dossier by topic, the
deadline by type (a third when urgent); ``NOISE`` of the lead, support and dossier decisions are
random, as offices are not perfectly consistent.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from vanthu.orgs import demo_documents

NOISE = 0.10

# Sender → the Thành ủy leader a document from it is presented to (usernames of the demo).
LEADERS = {
    "Ban Chấp hành Trung ương": "bithu",
    "Ban Bí thư": "bithu",
    "Văn phòng Trung ương Đảng": "lanhdao",
    "Ban Tổ chức Trung ương": "lanhdao",
    "Ủy ban nhân dân thành phố Cần Thơ": "phobithu",
    "Đảng ủy phường Ninh Kiều": "lanhdao",
    "Đảng ủy xã Phong Điền": "lanhdao",
}
# The Văn phòng Thành ủy has one head: everything addressed to it goes to the Chánh Văn phòng.
OFFICE_LEADER = "lanhdao.vp"

# The specialists of the Văn phòng who handle the mail: (username, full name, clearance, title).
SPECIALISTS = [
    ("cv.tochuc", "Đặng Thị Mỹ Linh", "confidential", "Chuyên viên theo dõi công tác tổ chức"),
    ("cv.kiemtra", "Bùi Văn Hùng", "confidential", "Chuyên viên theo dõi kiểm tra, giám sát"),
    ("cv.tuyengiao", "Hồ Thị Thanh Thảo", "confidential", "Chuyên viên theo dõi tuyên giáo"),
    ("cv.vanphong", "Ngô Minh Khoa", "confidential", "Chuyên viên tổng hợp"),
    ("cv.kinhte", "Dương Thị Bích Ngọc", "confidential", "Chuyên viên theo dõi kinh tế - xã hội"),
    ("cv.noichinh", "Nguyễn Hoàng Nam", "secret", "Chuyên viên theo dõi nội chính"),
]
# Classified mail (never learnt from) goes to the one specialist cleared for it.
CLASSIFIED_LEAD = "cv.noichinh"
SPECIALIST_NAMES = [s[0] for s in SPECIALISTS]

# Topic index of demo_documents.TOPICS → (lead, support or None, dossier code).
TOPIC_ROUTES: list[tuple[str, str | None, str]] = [
    ("cv.noichinh", "cv.vanphong", "05.BMNN"),
    ("cv.kinhte", None, "08.KTXH"),
    ("cv.tochuc", "cv.vanphong", "02.DH"),
    ("cv.vanphong", None, "09.CDS"),
    ("cv.kiemtra", None, "03.KTGS"),
    ("cv.tochuc", None, "01.DV"),
    ("cv.tuyengiao", "cv.tochuc", "04.NQ"),
    ("cv.noichinh", "cv.kiemtra", "06.PCTN"),
    ("cv.vanphong", None, "10.VTLT"),
    ("cv.tuyengiao", None, "07.DV"),
    ("cv.tochuc", "cv.kiemtra", "01.DV"),
    ("cv.kinhte", "cv.noichinh", "11.PCTT"),
    ("cv.vanphong", None, "10.VTLT"),
    ("cv.tuyengiao", None, "04.NQ"),
]
DEADLINE_BY_TYPE = {"NQ": 15, "CT": 15, "KL": 15, "QĐ": 10, "HD": 10, "CV": 5, "TB": 3, "BC": 7}

# The file plan the dossier codes above belong to: (title, abbreviation, [(code, title,
# retention code, retention years or None for vĩnh viễn)]).
FILE_PLAN: list[tuple[str, str, list[tuple[str, str, str, int | None]]]] = [
    (
        "Công tác tổ chức, xây dựng Đảng",
        "TC",
        [
            ("01.DV", "Hồ sơ công tác phát triển, quản lý, đánh giá đảng viên", "04", 30),
            ("02.DH", "Hồ sơ chỉ đạo đại hội chi bộ, đảng bộ cơ sở", "01", None),
        ],
    ),
    (
        "Công tác kiểm tra, giám sát, nội chính",
        "KT",
        [
            ("03.KTGS", "Hồ sơ kiểm tra, giám sát của Thành ủy", "01", None),
            ("05.BMNN", "Hồ sơ công tác bảo vệ bí mật nhà nước", "04", 30),
            ("06.PCTN", "Hồ sơ phòng, chống tham nhũng, lãng phí, tiêu cực", "01", None),
        ],
    ),
    (
        "Công tác tuyên giáo, dân vận",
        "TG",
        [
            ("04.NQ", "Hồ sơ học tập, quán triệt, tuyên truyền nghị quyết", "05", 20),
            ("07.DV", "Hồ sơ công tác dân vận", "05", 20),
        ],
    ),
    (
        "Lãnh đạo kinh tế - xã hội",
        "KTXH",
        [
            ("08.KTXH", "Hồ sơ lãnh đạo nhiệm vụ phát triển kinh tế - xã hội", "01", None),
            ("11.PCTT", "Hồ sơ phòng, chống thiên tai, tìm kiếm cứu nạn", "05", 20),
        ],
    ),
    (
        "Công tác văn phòng",
        "VP",
        [
            ("09.CDS", "Hồ sơ chuyển đổi số trong cơ quan Đảng", "06", 10),
            ("10.VTLT", "Hồ sơ công tác văn thư, lưu trữ", "06", 10),
        ],
    ),
]

_TOPIC_HEADS = [t.removeprefix("về việc ").removeprefix("về ") for t in demo_documents.TOPICS]


@dataclass(frozen=True)
class Route:
    leader: str
    lead: str
    support: str | None
    dossier: str
    days: int  # working days from arrival


def topic_of(summary: str) -> int:
    """The index in ``demo_documents.TOPICS`` of a demo summary."""
    return next(n for n, t in enumerate(_TOPIC_HEADS) if t.split("{")[0][:40] in summary)


def route(entry: dict[str, Any], rng: random.Random, noise: float = NOISE) -> Route:
    """How the office routes one non-classified incoming entry of ``demo_documents``."""
    lead, support, dossier = TOPIC_ROUTES[topic_of(entry["summary"])]
    if rng.random() < noise:
        lead = rng.choice(SPECIALIST_NAMES)
    if rng.random() < noise:
        support = rng.choice([*SPECIALIST_NAMES, None])
    if rng.random() < noise:
        dossier = rng.choice([r[2] for r in TOPIC_ROUTES])
    days = DEADLINE_BY_TYPE.get(str(entry["document_type"]), 5)
    if entry["urgency"] != "normal":
        days = max(1, days // 3)
    return Route(
        leader=LEADERS[entry["sender"]],
        lead=lead,
        support=support if support != lead else None,
        dossier=dossier,
        days=days,
    )
