"""METS.xml (E-ARK CSIP 2.0) and PREMIS.xml (v3) of one information package."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from lxml import etree

METS = "http://www.loc.gov/METS/"
XLINK = "http://www.w3.org/1999/xlink"
CSIP = "https://DILCIS.eu/XML/METS/CSIPExtensionMETS"
PREMIS = "http://www.loc.gov/premis/v3"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
# A submission to an archive (nộp lưu): the E-ARK SIP profile, which extends CSIP (SIP2).
SIP_PROFILE = "https://earksip.dilcis.eu/profile/E-ARK-SIP.xml"
CONTENT_SPECIFICATION = "TT 05/2025/TT-BNV"


@dataclass(frozen=True)
class Entry:
    """A file of the package: its path from the package root, checksum, size, type."""

    path: str
    sha256: str
    size: int
    mimetype: str
    uuid: str
    created: datetime.datetime


@dataclass(frozen=True)
class Event:
    uuid: str
    kind: str  # PREMIS eventType: ingestion, fixity check, format identification
    when: datetime.datetime
    outcome: str
    detail: str
    object_uuid: str


def _iso(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _file_attrs(entry: Entry) -> dict[str, str]:
    return {
        "MIMETYPE": entry.mimetype,
        "SIZE": str(entry.size),
        "CREATED": _iso(entry.created),
        "CHECKSUM": entry.sha256.upper(),
        "CHECKSUMTYPE": "SHA-256",
    }


def _ref(parent: etree._Element, tag: str, entry: Entry, **extra: str) -> etree._Element:
    el = etree.SubElement(parent, f"{{{METS}}}{tag}", {"ID": f"ID{entry.uuid}", **extra})
    attrs = {"LOCTYPE": "URL", f"{{{XLINK}}}type": "simple", f"{{{XLINK}}}href": entry.path}
    if tag == "file":
        el.attrib.update(_file_attrs(entry))
        etree.SubElement(el, f"{{{METS}}}FLocat", attrs)
    else:
        el.attrib.update(attrs)
        el.attrib.update(_file_attrs(entry))
    return el


def build_mets(
    *,
    objid: str,
    label: str,
    created: datetime.datetime,
    descriptive: list[Entry],
    preservation: list[Entry],
    data: list[Entry],
    software: str,
    documentation: list[Entry] | None = None,
    schemas: list[Entry] | None = None,
) -> bytes:
    nsmap = {None: METS, "xlink": XLINK, "csip": CSIP, "xsi": XSI}
    root = etree.Element(
        f"{{{METS}}}mets",
        {
            "OBJID": objid,
            "LABEL": label,
            "TYPE": "Mixed",
            "PROFILE": SIP_PROFILE,
            f"{{{CSIP}}}CONTENTINFORMATIONTYPE": "MIXED",
        },
        nsmap=nsmap,
    )
    # CSIP 2.1 (CSIP9): the package type is an attribute of metsHdr, not of the root.
    hdr = etree.SubElement(
        root,
        f"{{{METS}}}metsHdr",
        {
            "CREATEDATE": _iso(created),
            "RECORDSTATUS": "NEW",
            f"{{{CSIP}}}OAISPACKAGETYPE": "SIP",
        },
    )
    agent = etree.SubElement(
        hdr, f"{{{METS}}}agent", {"ROLE": "CREATOR", "TYPE": "OTHER", "OTHERTYPE": "SOFTWARE"}
    )
    etree.SubElement(agent, f"{{{METS}}}name").text = "Vanthu"
    etree.SubElement(
        agent, f"{{{METS}}}note", {f"{{{CSIP}}}NOTETYPE": "SOFTWARE VERSION"}
    ).text = software
    dmd_ids = []
    for entry in descriptive:
        dmd = etree.SubElement(
            root, f"{{{METS}}}dmdSec", {"ID": f"DMD{entry.uuid}", "CREATED": _iso(created)}
        )
        _ref(dmd, "mdRef", entry, MDTYPE="DC")
        dmd_ids.append(f"DMD{entry.uuid}")
    amd = etree.SubElement(root, f"{{{METS}}}amdSec")
    amd_ids = []
    for entry in preservation:
        digi = etree.SubElement(amd, f"{{{METS}}}digiprovMD", {"ID": f"AMD{entry.uuid}"})
        _ref(digi, "mdRef", entry, MDTYPE="PREMIS")
        amd_ids.append(f"AMD{entry.uuid}")
    file_sec = etree.SubElement(root, f"{{{METS}}}fileSec", {"ID": "FILESEC"})
    groups = [
        ("FG-DOC", "Documentation", documentation or []),
        ("FG-SCHEMAS", "Schemas", schemas or []),
        ("FG-REP1", "Representations/rep1/Data", data),
    ]
    for group_id, use, entries in groups:
        if not entries:
            continue
        # eark-validator's CSIP63 accepts only "OTHER" with a named specification on a group.
        group = etree.SubElement(
            file_sec,
            f"{{{METS}}}fileGrp",
            {
                "ID": group_id,
                "USE": use,
                f"{{{CSIP}}}CONTENTINFORMATIONTYPE": "OTHER",
                f"{{{CSIP}}}OTHERCONTENTINFORMATIONTYPE": CONTENT_SPECIFICATION,
            },
        )
        for entry in entries:
            _ref(group, "file", entry)
    smap = etree.SubElement(
        root, f"{{{METS}}}structMap", {"ID": "SM", "TYPE": "PHYSICAL", "LABEL": "CSIP"}
    )
    top = etree.SubElement(
        smap,
        f"{{{METS}}}div",
        {"ID": "DIV-ROOT", "LABEL": objid, "DMDID": " ".join(dmd_ids), "ADMID": " ".join(amd_ids)},
    )
    meta = etree.SubElement(top, f"{{{METS}}}div", {"ID": "DIV-META", "LABEL": "Metadata"})
    meta.set("DMDID", " ".join(dmd_ids))
    meta.set("ADMID", " ".join(amd_ids))
    for div_id, label, entries in (
        ("DIV-DOC", "Documentation", documentation or []),
        ("DIV-SCHEMAS", "Schemas", schemas or []),
    ):
        if entries:
            div = etree.SubElement(top, f"{{{METS}}}div", {"ID": div_id, "LABEL": label})
            for entry in entries:
                etree.SubElement(div, f"{{{METS}}}fptr", {"FILEID": f"ID{entry.uuid}"})
    # One representation without a METS of its own: its files hang off the Representations
    # division directly (CSIP101/104); a sub-division would need a representation METS (CSIP109).
    reps = etree.SubElement(top, f"{{{METS}}}div", {"ID": "DIV-REPS", "LABEL": "Representations"})
    for entry in data:
        etree.SubElement(reps, f"{{{METS}}}fptr", {"FILEID": f"ID{entry.uuid}"})
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def build_premis(*, objects: list[Entry], events: list[Event], software: str) -> bytes:
    root = etree.Element(f"{{{PREMIS}}}premis", {"version": "3.0"}, nsmap={"premis": PREMIS})

    def sub(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
        el = etree.SubElement(parent, f"{{{PREMIS}}}{tag}")
        if text is not None:
            el.text = text
        return el

    def ident(parent: etree._Element, tag: str, value: str) -> None:
        el = sub(parent, tag)
        sub(el, tag.replace("Identifier", "IdentifierType"), "UUID")
        sub(el, tag.replace("Identifier", "IdentifierValue"), value)

    for entry in objects:
        obj = sub(root, "object")
        obj.set(f"{{{XSI}}}type", "premis:file")
        ident(obj, "objectIdentifier", entry.uuid)
        chars = sub(obj, "objectCharacteristics")
        fix = sub(chars, "fixity")
        sub(fix, "messageDigestAlgorithm", "SHA-256")
        sub(fix, "messageDigest", entry.sha256)
        sub(chars, "size", str(entry.size))
        fmt = sub(chars, "format")
        sub(sub(fmt, "formatDesignation"), "formatName", entry.mimetype)
        loc = sub(sub(obj, "storage"), "contentLocation")
        sub(loc, "contentLocationType", "URL")
        sub(loc, "contentLocationValue", entry.path)
    for event in events:
        ev = sub(root, "event")
        ident(ev, "eventIdentifier", event.uuid)
        sub(ev, "eventType", event.kind)
        sub(ev, "eventDateTime", _iso(event.when))
        sub(ev, "eventDetailInformation").append(_detail(event.detail))
        outcome = sub(ev, "eventOutcomeInformation")
        sub(outcome, "eventOutcome", event.outcome)
        link_agent = sub(ev, "linkingAgentIdentifier")
        sub(link_agent, "linkingAgentIdentifierType", "local")
        sub(link_agent, "linkingAgentIdentifierValue", "vanthu")
        link = sub(ev, "linkingObjectIdentifier")
        sub(link, "linkingObjectIdentifierType", "UUID")
        sub(link, "linkingObjectIdentifierValue", event.object_uuid)
    agent = sub(root, "agent")
    agent_id = sub(agent, "agentIdentifier")
    sub(agent_id, "agentIdentifierType", "local")
    sub(agent_id, "agentIdentifierValue", "vanthu")
    sub(agent, "agentName", f"Vanthu {software}")
    sub(agent, "agentType", "software")
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def _detail(text: str) -> etree._Element:
    el = etree.Element(f"{{{PREMIS}}}eventDetail")
    el.text = text
    return el
