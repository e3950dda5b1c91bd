"""Test scans rendered here: real-looking Vietnamese Party and state first pages.

Pillow + DejaVu Serif (full Vietnamese coverage, docs/style.md), 200–300 dpi, a little noise and
skew, so that the tests and the field benchmark run on pixels, never on a model's own output.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


@dataclass
class Sample:
    """One first page and the register fields a clerk would enter for it."""

    layout: str  # "party" or "state"
    issuer_parent: str
    issuer: str
    number_symbol: str
    place: str
    date: str  # YYYY-MM-DD
    type_title: str
    type_code: str
    summary: str
    body: list[str]
    secrecy: str = "none"
    urgency: str = "normal"
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def date_line(self) -> str:
        y, m, d = self.date.split("-")
        return f"{self.place}, ngày {d} tháng {m} năm {y}"

    @property
    def number_line(self) -> str:
        if self.layout == "party":
            return f"Số {self.number_symbol}"
        return f"Số: {self.number_symbol}"

    @property
    def reference_text(self) -> str:
        """The words printed on the page, for word accuracy."""
        lines = []
        if self.layout == "party":
            lines += ["ĐẢNG CỘNG SẢN VIỆT NAM", self.issuer_parent, self.issuer]
        else:
            lines += ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
            lines += [self.issuer_parent, self.issuer]
        lines += [self.number_line, self.date_line, self.type_title, self.summary]
        lines += [_SECRECY_MARK.get(self.secrecy, ""), _URGENCY_MARK.get(self.urgency, "")]
        return "\n".join([*lines, *self.body])


SAMPLES: list[Sample] = [
    Sample(
        "party",
        "ĐẢNG BỘ TỈNH NAM ĐỊNH",
        "TỈNH ỦY",
        "15-NQ/TU",
        "Nam Định",
        "2018-03-24",
        "NGHỊ QUYẾT",
        "NQ",
        "về phát triển kinh tế biển đến năm 2030",
        [
            "Căn cứ Điều lệ Đảng Cộng sản Việt Nam;",
            "Ban Thường vụ Tỉnh ủy quyết nghị:",
            "1. Thống nhất chủ trương phát triển kinh tế biển.",
        ],
    ),
    Sample(
        "party",
        "ĐẢNG BỘ THÀNH PHỐ HÀ NỘI",
        "ĐẢNG ỦY PHƯỜNG ĐỐNG ĐA",
        "05-NQ/ĐU",
        "Hà Nội",
        "2024-11-07",
        "NGHỊ QUYẾT",
        "NQ",
        "về công tác xây dựng Đảng năm 2025",
        ["Căn cứ Điều lệ Đảng;", "Đảng ủy phường quyết nghị các nội dung sau."],
        secrecy="confidential",
    ),
    Sample(
        "party",
        "ĐẢNG BỘ TỈNH NGHỆ AN",
        "HUYỆN ỦY NAM ĐÀN",
        "120-CV/HU",
        "Nam Đàn",
        "2023-06-12",
        "",
        "CV",
        "V/v chuẩn bị đại hội chi bộ nhiệm kỳ 2025 - 2027",
        ["Kính gửi: Các chi bộ trực thuộc.", "Ban Thường vụ Huyện ủy đề nghị các chi bộ."],
        urgency="urgent",
    ),
    Sample(
        "party",
        "ĐẢNG BỘ TỈNH QUẢNG NINH",
        "BAN TỔ CHỨC TỈNH ỦY",
        "36-HD/BTCTU",
        "Hạ Long",
        "2025-01-15",
        "HƯỚNG DẪN",
        "HD",
        "thực hiện công tác đánh giá cán bộ năm 2024",
        ["Thực hiện Quy định số 124-QĐ/TW của Bộ Chính trị;", "Ban Tổ chức Tỉnh ủy hướng dẫn."],
    ),
    Sample(
        "state",
        "",
        "ỦY BAN NHÂN DÂN TỈNH BẮC NINH",
        "123/QĐ-UBND",
        "Bắc Ninh",
        "2022-09-30",
        "QUYẾT ĐỊNH",
        "QĐ",
        "Về việc thành lập Ban chỉ đạo chuyển đổi số tỉnh",
        ["ỦY BAN NHÂN DÂN TỈNH BẮC NINH", "Căn cứ Luật Tổ chức chính quyền địa phương;"],
    ),
    Sample(
        "state",
        "",
        "CHÍNH PHỦ",
        "45/2025/NĐ-CP",
        "Hà Nội",
        "2025-02-28",
        "NGHỊ ĐỊNH",
        "NĐ",
        "Quy định chi tiết một số điều của Luật Lưu trữ",
        ["Căn cứ Luật Tổ chức Chính phủ;", "Chính phủ ban hành Nghị định."],
        urgency="very_urgent",
    ),
    Sample(
        "state",
        "BỘ NỘI VỤ",
        "VĂN PHÒNG BỘ",
        "89/TB-VP",
        "Hà Nội",
        "2021-12-02",
        "THÔNG BÁO",
        "TB",
        "Kết luận của Thứ trưởng tại cuộc họp giao ban tháng 11",
        ["Ngày 30 tháng 11 năm 2021, Thứ trưởng chủ trì cuộc họp."],
        secrecy="secret",
    ),
    Sample(
        "state",
        "",
        "ỦY BAN NHÂN DÂN QUẬN BA ĐÌNH",
        "567/UBND-VP",
        "Ba Đình",
        "2020-05-04",
        "",
        "CV",
        "V/v triển khai phần mềm quản lý văn bản",
        ["Kính gửi: Các phòng, ban chuyên môn.", "Ủy ban nhân dân quận đề nghị."],
        urgency="flash",
    ),
]

_SECRECY_MARK = {"confidential": "MẬT", "secret": "TỐI MẬT", "top_secret": "TUYỆT MẬT"}
_URGENCY_MARK = {"urgent": "KHẨN", "very_urgent": "THƯỢNG KHẨN", "flash": "HỎA TỐC"}


def _font(
    size: int, bold: bool = False, italic: bool = False, condensed: bool = False
) -> ImageFont.FreeTypeFont:
    style = "-".join(p for p in ("Bold" if bold else "", "Italic" if italic else "") if p)
    name = "DejaVuSerif" + ("Condensed" if condensed else "") + (f"-{style}" if style else "")
    return ImageFont.truetype(str(FONT_DIR / f"{name}.ttf"), size)


def render(
    sample: Sample,
    *,
    dpi: int = 200,
    skew: float = 0.0,
    noise: float = 0.0,
    seed: int = 0,
    colour: bool = True,
) -> Image.Image:
    """An A4 first page at ``dpi`` with the header layout of NĐ 30 / HD 36."""
    mm = dpi / 25.4
    width, height = round(210 * mm), round(297 * mm)
    page = Image.new("RGB", (width, height), (252, 251, 247))
    draw = ImageDraw.Draw(page)
    pt = dpi / 72
    regular, bold = _font(round(13 * pt)), _font(round(13 * pt), bold=True)
    small_bold = _font(round(12 * pt), bold=True, condensed=True)
    italic = _font(round(13 * pt), italic=True, condensed=True)
    title = _font(round(15 * pt), bold=True)
    left_x = round(30 * mm)
    left_mid, right_mid = round(58 * mm), round(145 * mm)
    ink = (20, 20, 20)
    red = (200, 30, 30) if colour else (60, 60, 60)

    def centre(x: int, y: int, text: str, font: ImageFont.FreeTypeFont, fill: tuple = ink) -> int:
        w = draw.textlength(text, font=font)
        draw.text((x - w / 2, y), text, font=font, fill=fill)
        return y + round(font.size * 1.35)

    y0 = round(20 * mm)
    yl = y0
    if sample.layout == "party":
        yr = centre(right_mid, y0, "ĐẢNG CỘNG SẢN VIỆT NAM", bold)
        yl = centre(left_mid, yl, sample.issuer_parent, regular)
        yl = centre(left_mid, yl, sample.issuer, bold)
        yl = centre(left_mid, yl, "*", regular)
        yl = centre(left_mid, yl, sample.number_line, regular)
        yr = centre(right_mid, yr + round(3 * mm), sample.date_line, italic)
    else:
        yr = centre(right_mid, y0, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", small_bold)
        yr = centre(right_mid, yr, "Độc lập - Tự do - Hạnh phúc", bold)
        if sample.issuer_parent:
            yl = centre(left_mid, yl, sample.issuer_parent, regular)
        for part in _wrap(sample.issuer, 26):
            yl = centre(left_mid, yl, part, small_bold)
        yl = centre(left_mid, yl + round(2 * mm), sample.number_line, regular)
        yr = centre(right_mid, yr + round(4 * mm), sample.date_line, italic)
    y = max(yl, yr) + round(4 * mm)
    if sample.type_code == "CV":
        # Công văn: no title line; the trích yếu "V/v ..." sits under the number (NĐ 30 Phụ lục I).
        for part in _wrap(sample.summary, 34):
            y = centre(left_mid, y, part, _font(round(12 * pt)))
    else:
        y = centre(width // 2, y + round(4 * mm), sample.type_title, title)
        for part in _wrap(sample.summary, 60):
            y = centre(width // 2, y, part, bold)
    marks = [m for m in (_SECRECY_MARK.get(sample.secrecy), _URGENCY_MARK.get(sample.urgency)) if m]
    my = y + round(3 * mm)
    for mark in marks:
        draw.rectangle(
            (left_x, my, left_x + draw.textlength(mark, font=bold) + 20, my + bold.size + 16),
            outline=red,
            width=3,
        )
        draw.text((left_x + 10, my + 6), mark, font=bold, fill=red)
        my += bold.size + 30
    y = max(y, my) + round(8 * mm)
    for line in sample.body:
        for part in _wrap(line, 75):
            draw.text((left_x + round(10 * mm), y), part, font=regular, fill=ink)
            y += round(regular.size * 1.5)
    if skew:
        page = page.rotate(
            skew, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=(252, 251, 247)
        )
    if noise:
        rng = random.Random(seed)
        px = page.load()
        assert px is not None
        for _ in range(int(width * height * noise)):
            x, yy = rng.randrange(width), rng.randrange(height)
            v = rng.randrange(0, 120)
            px[x, yy] = (v, v, v)
    if not colour:
        page = page.convert("L")
    return page


def _wrap(text: str, limit: int) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > limit:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        lines.append(line)
    return lines


def save(image: Image.Image, path: Path, *, dpi: int = 200) -> Path:
    image.save(path, dpi=(dpi, dpi))
    return path


def blank_page(*, dpi: int = 200) -> Image.Image:
    mm = dpi / 25.4
    return Image.new("RGB", (round(210 * mm), round(297 * mm)), (250, 250, 248))


def word_accuracy(reference: str, ocr_text: str, *, folded: bool = False) -> float:
    """Share of reference words found by OCR, in order (a word-level LCS over the reference).

    ``folded``: compare without diacritics (đ→d), to tell lost tone marks from lost words.
    """
    import unicodedata

    from vanthu.core.text import fold

    def words(text: str) -> list[str]:
        text = unicodedata.normalize("NFC", text).replace("-", " - ")
        return (fold(text) if folded else text).split()

    ref, hyp = words(reference), words(ocr_text)
    if not ref:
        return 1.0
    previous = [0] * (len(hyp) + 1)
    for r in ref:
        current = [0]
        for j, h in enumerate(hyp, start=1):
            current.append(previous[j - 1] + 1 if r == h else max(previous[j], current[j - 1]))
        previous = current
    return previous[-1] / len(ref)
