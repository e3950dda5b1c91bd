"""Turning one register row into an (unsaved) Document, or the reasons it is refused."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.utils import timezone

from vanthu.core.enums import Secrecy
from vanthu.core.text import fold
from vanthu.legacy.columns import FIELD_LABELS
from vanthu.legacy.values import (
    ColumnDecoder,
    DateError,
    is_classified,
    parse_date,
    parse_int,
    parse_symbol,
)
from vanthu.orgs.models import DocumentType, Organization
from vanthu.registry.models import ALL_TYPES, Channel, Direction, Document, Status

TEXT_FIELDS = {
    "sender", "number_symbol", "summary", "document_type", "recipient", "recipients",
    "signer", "secrecy", "notes",
}  # fmt: skip
# The default type of a register row that names none: old registers' "V/v …" entries are
# công văn (NĐ 30 Phụ lục I: công văn has no type word in its symbol).
DEFAULT_TYPE = "CV"
DATE_CACHE = 100_000
_MISSING: Any = object()
# Issuers and type names repeat on every page of a register: folded once each.
_fold = lru_cache(maxsize=1 << 14)(fold)


def _fold_symbol(text: str) -> str:
    """fold() of a số, ký hiệu, unique per row: printable ASCII (most symbols) only needs
    lower-casing, since fold() changes nothing else there."""
    return text.lower() if text.isascii() and text.isprintable() else fold(text)


@dataclass
class RowOutcome:
    row: int
    document: Document | None
    reasons: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    number_symbol: str = ""
    date: datetime.date | None = None
    summary: str = ""

    @property
    def taken(self) -> bool:
        return self.document is not None


class Catalogue:
    """What rows are matched against: document types and known organisations."""

    def __init__(self) -> None:
        types = list(DocumentType.objects.filter(active=True))
        self.by_code = {t.code: t for t in types}
        self.by_name = {fold(t.name): t for t in types}
        self.names_longest_first = sorted(self.by_name, key=len, reverse=True)
        self.by_abbreviation: dict[tuple[str, str], DocumentType] = {}
        for style in ("party", "state"):
            for t in sorted(types, key=lambda t: t.family == "both"):
                if t.family in (style, "both"):
                    for key in (t.symbol_part.upper(), fold(t.symbol_part)):
                        self.by_abbreviation.setdefault((style, key), t)
        self.orgs = {fold(name): pk for pk, name in Organization.objects.values_list("pk", "name")}

    def type_named(self, text: str) -> DocumentType | None:
        return self.by_code.get(text) or self.by_name.get(_fold(text))

    def type_abbreviated(self, abbreviation: str, style: str) -> DocumentType | None:
        style = style or "state"
        return self.by_abbreviation.get((style, abbreviation.upper())) or self.by_abbreviation.get(
            (style, fold(abbreviation))
        )

    def type_leading(self, summary: str) -> DocumentType | None:
        folded = fold(summary)
        if folded.startswith(("v/v", "ve viec")):
            return self.by_code.get(DEFAULT_TYPE)
        for name in self.names_longest_first:
            if folded == name or folded.startswith(name + " "):
                return self.by_name[name]
        return None


class RowBuilder:
    def __init__(
        self,
        *,
        organization: Organization,
        direction: str,
        mapping: dict[str, int],
        catalogue: Catalogue,
        source_name: str,
        today: datetime.date,
    ) -> None:
        self.organization = organization
        self.direction = direction
        self.mapping = {f: i for f, i in mapping.items() if i >= 0}
        self.catalogue = catalogue
        self.source_name = source_name
        self.today = today
        self.decoders = {f: ColumnDecoder() for f in self.mapping if f in TEXT_FIELDS}
        self.encodings: Counter[str] = Counter()
        self._dates: dict[tuple[type, Any], datetime.date | str | None] = {}
        self._midnight: dict[datetime.date, datetime.datetime] = {}

    def _cell(self, values: Sequence[Any], name: str) -> Any:
        index = self.mapping.get(name)
        return values[index] if index is not None and index < len(values) else None

    def _text(self, values: Sequence[Any], name: str) -> str:
        decoder = self.decoders.get(name)
        if decoder is None:
            return ""
        text, encoding = decoder(self._cell(values, name))
        self.encodings[encoding] += 1
        return text

    def _parsed_date(self, raw: Any) -> datetime.date | str | None:
        """parse_date of ``raw``, or its error message; a register repeats each day's date, so
        each distinct cell value is parsed once (up to DATE_CACHE values)."""
        key = (type(raw), raw)
        found = self._dates.get(key, _MISSING)
        if found is _MISSING:
            try:
                found = parse_date(raw, today=self.today)
            except DateError as exc:
                found = str(exc)
            if len(self._dates) < DATE_CACHE:
                self._dates[key] = found
        return found

    def _date(self, values: Sequence[Any], name: str, reasons: list[str]) -> datetime.date | None:
        found = self._parsed_date(self._cell(values, name))
        if isinstance(found, str):
            reasons.append(f"{FIELD_LABELS[name]}: {found}")
            return None
        if found is not None and found > self.today:
            reasons.append(f"{FIELD_LABELS[name]} {found:%d/%m/%Y} ở tương lai.")
        return found

    def _int(self, values: Sequence[Any], name: str, problems: list[str]) -> int | None:
        raw = self._cell(values, name)
        try:
            return parse_int(raw)
        except ValueError:
            problems.append(f"{FIELD_LABELS[name]} “{raw}” không phải là số.")
            return None

    def build(self, number: int, values: Sequence[Any], hidden: bool) -> RowOutcome:
        reasons: list[str] = []
        notes: list[str] = []
        incoming = self.direction == Direction.INCOMING
        t = {name: self._text(values, name) for name in self.decoders}
        summary = t.get("summary", "")
        symbol = t.get("number_symbol", "")
        outcome = RowOutcome(row=number, document=None, number_symbol=symbol, summary=summary)
        if hidden:
            notes.append("Dòng ẩn trong tệp, vẫn được nhập.")
        if not summary:
            reasons.append("Thiếu trích yếu.")
        if t.get("secrecy") and is_classified(t["secrecy"]):
            # Luật BVBMNN 2018: classified entries go to the sổ mật by the clerk, by hand.
            reasons.append("Văn bản mật: không nhập từ tệp, vào sổ mật theo quy trình riêng.")
        issued = self._date(values, "issued_date", reasons)
        parsed_number, abbreviation, _issuer, style = parse_symbol(symbol)
        if incoming:
            doc_number = self._int(values, "arrival_number", reasons)
            received = self._date(values, "received_date", reasons)
            if received is None and issued is not None and "received_date" not in self.mapping:
                notes.append("Không có ngày đến: lấy ngày văn bản.")
            on = received or issued
            if received and issued and received < issued:
                reasons.append("Ngày đến trước ngày của văn bản.")
        else:
            doc_number = parsed_number
            on = issued
        if on is None and not any("Ngày" in r or "ngày" in r for r in reasons):
            reasons.append("Thiếu ngày đến và ngày văn bản." if incoming else "Thiếu ngày văn bản.")
        page_count = (
            self._int(values, "page_count", notes) if "page_count" in self.mapping else None
        )
        doc_type = None
        if t.get("document_type"):
            doc_type = self.catalogue.type_named(t["document_type"])
        if doc_type is None and abbreviation:
            doc_type = self.catalogue.type_abbreviated(abbreviation, style)
        if doc_type is None and summary:
            doc_type = self.catalogue.type_leading(summary)
        if doc_type is None:
            doc_type = self.catalogue.by_code.get(DEFAULT_TYPE)
            notes.append("Không rõ tên loại: ghi là Công văn.")
        outcome.date = on
        if reasons or doc_type is None or on is None:
            outcome.reasons = reasons
            outcome.notes = notes
            return outcome
        sender = t.get("sender", "")
        sender_org = self.catalogue.orgs.get(_fold(sender)) if sender else None
        extra = [f"Nhập từ sổ cũ: {self.source_name}, dòng {number}."]
        if t.get("recipient"):
            extra.append(f"Đơn vị, người nhận: {t['recipient']}.")
        if t.get("recipients"):
            extra.append(f"Nơi nhận: {t['recipients']}.")
        if "copies" in self.mapping and self._cell(values, "copies") not in (None, ""):
            copies = self._int(values, "copies", notes)
            if copies is not None:
                extra.append(f"Số lượng bản: {copies}.")
        if t.get("notes"):
            extra.append(t["notes"])
        received_at = None
        if incoming:
            received_at = self._midnight.get(on)
            if received_at is None:
                received_at = timezone.make_aware(datetime.datetime.combine(on, datetime.time()))
                self._midnight[on] = received_at
        outcome.document = Document(
            direction=self.direction,
            organization=self.organization,
            number=doc_number,
            period_key=str(on.year),
            counter_type_key=ALL_TYPES if incoming else doc_type.pk,
            number_symbol=symbol[:100],
            document_type=doc_type,
            issued_date=issued,
            summary=summary,
            signer=t.get("signer", "")[:150],
            secrecy=Secrecy.NONE,
            received_at=received_at,
            page_count=page_count,
            channel=Channel.PAPER,
            sender=sender[:255] if incoming else "",
            sender_organization_id=sender_org if incoming else None,
            status=Status.DONE if incoming else Status.ISSUED,
            notes="\n".join(extra),
        )
        outcome.notes = notes
        return outcome

    def duplicate_key(self, document: Document) -> tuple[str, str, str] | None:
        """Same số, ký hiệu + issuer + date: the same document registered twice."""
        if not document.number_symbol:
            return None
        return (
            _fold_symbol(document.number_symbol).replace(" ", ""),
            _fold(document.sender),
            document.issued_date.isoformat() if document.issued_date else "",
        )
