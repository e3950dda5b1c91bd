"""edXML messages (QCVN 102:2016, domain.md §7.2–7.3): build, parse safely, validate.

Pure functions over plain data: nothing here touches the database. Every message we build and
every message we parse is validated against our own schema (``schema/edxml.xsd``), so what we
send and what we accept are the same language. Parsing refuses DTDs and entities outright (an
"XML bomb" is stopped before lxml sees it), never touches the network and has a size limit.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from lxml import etree

from vanthu.exchange.safexml import NS, EdxmlError, safe_parse, validate

XLINK = "http://www.w3.org/1999/xlink"
E = f"{{{NS}}}"
NSMAP = {"edXML": NS, "xlink": XLINK}

# Bussiness.BussinessDocType (domain.md §7.2).
NEW, RECALL, UPDATE, REPLACE = 0, 1, 2, 3
BUSINESS_TYPES = {
    NEW: "Văn bản mới",
    RECALL: "Thu hồi",
    UPDATE: "Cập nhật",
    REPLACE: "Thay thế",
}

# Status codes (domain.md §7.3) with their Vietnamese descriptions.
STATUS_CODES = {
    "01": "Đã đến",
    "02": "Từ chối tiếp nhận",
    "03": "Đã tiếp nhận",
    "04": "Phân công",
    "05": "Đang xử lý",
    "06": "Hoàn thành",
    "13": "Yêu cầu lấy lại",
    "15": "Đồng ý lấy lại, cập nhật",
    "16": "Từ chối lấy lại, cập nhật",
}

# OtherInfo.Priority: 0 Thường, 1 Khẩn, 2 Thượng khẩn, 3 Hỏa tốc (4 Hỏa tốc hẹn giờ).
PRIORITY = {"normal": 0, "urgent": 1, "very_urgent": 2, "flash": 3}
PRIORITY_CODES = {v: k for k, v in PRIORITY.items()} | {4: "flash"}


@dataclass
class Organ:
    organ_id: str
    name: str
    in_charge: str = ""
    address: str = ""
    email: str = ""
    telephone: str = ""
    website: str = ""


@dataclass
class Attachment:
    name: str
    content_type: str
    data: bytes
    content_id: str
    description: str = ""

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass
class ResponseFor:
    organ_id: str
    code: str
    promulgation_date: datetime.date
    document_id: str


@dataclass
class Package:
    """One edXML document message: MessageHeader 1.1–1.14, trace, business, attachments."""

    sender: Organ
    recipients: list[Organ]
    code_number: str
    code_notation: str
    promulgation_date: datetime.date
    type_code: str
    type_name: str
    subject: str
    place: str = ""
    content: str = ""
    signer_competence: str = ""
    signer_position: str = ""
    signer_name: str = ""
    due_date: datetime.date | None = None
    to_places: list[str] = field(default_factory=list)
    priority: int = 0
    page_amount: int | None = None
    promulgation_amount: int | None = None
    secrecy: int = 0
    steering_type: int = 0
    response_for: ResponseFor | None = None
    business_type: int = NEW
    business_reason: str = ""
    business_document_id: str = ""
    paper: bool = False
    traces: list[tuple[str, datetime.datetime]] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    # Set by ``parse_package``: SHA-256 of what identifies the document (see content_hash).
    content_hash: str = ""

    @property
    def document_id(self) -> str:
        return document_id(
            self.sender.organ_id, self.promulgation_date, self.code_number, self.code_notation
        )


@dataclass
class StatusMessage:
    sender: Organ
    response_for: ResponseFor
    code: str
    description: str
    timestamp: datetime.datetime
    department: str = ""
    staff: str = ""


def ed_date(value: datetime.date) -> str:
    return value.strftime("%Y/%m/%d")


def parse_ed_date(text: str) -> datetime.date:
    try:
        return datetime.datetime.strptime(text, "%Y/%m/%d").date()
    except ValueError as exc:
        raise EdxmlError(_("Ngày “%s” không hợp lệ (phải là YYYY/MM/DD).") % text) from exc


def document_id(organ_id: str, date: datetime.date, number: str, notation: str) -> str:
    """QCVN 102:2016 1.14: ``OrganId,YYYY/MM/DD,Number/Notation``."""
    return f"{organ_id},{ed_date(date)},{number}/{notation}"


def parse_document_id(value: str) -> tuple[str, datetime.date, str, str]:
    """(OrganId, date, number, notation) of a DocumentId, or ``EdxmlError``."""
    parts = value.split(",", 2)
    if len(parts) != 3 or "/" not in parts[2]:
        raise EdxmlError(
            _("DocumentId “%s” không đúng dạng OrganId,YYYY/MM/DD,Số/Ký hiệu.") % value
        )
    number, notation = parts[2].split("/", 1)
    return parts[0], parse_ed_date(parts[1]), number, notation


# --- building --------------------------------------------------------------------------------


def _sub(parent: etree._Element, name: str, text: str | int | None = None) -> etree._Element:
    el = etree.SubElement(parent, E + name)
    if text is not None:
        el.text = str(text)
    return el


def _organ(parent: etree._Element, name: str, organ: Organ) -> None:
    el = _sub(parent, name)
    _sub(el, "OrganId", organ.organ_id)
    _sub(el, "OrganizationInCharge", organ.in_charge)
    _sub(el, "OrganName", organ.name)
    _sub(el, "OrganAdd", organ.address)
    _sub(el, "Email", organ.email)
    _sub(el, "Telephone", organ.telephone)
    _sub(el, "Website", organ.website)


def _response_for(parent: etree._Element, rf: ResponseFor) -> None:
    el = _sub(parent, "ResponseFor")
    _sub(el, "OrganId", rf.organ_id)
    _sub(el, "Code", rf.code)
    _sub(el, "PromulgationDate", ed_date(rf.promulgation_date))
    _sub(el, "DocumentId", rf.document_id)


def _serialize(root: etree._Element) -> bytes:
    validate(root)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def build_package_xml(p: Package) -> bytes:
    root = etree.Element(E + "edXML", nsmap=NSMAP)
    envelope = _sub(root, "edXMLEnvelope")
    header = _sub(envelope, "edXMLHeader")
    mh = _sub(header, "MessageHeader")
    _organ(mh, "From", p.sender)  # 1.1
    for to in p.recipients:  # 1.2
        _organ(mh, "To", to)
    code = _sub(mh, "Code")  # 1.3
    _sub(code, "CodeNumber", p.code_number)
    _sub(code, "CodeNotation", p.code_notation)
    info = _sub(mh, "PromulgationInfo")  # 1.4
    _sub(info, "Place", p.place)
    _sub(info, "PromulgationDate", ed_date(p.promulgation_date))
    dtype = _sub(mh, "DocumentType")  # 1.5
    _sub(dtype, "Type", p.type_code)
    _sub(dtype, "TypeName", p.type_name)
    _sub(mh, "Subject", p.subject)  # 1.6
    _sub(mh, "Content", p.content)  # 1.7
    signer = _sub(mh, "SignerInfo")  # 1.8
    _sub(signer, "Competence", p.signer_competence)
    _sub(signer, "Position", p.signer_position)
    _sub(signer, "FullName", p.signer_name)
    if p.due_date is not None:  # 1.9
        _sub(mh, "DueDate", ed_date(p.due_date))
    places = _sub(mh, "ToPlaces")  # 1.10
    for place in p.to_places:
        _sub(places, "Place", place)
    other = _sub(mh, "OtherInfo")  # 1.11
    _sub(other, "Priority", p.priority)
    if p.promulgation_amount is not None:
        _sub(other, "PromulgationAmount", p.promulgation_amount)
    if p.page_amount is not None:
        _sub(other, "PageAmount", p.page_amount)
    _sub(other, "Secrecy", p.secrecy)
    if p.response_for is not None:  # 1.12
        _response_for(mh, p.response_for)
    _sub(mh, "SteeringType", p.steering_type)  # 1.13
    _sub(mh, "DocumentId", p.document_id)  # 1.14
    trace_list = _sub(header, "TraceHeaderList")
    for organ_id, when in p.traces:
        trace = _sub(trace_list, "TraceHeader")
        _sub(trace, "OrganId", organ_id)
        _sub(trace, "Timestamp", when.isoformat(timespec="seconds"))
    business = _sub(trace_list, "Bussiness")
    _sub(business, "BussinessDocType", p.business_type)
    _sub(business, "BussinessDocReason", p.business_reason)
    if p.business_document_id:
        _sub(business, "DocumentId", p.business_document_id)
    _sub(business, "Paper", 1 if p.paper else 0)
    body = _sub(envelope, "edXMLBody")
    manifest = _sub(body, "edXMLManifest")
    manifest.set("version", "1.0")
    encoded = _sub(root, "AttachmentEncoded")
    for a in p.attachments:
        ref = _sub(manifest, "Reference")
        ref.set(f"{{{XLINK}}}href", f"cid:{a.content_id}")
        _sub(ref, "Description", a.description)
        _sub(ref, "AttachmentName", a.name)
        _sub(ref, "ContentType", a.content_type)
        _sub(ref, "ContentId", a.content_id)
        _sub(ref, "Sha256", a.sha256)
        att = _sub(encoded, "Attachment")
        _sub(att, "ContentType", a.content_type)
        _sub(att, "ContentId", a.content_id)
        _sub(att, "Description", a.description)
        _sub(att, "AttachmentName", a.name)
        _sub(att, "ContentTransferEncoded", base64.b64encode(a.data).decode("ascii"))
    return _serialize(root)


def build_status_xml(s: StatusMessage) -> bytes:
    root = etree.Element(E + "Status", nsmap={"edXML": NS})
    header = _sub(root, "Header")
    _organ(header, "From", s.sender)
    _response_for(header, s.response_for)
    staff = _sub(header, "StaffInfo")
    _sub(staff, "Department", s.department)
    _sub(staff, "Staff", s.staff)
    _sub(header, "StatusCode", s.code)
    _sub(header, "Description", s.description)
    _sub(header, "Timestamp", s.timestamp.isoformat(timespec="seconds"))
    return _serialize(root)


# --- parsing ---------------------------------------------------------------------------------


def _text(el: etree._Element, path: str) -> str:
    found = el.find("/".join(f"edXML:{step}" for step in path.split("/")), NSMAP)
    return (found.text or "").strip() if found is not None else ""


def _parse_organ(el: etree._Element) -> Organ:
    return Organ(
        organ_id=_text(el, "OrganId"),
        name=_text(el, "OrganName"),
        in_charge=_text(el, "OrganizationInCharge"),
        address=_text(el, "OrganAdd"),
        email=_text(el, "Email"),
        telephone=_text(el, "Telephone"),
        website=_text(el, "Website"),
    )


def _parse_response_for(el: etree._Element) -> ResponseFor:
    return ResponseFor(
        organ_id=_text(el, "OrganId"),
        code=_text(el, "Code"),
        promulgation_date=parse_ed_date(_text(el, "PromulgationDate")),
        document_id=_text(el, "DocumentId"),
    )


def _optional_int(text: str) -> int | None:
    return int(text) if text else None


def _parse_dt(text: str) -> datetime.datetime:
    when = datetime.datetime.fromisoformat(text)
    if when.tzinfo is None:
        raise EdxmlError(_("Thời điểm “%s” phải có múi giờ.") % text)
    return when


def parse_package(data: bytes) -> Package:
    """Parse and check an edXML document message; raise ``EdxmlError`` with a clear reason."""
    root = safe_parse(data)
    if etree.QName(root).localname != "edXML":
        raise EdxmlError(_("Đây không phải gói văn bản edXML (phần tử gốc phải là edXML)."))
    validate(root)
    mh = root.find("edXML:edXMLEnvelope/edXML:edXMLHeader/edXML:MessageHeader", NSMAP)
    trace_list = root.find("edXML:edXMLEnvelope/edXML:edXMLHeader/edXML:TraceHeaderList", NSMAP)
    assert mh is not None and trace_list is not None  # noqa: S101 — the schema guarantees both
    rf = mh.find("edXML:ResponseFor", NSMAP)
    due = _text(mh, "DueDate")
    p = Package(
        sender=_parse_organ(mh.find("edXML:From", NSMAP)),
        recipients=[_parse_organ(t) for t in mh.findall("edXML:To", NSMAP)],
        code_number=_text(mh, "Code/CodeNumber"),
        code_notation=_text(mh, "Code/CodeNotation"),
        promulgation_date=parse_ed_date(_text(mh, "PromulgationInfo/PromulgationDate")),
        place=_text(mh, "PromulgationInfo/Place"),
        type_code=_text(mh, "DocumentType/Type"),
        type_name=_text(mh, "DocumentType/TypeName"),
        subject=_text(mh, "Subject"),
        content=_text(mh, "Content"),
        signer_competence=_text(mh, "SignerInfo/Competence"),
        signer_position=_text(mh, "SignerInfo/Position"),
        signer_name=_text(mh, "SignerInfo/FullName"),
        due_date=parse_ed_date(due) if due else None,
        to_places=[(x.text or "").strip() for x in mh.findall("edXML:ToPlaces/edXML:Place", NSMAP)],
        priority=int(_text(mh, "OtherInfo/Priority")),
        page_amount=_optional_int(_text(mh, "OtherInfo/PageAmount")),
        promulgation_amount=_optional_int(_text(mh, "OtherInfo/PromulgationAmount")),
        secrecy=int(_text(mh, "OtherInfo/Secrecy")),
        steering_type=int(_text(mh, "SteeringType")),
        response_for=_parse_response_for(rf) if rf is not None else None,
        business_type=int(_text(trace_list, "Bussiness/BussinessDocType")),
        business_reason=_text(trace_list, "Bussiness/BussinessDocReason"),
        business_document_id=_text(trace_list, "Bussiness/DocumentId"),
        paper=_text(trace_list, "Bussiness/Paper") == "1",
        traces=[
            (_text(t, "OrganId"), _parse_dt(_text(t, "Timestamp")))
            for t in trace_list.findall("edXML:TraceHeader", NSMAP)
        ],
    )
    stated = _text(mh, "DocumentId")
    if stated != p.document_id:
        raise EdxmlError(
            _("DocumentId “%(got)s” không khớp với nơi gửi, ngày và số, ký hiệu (“%(want)s”).")
            % {"got": stated, "want": p.document_id}
        )
    p.attachments = _parse_attachments(root)
    p.content_hash = _content_hash(mh, p.attachments)
    return p


def _parse_attachments(root: etree._Element) -> list[Attachment]:
    refs = {
        _text(r, "ContentId"): r
        for r in root.findall(
            "edXML:edXMLEnvelope/edXML:edXMLBody/edXML:edXMLManifest/edXML:Reference", NSMAP
        )
    }
    attachments: list[Attachment] = []
    for att in root.findall("edXML:AttachmentEncoded/edXML:Attachment", NSMAP):
        cid = _text(att, "ContentId")
        ref = refs.pop(cid, None)
        if ref is None:
            raise EdxmlError(_("Tệp đính kèm “%s” không có trong danh mục (manifest).") % cid)
        try:
            raw = base64.b64decode(_text(att, "ContentTransferEncoded"), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise EdxmlError(_("Tệp đính kèm “%s” không phải base64 hợp lệ.") % cid) from exc
        a = Attachment(
            name=_text(att, "AttachmentName"),
            content_type=_text(att, "ContentType"),
            data=raw,
            content_id=cid,
            description=_text(att, "Description"),
        )
        if a.sha256 != _text(ref, "Sha256"):
            raise EdxmlError(_("Tệp đính kèm “%s” sai mã SHA-256 so với danh mục.") % a.name)
        attachments.append(a)
    if refs:
        raise EdxmlError(
            _("Danh mục liệt kê tệp không có trong gói: %s.") % ", ".join(sorted(refs))
        )
    return attachments


def _content_hash(mh: etree._Element, attachments: list[Attachment]) -> str:
    """What makes two packages "the same document": the canonical MessageHeader (without the
    recipients, which differ per copy) and the attachments' hashes, not the per-hop trace."""
    header = etree.fromstring(etree.tostring(mh))
    for to in header.findall("edXML:To", NSMAP):
        header.remove(to)
    digest = hashlib.sha256(etree.tostring(header, method="c14n", exclusive=True))
    for sha in sorted(a.sha256 for a in attachments):
        digest.update(sha.encode())
    return digest.hexdigest()


def parse_status(data: bytes) -> StatusMessage:
    root = safe_parse(data)
    if etree.QName(root).localname != "Status":
        raise EdxmlError(_("Đây không phải thông điệp trạng thái edXML."))
    validate(root)
    header = root.find("edXML:Header", NSMAP)
    assert header is not None  # noqa: S101 — the schema guarantees it
    return StatusMessage(
        sender=_parse_organ(header.find("edXML:From", NSMAP)),
        response_for=_parse_response_for(header.find("edXML:ResponseFor", NSMAP)),
        code=_text(header, "StatusCode"),
        description=_text(header, "Description"),
        timestamp=_parse_dt(_text(header, "Timestamp")),
        department=_text(header, "StaffInfo/Department"),
        staff=_text(header, "StaffInfo/Staff"),
    )


def message_kind(data: bytes) -> str:
    """``"package"`` or ``"status"``: which parser a received message needs."""
    root = safe_parse(data)
    return "status" if etree.QName(root).localname == "Status" else "package"
