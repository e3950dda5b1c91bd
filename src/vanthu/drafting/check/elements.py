"""Checks on the text lines of page 1, the same for DOCX and PDF: which layout the draft
follows, the mandatory elements, the number and symbol, the date line, the sizes of the
elements that can be recognised, the typeface and the body size."""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from vanthu.drafting.check import Finding
from vanthu.drafting.layouts import (
    ALL_SIZES,
    OFFICIAL_FONT,
    PARTY,
    PARTY_HEADING,
    STATE,
    STATE_HEADING,
    Element,
    Family,
)

TOLERANCE_PT = 0.3


@dataclass(frozen=True)
class Line:
    """A line of text (a PDF line or a DOCX paragraph) with the size and typeface most of
    its letters have."""

    text: str
    size: float
    font: str
    location: str
    chars: int


def normal(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def is_official_font(name: str) -> bool:
    """Times New Roman under any of its PDF names, or a face with its metrics (Liberation
    Serif) as a PDF made on Linux embeds."""
    key = re.sub(r"^[A-Z]{6}\+", "", name).replace(" ", "").replace("-", "").lower()
    return key.startswith(("timesnewroman", "times", "liberationserif"))


def family_of(lines: list[Line]) -> Family | None:
    texts = [normal(x.text).upper() for x in lines]
    if any(PARTY_HEADING in t for t in texts):
        return PARTY
    if any(STATE_HEADING in t for t in texts):
        return STATE
    return None


_PARTY_NUMBER = re.compile(r"^Số\s*(:)?\s*(\d+|\s*|…*|\.*)\s*-\s*(\S+?)\s*/\s*(\S+)$")
_STATE_NUMBER = re.compile(r"^Số\s*(:)?\s*(\d+|\s*|…*|\.*)\s*/\s*(\S+?)(?:-(\S+))?$")
_DATE = re.compile(
    r"^(?P<place>.*?),\s*ngày\s*(?P<d>\d+)?\s*tháng\s*(?P<m>\d+)?\s*năm\s*(?P<y>\d{4})\s*$"
)
_NUMERIC_DATE = re.compile(r"\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{2,4}")


def _number(lines: list[Line], fam: Family) -> list[Finding]:
    found = [x for x in lines if re.match(r"^Số\b", normal(x.text))]
    if not found:
        return [Finding("number_missing", fam.rule_number, "Thiếu số và ký hiệu văn bản.", "")]
    line = found[0]
    text = normal(line.text)
    out: list[Finding] = []
    if fam is PARTY:
        m = _PARTY_NUMBER.match(text)
        if m is None:
            wrong = _STATE_NUMBER.match(text)
            message = (
                f"Số và ký hiệu “{text}” viết theo kiểu văn bản nhà nước; văn bản của Đảng "
                "ghi “Số 05-NQ/TU” (số – tên loại / cơ quan ban hành)."
                if wrong
                else f"Số và ký hiệu “{text}” không đúng dạng “Số 05-NQ/TU”."
            )
            return [Finding("number_malformed", fam.rule_number, message, line.location)]
        colon, number = m.group(1), m.group(2).strip()
        if colon:
            out.append(
                Finding(
                    "number_colon",
                    fam.rule_number,
                    f"“{text}”: văn bản của Đảng ghi “Số” không có dấu hai chấm.",
                    line.location,
                )
            )
    else:
        m = _STATE_NUMBER.match(text)
        if m is None:
            return [
                Finding(
                    "number_malformed",
                    fam.rule_number,
                    f"Số, ký hiệu “{text}” không đúng dạng “Số: 05/QĐ-UBND”.",
                    line.location,
                )
            ]
        colon, number = m.group(1), m.group(2).strip()
        if not colon:
            out.append(
                Finding(
                    "number_colon",
                    fam.rule_number,
                    f"“{text}”: văn bản nhà nước ghi “Số:” có dấu hai chấm.",
                    line.location,
                )
            )
    if number.isdigit() and int(number) < 10 and len(number) < 2:
        out.append(
            Finding(
                "number_not_padded",
                fam.rule_number,
                f"Số {number} nhỏ hơn 10 phải ghi thêm số 0 phía trước (0{number}).",
                line.location,
            )
        )
    return out


def _date(lines: list[Line], fam: Family) -> list[Finding]:
    found = [x for x in lines if "tháng" in normal(x.text) and "năm" in normal(x.text)]
    numeric = [x for x in lines if _NUMERIC_DATE.search(normal(x.text)) and "," in x.text]
    if not found:
        if numeric:
            return [
                Finding(
                    "date_numeric",
                    fam.rule_date,
                    f"Ngày ban hành “{normal(numeric[0].text)}” phải ghi bằng chữ "
                    "“ngày … tháng … năm …”.",
                    numeric[0].location,
                )
            ]
        return [Finding("date_missing", fam.rule_date, "Thiếu địa danh và ngày ban hành.", "")]
    line = found[0]
    text = normal(line.text)
    m = _DATE.match(text)
    if m is None:
        return [
            Finding(
                "date_malformed",
                fam.rule_date,
                f"Dòng “{text}” không đúng dạng “<địa danh>, ngày 05 tháng 01 năm 2026”.",
                line.location,
            )
        ]
    out: list[Finding] = []
    if not m.group("place").strip(" ,"):
        out.append(Finding("place_missing", fam.rule_date, "Thiếu địa danh.", line.location))
    day, month, year = m.group("d"), m.group("m"), int(m.group("y"))
    if day and month:
        try:
            datetime.date(year, int(month), int(day))
        except ValueError:
            out.append(
                Finding(
                    "date_invalid",
                    fam.rule_date,
                    f"Ngày {day} tháng {month} năm {year} không có thật.",
                    line.location,
                )
            )
            return out
        if int(day) < 10 and len(day) < 2:
            out.append(
                Finding(
                    "date_not_padded",
                    fam.rule_date,
                    f"Ngày nhỏ hơn 10 phải ghi thêm số 0: “ngày 0{day}”.",
                    line.location,
                )
            )
        if int(month) < 3 and len(month) < 2:
            out.append(
                Finding(
                    "date_not_padded",
                    fam.rule_date,
                    f"Tháng 1 và 2 phải ghi thêm số 0: “tháng 0{month}”.",
                    line.location,
                )
            )
        elif int(month) >= 3 and month.startswith("0"):
            out.append(
                Finding(
                    "date_padded",
                    fam.rule_date,
                    f"Chỉ tháng 1 và 2 ghi thêm số 0: viết “tháng {int(month)}”, "
                    f"không “tháng {month}”.",
                    line.location,
                )
            )
    return out


def _present(lines: list[Line], fam: Family) -> list[Finding]:
    texts = [normal(x.text) for x in lines]
    out: list[Finding] = []
    if fam is STATE and not any("Độc lập - Tự do - Hạnh phúc" in t for t in texts):
        out.append(
            Finding(
                "motto_missing",
                fam.rule_heading,
                "Thiếu Tiêu ngữ “Độc lập - Tự do - Hạnh phúc”.",
                "",
            )
        )
    if fam is PARTY and not any(t == "*" for t in texts):
        out.append(
            Finding(
                "star_missing",
                fam.rule_issuer,
                "Thiếu dấu sao “*” dưới tên cơ quan ban hành.",
                "",
            )
        )
    if not any(t.startswith("Nơi nhận") for t in texts):
        out.append(Finding("recipients_missing", fam.rule_recipients, "Thiếu “Nơi nhận”.", ""))
    retain = [t for t in texts if re.match(r"^-?\s*Lưu\b", t)]
    if not retain:
        out.append(
            Finding(
                "retain_missing",
                fam.rule_recipients,
                "Nơi nhận thiếu dòng cuối “Lưu …” (bản lưu)."
                if fam is PARTY
                else "Nơi nhận thiếu dòng cuối “Lưu: VT, …”.",
                "",
            )
        )
    elif fam is STATE and not re.match(r"^-?\s*Lưu\s*:\s*VT\b", retain[-1]):
        out.append(
            Finding(
                "retain_malformed",
                fam.rule_recipients,
                f"Dòng “{retain[-1]}” phải có dạng “Lưu: VT, <đơn vị soạn thảo>”.",
                "",
            )
        )
    return out


def _size_finding(line: Line, el: Element, what: str, rule: str) -> Finding | None:
    if el.low - TOLERANCE_PT <= line.size <= el.high + TOLERANCE_PT:
        return None
    wanted = f"{el.low:g}" if el.low == el.high else f"{el.low:g}–{el.high:g}"
    return Finding(
        "size_element",
        rule,
        f"{what} cỡ chữ {line.size:g}, quy định {wanted}.",
        line.location,
    )


def _sizes(lines: list[Line], fam: Family) -> list[Finding]:
    out: list[Finding] = []
    el = fam.elements
    for line in lines:
        text = normal(line.text).upper()
        finding = None
        if text == PARTY_HEADING and fam is PARTY:
            finding = _size_finding(line, el["heading"], "Tiêu đề", fam.rule_heading)
        elif text == STATE_HEADING and fam is STATE:
            finding = _size_finding(line, el["heading"], "Quốc hiệu", fam.rule_heading)
        elif normal(line.text).startswith("Số") and "/" in line.text and len(text) < 40:
            finding = _size_finding(line, el["number"], "Số và ký hiệu", fam.rule_number)
        if finding:
            out.append(finding)
    lo, hi = ALL_SIZES
    odd = [x for x in lines if not lo - TOLERANCE_PT <= x.size <= hi + TOLERANCE_PT]
    for line in odd[:5]:
        out.append(
            Finding(
                "size_out_of_range",
                fam.rule_font,
                f"Cỡ chữ {line.size:g} ngoài khoảng {lo:g}–{hi:g} của thể thức: "
                f"“{normal(line.text)[:40]}”.",
                line.location,
            )
        )
    # The body is what most letters are set in, leaving out the Nơi nhận list (11–12 pt),
    # which on a short document can outweigh it.
    weights: Counter[float] = Counter()
    in_recipients = False
    for line in lines:
        text = normal(line.text)
        in_recipients = in_recipients or text.startswith("Nơi nhận")
        if in_recipients and (text.startswith(("-", "Nơi nhận"))):
            continue
        weights[round(line.size * 2) / 2] += line.chars
    if weights:
        body_size = weights.most_common(1)[0][0]
        body = el["body"]
        if not body.low - TOLERANCE_PT <= body_size <= body.high + TOLERANCE_PT:
            out.append(
                Finding(
                    "size_body",
                    fam.rule_font,
                    f"Phần nội dung cỡ chữ {body_size:g}, quy định {body.low:g}–{body.high:g}.",
                    "",
                )
            )
    return out


def _fonts(lines: list[Line], fam: Family) -> list[Finding]:
    wrong: dict[str, Line] = {}
    for line in lines:
        if line.font and not is_official_font(line.font):
            wrong.setdefault(line.font, line)
    return [
        Finding(
            "font",
            fam.rule_font,
            f"Phông chữ “{name}” không phải {OFFICIAL_FONT}.",
            line.location,
        )
        for name, line in list(wrong.items())[:5]
    ]


def check_lines(lines: list[Line]) -> list[Finding]:
    lines = [x for x in lines if normal(x.text)]
    if not lines:
        return [
            Finding("empty", PARTY.rule, "Không đọc được chữ nào trong tệp (tệp ảnh quét?).", "")
        ]
    fam = family_of(lines)
    out: list[Finding] = []
    if fam is None:
        out.append(
            Finding(
                "heading_missing",
                f"{PARTY.rule_heading}; {STATE.rule_heading}",
                "Thiếu tiêu đề “ĐẢNG CỘNG SẢN VIỆT NAM” (văn bản của Đảng) hoặc Quốc hiệu "
                "“CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM” (văn bản nhà nước).",
                "trang 1",
            )
        )
        fam = PARTY
    out += _number(lines, fam)
    out += _date(lines, fam)
    out += _present(lines, fam)
    out += _sizes(lines, fam)
    out += _fonts(lines, fam)
    return out
