"""Safe parsing of untrusted XML and validation against our edXML schema.

Parsing refuses DTDs and entities outright (an "XML bomb" or an external entity is stopped
before lxml sees it), never touches the network, refuses huge trees and has a size limit
(``VANTHU_EXCHANGE_MAX_MB``).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from lxml import etree

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "edxml.xsd"


class EdxmlError(ValueError):
    """A message we refuse; ``str()`` is a clear Vietnamese explanation."""


@cache
def schema() -> etree.XMLSchema:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH), parser))


def validate(root: etree._Element) -> None:
    xsd = schema()
    if not xsd.validate(root):
        first = xsd.error_log.filter_from_errors()[0] if xsd.error_log else None
        where = f" (dòng {first.line}: {first.message})" if first is not None else ""
        raise EdxmlError(_("Gói tin không đúng lược đồ edXML%s.") % where)


def max_bytes() -> int:
    return int(getattr(settings, "VANTHU_EXCHANGE_MAX_MB", 50)) * 1024 * 1024


# A DOCTYPE is how entity-expansion bombs and external entities get in; edXML needs none.
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def safe_parse(data: bytes) -> etree._Element:
    """Parse untrusted bytes: size limit, no DTD, no entities, no network, no huge trees."""
    if len(data) > max_bytes():
        raise EdxmlError(_("Gói tin lớn hơn giới hạn %d MB.") % (max_bytes() // (1024 * 1024)))
    if not data.strip():
        raise EdxmlError(_("Gói tin rỗng."))
    if _DTD.search(data):
        raise EdxmlError(_("Gói tin chứa DTD hoặc khai báo ENTITY; không được chấp nhận."))
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise EdxmlError(_("Gói tin không phải XML hợp lệ: %s") % exc.msg) from exc
    if root.nsmap.get(root.prefix) != NS or etree.QName(root).namespace != NS:
        raise EdxmlError(
            _("Sai không gian tên (namespace): cần %(ns)s, nhận được %(got)s.")
            % {"ns": NS, "got": etree.QName(root).namespace or "(không có)"}
        )
    return root
