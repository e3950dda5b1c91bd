"""The official layouts as data: page, margins, fonts and sizes of each element, per family
(Party: 36-HD/VPTW; state: NĐ 30/2020/NĐ-CP Phụ lục I), and how each document type is titled.

Both the renderers and the format checker read these tables, so a template and the check of a
draft can never disagree. Values tagged [M] in docs/domain.md (Party sizes, HD 36 margins) are
our best reading and live here, in one place, to be changed when the customer's text says
otherwise (docs/drafting.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field

A4_MM = (210.0, 297.0)
# The one typeface of the rules (TCVN 6909:2001 Unicode, Times New Roman).
OFFICIAL_FONT = "Times New Roman"


@dataclass(frozen=True)
class Element:
    """One printed element: the size we print, the sizes the rule allows, and its style."""

    size: float
    low: float
    high: float
    bold: bool = False
    italic: bool = False
    underline: bool = False


@dataclass(frozen=True)
class Family:
    code: str
    name: str
    # The citations the checker's findings quote.
    rule: str
    rule_margins: str
    rule_font: str
    rule_heading: str
    rule_issuer: str
    rule_number: str
    rule_date: str
    rule_title: str
    rule_signature: str
    rule_recipients: str
    # Printed margins (mm) and the range each side may take: top, bottom, left, right.
    margins: tuple[float, float, float, float]
    margin_ranges: tuple[tuple[float, float], ...]
    elements: dict[str, Element] = field(default_factory=dict)
    # Signature authority line by organisation kind (core.enums.OrgKind), "" for none.
    authority: dict[str, str] = field(default_factory=dict)


NĐ30 = "NĐ 30/2020/NĐ-CP, Phụ lục I"
HD36 = "36-HD/VPTW"

PARTY = Family(
    code="party",
    name="Văn bản của Đảng",
    rule=HD36,
    rule_margins=f"{HD36} (định lề trang; theo 05-HD/VPTW: trên 20, dưới 20, trái 30, phải 15 mm)",
    rule_font=f"{HD36} (phông chữ Times New Roman, bộ mã Unicode TCVN 6909:2001)",
    rule_heading=f"{HD36} (tiêu đề “ĐẢNG CỘNG SẢN VIỆT NAM”, góc phải, có gạch dưới)",
    rule_issuer=f"{HD36} (tên cơ quan ban hành, dấu sao “*” phía dưới)",
    rule_number=f"{HD36} (số và ký hiệu: “Số 05-NQ/TU”, không có dấu hai chấm)",
    rule_date=f"{HD36} (địa danh và ngày, tháng, năm ban hành)",
    rule_title=f"{HD36} (tên loại và trích yếu nội dung)",
    rule_signature=f"{HD36} (quyền hạn, chức vụ, họ tên và chữ ký: T/M, K/T, T/L)",
    rule_recipients=f"{HD36} (nơi nhận, dòng cuối “Lưu …”)",
    margins=(20.0, 20.0, 30.0, 15.0),
    margin_ranges=((20.0, 25.0), (20.0, 25.0), (30.0, 35.0), (15.0, 20.0)),
    elements={
        "heading": Element(15, 14, 15, bold=True, underline=True),
        "superior": Element(14, 12, 14),
        "issuer": Element(14, 12, 14, bold=True),
        "number": Element(14, 13, 14),
        "vv": Element(12, 11, 12, italic=True),
        "marks": Element(13, 13, 14, bold=True),
        "date": Element(14, 13, 14, italic=True),
        "title": Element(15, 14, 16, bold=True),
        "summary": Element(14, 14, 15, bold=True),
        "body": Element(14, 13, 14),
        "authority": Element(14, 13, 14, bold=True),
        "signer": Element(14, 13, 14, bold=True),
        "recipients_label": Element(14, 12, 14, underline=True),
        "recipients": Element(12, 11, 12),
    },
    authority={
        "committee": "T/M BAN THƯỜNG VỤ",
        "grassroots": "T/M ĐẢNG ỦY",
        "agency": "",
        "department": "",
    },
)

STATE = Family(
    code="state",
    name="Văn bản nhà nước",
    rule=NĐ30,
    rule_margins=f"{NĐ30} (định lề trang: trên, dưới 20–25 mm; trái 30–35 mm; phải 15–20 mm)",
    rule_font=f"{NĐ30} (phông chữ Times New Roman, bộ mã Unicode TCVN 6909:2001, màu đen)",
    rule_heading=f"{NĐ30} (Quốc hiệu và Tiêu ngữ)",
    rule_issuer=f"{NĐ30} (tên cơ quan, tổ chức ban hành văn bản)",
    rule_number=f"{NĐ30} (số, ký hiệu: “Số: 05/QĐ-UBND”; số nhỏ hơn 10 ghi thêm số 0)",
    rule_date=f"{NĐ30} (địa danh và thời gian ban hành văn bản)",
    rule_title=f"{NĐ30} (tên loại và trích yếu nội dung văn bản)",
    rule_signature=f"{NĐ30} (chức vụ, họ tên và chữ ký của người có thẩm quyền)",
    rule_recipients=f"{NĐ30} (nơi nhận; dòng cuối “Lưu: VT, …”)",
    margins=(20.0, 20.0, 30.0, 15.0),
    margin_ranges=((20.0, 25.0), (20.0, 25.0), (30.0, 35.0), (15.0, 20.0)),
    elements={
        "heading": Element(13, 12, 13, bold=True),
        "motto": Element(14, 13, 14, bold=True, underline=True),
        "superior": Element(13, 12, 13),
        "issuer": Element(13, 12, 13, bold=True),
        "number": Element(13, 13, 13),
        "vv": Element(12, 12, 13),
        "marks": Element(13, 13, 14, bold=True),
        "date": Element(14, 13, 14, italic=True),
        "title": Element(14, 13, 14, bold=True),
        "summary": Element(14, 13, 14, bold=True),
        "body": Element(14, 13, 14),
        "authority": Element(14, 13, 14, bold=True),
        "signer": Element(14, 13, 14, bold=True),
        "recipients_label": Element(12, 12, 12, bold=True, italic=True),
        "recipients": Element(11, 11, 11),
    },
    authority={"committee": "TM. {issuer}", "grassroots": "TM. {issuer}"},
)

FAMILIES = {PARTY.code: PARTY, STATE.code: STATE}

# Every size any rule allows anywhere on the page (Nơi nhận 11 … tên loại 16).
ALL_SIZES = (11.0, 16.0)
PARTY_HEADING = "ĐẢNG CỘNG SẢN VIỆT NAM"
STATE_HEADING = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
STATE_MOTTO = "Độc lập - Tự do - Hạnh phúc"


@dataclass(frozen=True)
class TypeLayout:
    """How a document type is titled: a named type prints its name above the trích yếu;
    a công văn prints no name and puts “V/v …” under its number."""

    code: str
    title: str
    summary_as_vv: bool = False
    # The short word that leads the trích yếu line under a named type, if the summary lacks one.
    summary_lead: str = "về"


TYPES: dict[str, TypeLayout] = {
    t.code: t
    for t in (
        TypeLayout("NQ", "NGHỊ QUYẾT"),
        TypeLayout("QĐ", "QUYẾT ĐỊNH"),
        TypeLayout("CT", "CHỈ THỊ"),
        TypeLayout("KL", "KẾT LUẬN"),
        TypeLayout("QC", "QUY CHẾ"),
        TypeLayout("QĐi", "QUY ĐỊNH"),
        TypeLayout("QyĐ", "QUY ĐỊNH"),
        TypeLayout("TTri", "THÔNG TRI"),
        TypeLayout("HD", "HƯỚNG DẪN"),
        TypeLayout("TB", "THÔNG BÁO"),
        TypeLayout("BC", "BÁO CÁO"),
        TypeLayout("KH", "KẾ HOẠCH"),
        TypeLayout("CTr", "CHƯƠNG TRÌNH"),
        TypeLayout("ĐA", "ĐỀ ÁN"),
        TypeLayout("TTr", "TỜ TRÌNH"),
        TypeLayout("CV", "", summary_as_vv=True),
    )
}


def type_layout(code: str, name: str) -> TypeLayout:
    """The layout of a type; a type without its own row prints its name in capitals."""
    return TYPES.get(code) or TypeLayout(code, name.upper())
