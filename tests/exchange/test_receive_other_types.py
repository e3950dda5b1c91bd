"""Files that arrive by edXML are kept whatever their type (docs/capture.md, "Accepted files").

A user's upload is refused when its bytes are not one of ``VANTHU_UPLOAD_TYPES``; a document
received from another organisation is a received document, and losing its attachment would lose
part of it. So exchange stores every attachment; the text job then marks a file whose type has
no text extraction ``failed`` with the reason, and the file stays.
"""

from __future__ import annotations

from tests.exchange.conftest import package_bytes
from vanthu.audit.models import Event
from vanthu.capture.services import extract_file_text
from vanthu.core import blobstore
from vanthu.exchange import edxml, services
from vanthu.exchange.models import Partner
from vanthu.orgs.models import Organization
from vanthu.registry.models import TextStatus

OLE_DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504  # a Word 97 file's header
ATTACHMENTS = [
    ("cong-van.doc", "application/msword", OLE_DOC),
    ("ghi-chu.txt", "text/plain", "Ghi chú kèm công văn".encode()),
    ("bang-ke.html", "text/html", b"<html><body>Bang ke</body></html>"),
]


def test_received_attachments_of_other_types_are_kept_and_marked_without_text(
    tu: Organization, partner: Partner
) -> None:
    attachments = [
        edxml.Attachment(name=name, content_type=kind, data=data, content_id=f"a{i}")
        for i, (name, kind, data) in enumerate(ATTACHMENTS, start=1)
    ]
    document = services.receive_package(
        organization=tu, data=package_bytes(attachments=attachments)
    )
    files = list(document.files.order_by("position"))
    assert [f.original_name for f in files] == [name for name, _, _ in ATTACHMENTS]
    for f, (_, kind, data) in zip(files, ATTACHMENTS, strict=True):
        assert f.content_type == kind
        with blobstore.open_blob(f.sha256) as fh:
            assert fh.read() == data
        done = extract_file_text(file_id=f.pk)
        assert done is not None and done.text_status == TextStatus.FAILED
        assert "Chỉ nhận PDF, TIFF, JPEG, PNG, DOCX, ODT, XLSX" in done.text_error
        assert blobstore.exists(f.sha256)  # marked, never removed
    assert Event.objects.filter(action="capture.text_failed").count() == len(ATTACHMENTS)
