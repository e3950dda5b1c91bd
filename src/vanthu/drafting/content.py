"""What a template prints, filled from an outgoing draft's fields (registry.Document).

A draft not yet issued has neither number nor date: the template leaves them blank
(“Số    -NQ/TU”, “ngày    tháng    năm 2026”), as offices print drafts for signature; the
checker accepts those blanks.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from vanthu.core.enums import Secrecy, Urgency
from vanthu.drafting.layouts import FAMILIES, PARTY, Family, TypeLayout, type_layout
from vanthu.orgs.models import Organization, User
from vanthu.registry.models import Direction, Document, Register

PLACE_BLANK = "……………"
BODY_PLACEHOLDER = "(Nội dung văn bản)"


@dataclass
class Draft:
    family: Family
    kind: TypeLayout
    superior: str
    issuer: str
    number_line: str
    date_line: str
    title: str
    summary: str
    authority: str
    position: str
    signer: str
    recipients: list[str]
    marks: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=lambda: [BODY_PLACEHOLDER])


def date_words(on: datetime.date | None, *, year: int) -> str:
    """“ngày 05 tháng 01 năm 2026”: a day below 10 and the months 1 and 2 take a leading zero
    (NĐ 30/2020 Phụ lục I); a draft's unknown date is left blank for the clerk."""
    if on is None:
        return f"ngày     tháng     năm {year}"
    month = f"{on.month:02d}" if on.month < 3 else str(on.month)
    return f"ngày {on.day:02d} tháng {month} năm {on.year}"


def _family_of(document: Document, requested: str | None) -> Family:
    if requested in FAMILIES:
        return FAMILIES[requested]
    register = document.register
    if register is None:
        register = Register.objects.filter(
            organization=document.organization,
            direction=Direction.OUTGOING,
            is_default=True,
        ).first()
    if register is not None and register.symbol_format == Register.SymbolFormat.STATE:
        return FAMILIES["state"]
    # Outgoing registers number in the Party style by default (registry.numbering).
    return PARTY


def _names(org: Organization) -> tuple[str, str]:
    """(superior body, issuer), upper case: “THÀNH ỦY” over “VĂN PHÒNG” for the Văn phòng
    Thành ủy; the issuer alone for a body with no parent."""
    parent = org.parent
    if parent is None:
        return "", org.name.upper()
    name = org.name
    if name.casefold().endswith(parent.name.casefold()) and len(name) > len(parent.name):
        name = name[: -len(parent.name)].strip()
    return parent.name.upper(), name.upper()


def _number_line(document: Document, family: Family) -> str:
    org, kind = document.organization, document.document_type
    if family.code == "party":
        if document.number_symbol:
            return f"Số {document.number_symbol}"
        return f"Số      -{kind.symbol_part}/{org.symbol}"
    if document.number_symbol:
        return f"Số: {document.number_symbol}"
    return f"Số:      /{kind.symbol_part}-{org.symbol}"


def _authority(org: Organization, family: Family, issuer: str) -> str:
    text = family.authority.get(org.kind, "")
    if family.code == "party" and org.kind == "grassroots" and org.name.startswith("Chi bộ"):
        text = "T/M CHI BỘ"
    return text.format(issuer=issuer)


def _position(document: Document) -> str:
    title = (
        User.objects.filter(
            full_name=document.signer, positions__organization=document.organization
        )
        .exclude(position_title="")
        .values_list("position_title", flat=True)
        .first()
    )
    return (title or "").upper()


def _retain_line(org: Organization, family: Family) -> str:
    if family.code == "state":
        return "- Lưu: VT."
    # domain.md §2.4: “Lưu Văn phòng Tỉnh ủy.” at committee level, “Lưu Chi bộ.” below.
    if org.kind == "committee":
        return f"- Lưu Văn phòng {org.name}."
    if org.name.startswith("Chi bộ"):
        return "- Lưu Chi bộ."
    return f"- Lưu {org.name}."


def _summary(document: Document, kind: TypeLayout) -> str:
    text = " ".join(document.summary.split())
    if kind.summary_as_vv:
        if text.lower().startswith(("v/v", "về việc")):
            return text
        # “V/v” already says “về việc”: “về tăng cường …” is printed “V/v tăng cường …”.
        if text.lower().startswith("về "):
            text = text[3:].lstrip()
        return f"V/v {text[:1].lower()}{text[1:]}" if text else "V/v ……"
    return text


def build(document: Document, *, family: str | None = None, place: str = "") -> Draft:
    """The fields of the template for ``document`` (an outgoing document already checked
    visible to the reader)."""
    if document.direction != Direction.OUTGOING:
        raise ValueError("templates are made only for văn bản đi")
    fam = _family_of(document, family)
    org = document.organization
    kind = type_layout(document.document_type.code, document.document_type.name)
    superior, issuer = _names(org)
    year = (document.issued_date or timezone.localdate()).year
    date_line = f"{place.strip() or PLACE_BLANK}, {date_words(document.issued_date, year=year)}"
    marks = []
    if document.secrecy != Secrecy.NONE:
        marks.append(str(Secrecy(document.secrecy).label).upper())
    if document.urgency != Urgency.NORMAL:
        marks.append(str(Urgency(document.urgency).label).upper())
    recipients = [
        f"- {r.name or r.organization}," for r in document.recipients.select_related("organization")
    ]
    recipients.append(_retain_line(org, fam))
    return Draft(
        family=fam,
        kind=kind,
        superior=superior,
        issuer=issuer,
        number_line=_number_line(document, fam),
        date_line=date_line,
        title=kind.title,
        summary=_summary(document, kind),
        authority=_authority(org, fam, issuer),
        position=_position(document),
        signer=document.signer,
        recipients=recipients,
        marks=marks,
    )
