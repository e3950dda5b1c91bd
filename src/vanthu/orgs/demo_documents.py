"""Realistic register entries for ``vanthu demo`` (trích yếu, senders, number/symbols)."""

from __future__ import annotations

import datetime
import random
from typing import Any

INCOMING_SENDERS = [
    ("Ban Chấp hành Trung ương", "TW", ["NQ", "CT", "QĐ", "KL"]),
    ("Ban Bí thư", "TW", ["CT", "KL", "QĐ"]),
    ("Văn phòng Trung ương Đảng", "VPTW", ["HD", "CV", "TB"]),
    ("Ban Tổ chức Trung ương", "BTCTW", ["HD", "CV"]),
    ("Ủy ban nhân dân thành phố Cần Thơ", "UBND", ["BC", "TTr", "CV"]),
    ("Đảng ủy phường Ninh Kiều", "ĐU", ["BC", "TTr", "CV"]),
    ("Đảng ủy xã Phong Điền", "ĐU", ["BC", "TTr"]),
]
TOPICS = [
    "về tăng cường công tác bảo vệ bí mật nhà nước trong tình hình mới",
    "về lãnh đạo thực hiện nhiệm vụ phát triển kinh tế - xã hội năm {year}",
    "về công tác chuẩn bị đại hội chi bộ nhiệm kỳ 2025–2027",
    "về việc thực hiện chuyển đổi số trong cơ quan Đảng",
    "về kết quả kiểm tra, giám sát 6 tháng đầu năm {year}",
    "về công tác phát triển đảng viên năm {year}",
    "về việc học tập, quán triệt Nghị quyết Đại hội đại biểu Đảng bộ thành phố",
    "về phòng, chống tham nhũng, lãng phí, tiêu cực",
    "về việc tổ chức Hội nghị sơ kết công tác văn thư, lưu trữ năm {year}",
    "về công tác dân vận của hệ thống chính trị",
    "về đánh giá, xếp loại chất lượng tổ chức đảng và đảng viên năm {year}",
    "về công tác phòng, chống thiên tai và tìm kiếm cứu nạn mùa mưa bão {year}",
    "về việc lập hồ sơ và nộp lưu hồ sơ, tài liệu vào Lưu trữ cơ quan",
    "về tuyên truyền kỷ niệm ngày thành lập Đảng Cộng sản Việt Nam",
]
TYPE_WORDS = {
    "NQ": "Nghị quyết",
    "CT": "Chỉ thị",
    "QĐ": "Quyết định",
    "KL": "Kết luận",
    "HD": "Hướng dẫn",
    "CV": "Công văn",
    "TB": "Thông báo",
    "BC": "Báo cáo",
    "TTr": "Tờ trình",
}
SIGNERS = ["Nguyễn Văn Hòa", "Trần Quốc Trung", "Lê Thị Phương", "Đỗ Minh Châu", "Phạm Văn Sáu"]
OUTGOING_TYPES = ["CV", "TB", "BC", "KL", "HD", "NQ", "QĐ", "CT"]


def _summary(rng: random.Random, doc_type: str, year: int) -> str:
    topic = rng.choice(TOPICS).format(year=year)
    # Công văn carries its subject as "V/v ..." (NĐ 30 Phụ lục I).
    return (
        # "V/v" already says "về việc": drop either form of the topic's own prefix.
        f"V/v {topic.removeprefix('về việc ').removeprefix('về ')}"
        if doc_type == "CV"
        else f"{TYPE_WORDS[doc_type]} {topic}"
    )


def incoming(count: int, seed: int, now: datetime.datetime) -> list[dict[str, Any]]:
    """``count`` incoming entries received between 01/01/2025 and ``now``; every tenth is a
    classified, content-free entry (summary empty), as the connected zone requires."""
    rng = random.Random(seed)  # noqa: S311 (repeatable sample data, not secrets)
    start = datetime.datetime(2025, 1, 2, 1, 0, tzinfo=datetime.UTC)
    span = (now - start).total_seconds()
    out = []
    for i in range(count):
        sender, symbol, types = rng.choice(INCOMING_SENDERS)
        doc_type = rng.choice(types)
        received = start + datetime.timedelta(seconds=span * (i + rng.random()) / count)
        issued = (received - datetime.timedelta(days=rng.randint(1, 6))).date()
        classified = i % 10 == 9
        out.append(
            {
                "sender": sender,
                "number_symbol": f"{rng.randint(1, 250):02d}-{doc_type}/{symbol}",
                "document_type": doc_type,
                "issued_date": issued,
                "summary": "" if classified else _summary(rng, doc_type, issued.year),
                "signer": rng.choice(SIGNERS),
                "secrecy": rng.choice(["confidential", "secret"]) if classified else "none",
                "urgency": rng.choice(["normal"] * 6 + ["urgent", "very_urgent"]),
                "received_at": received,
                "page_count": rng.randint(1, 12),
            }
        )
    return out


def outgoing(count: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)  # noqa: S311 (repeatable sample data, not secrets)
    out = []
    for i in range(count):
        doc_type = rng.choice(OUTGOING_TYPES)
        classified = i % 12 == 11
        out.append(
            {
                "document_type": doc_type,
                "summary": "" if classified else _summary(rng, doc_type, 2026),
                "signer": rng.choice(SIGNERS),
                "secrecy": "confidential" if classified else "none",
                "urgency": rng.choice(["normal"] * 5 + ["urgent"]),
            }
        )
    return out
