"""A received attachment's name goes through the upload sanitiser before it is stored (issue 11,
hostile input): a partner's package must not give a file a name that is a directory, hidden,
empty or carries control characters, any more than an upload can."""

from __future__ import annotations

import pytest

from tests.exchange.conftest import package, package_bytes
from vanthu.exchange import edxml, services
from vanthu.exchange.models import Partner
from vanthu.orgs.models import Organization


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("..", "tệp"),
        (".", "tệp"),
        ("\x7f\u200b.", "tệp"),
        ("../../etc/passwd", "passwd"),
        ("C:\\scan\\..\\.bashrc", "bashrc"),
        ("\u202ecông văn số 15\x9f.pdf", "công văn số 15.pdf"),
        ("Công văn 15.pdf", "Công văn 15.pdf"),
    ],
)
def test_received_attachment_names_are_sanitised_as_uploads_are(
    tu: Organization, partner: Partner, sent: str, stored: str
) -> None:
    attachment = package().attachments[0]
    renamed = edxml.Attachment(
        name=sent,
        content_type=attachment.content_type,
        data=attachment.data,
        content_id=attachment.content_id,
    )
    document = services.receive_package(organization=tu, data=package_bytes(attachments=[renamed]))
    assert document.files.get().original_name == stored
