"""Documents for the search tests: made with the ORM, indexed through ``document_changed``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest

from vanthu.orgs.models import DocumentType, Organization, User
from vanthu.registry.models import Document, DocumentFile
from vanthu.search import indexing


@pytest.fixture
def make_doc(
    db: Any, django_capture_on_commit_callbacks: Any, make_user: Any
) -> Callable[..., Document]:
    uploader: list[User] = []

    def make(
        organization: Organization,
        summary: str,
        *,
        secrecy: str = "none",
        type_code: str = "NQ",
        files: Sequence[str] = (),
        created_by: User | None = None,
        **fields: Any,
    ) -> Document:
        with django_capture_on_commit_callbacks(execute=True):
            doc = Document.objects.create(
                direction=fields.pop("direction", "incoming"),
                organization=organization,
                document_type=DocumentType.objects.get(code=type_code),
                summary=summary,
                secrecy=secrecy,
                status="new",
                created_by=created_by,
                **fields,
            )
            for position, text in enumerate(files):
                if not uploader:
                    uploader.append(make_user(organization=organization))
                DocumentFile.objects.create(
                    document=doc,
                    position=position,
                    sha256="0" * 64,
                    size=1,
                    content_type="application/pdf",
                    original_name=f"tep{position}.pdf",
                    uploaded_by=created_by or uploader[0],
                    text=text,
                    text_status="done",
                )
            indexing.document_changed(doc.pk)
        return doc

    return make
