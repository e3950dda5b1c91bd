"""A template of one outgoing document as a file answer, for the API and the web page alike:
parse the options, record the read of a classified document, render."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.http import FileResponse

from vanthu.access.reads import record_read
from vanthu.core.text import canonical
from vanthu.drafting import content
from vanthu.drafting.layouts import FAMILIES
from vanthu.drafting.render_docx import write_docx
from vanthu.drafting.render_pdf import write_pdf
from vanthu.orgs.models import User
from vanthu.registry.models import Document

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
MAX_PLACE = 100


@dataclass(frozen=True)
class Options:
    layout: str | None
    place: str


def parse_options(layout: str | None, place: str | None) -> Options:
    errors: dict[str, list[str]] = {}
    layout = (layout or "").strip() or None
    if layout is not None and layout not in FAMILIES:
        errors["layout"] = ["Kiểu thể thức phải là “party” (Đảng) hoặc “state” (nhà nước)."]
    place = " ".join(canonical(place or "").split())
    if len(place) > MAX_PLACE:
        errors["place"] = [f"Địa danh dài quá {MAX_PLACE} ký tự."]
    if errors:
        raise ValidationError(errors)
    return Options(layout, place)


def render(document: Document, fmt: str, options: Options) -> bytes:
    draft = content.build(document, family=options.layout, place=options.place)
    title = f"{draft.title or 'Công văn'} {document.number_symbol}".strip()
    out = io.BytesIO()
    if fmt == "pdf":
        write_pdf(out, draft, title=title)
    else:
        write_docx(out, draft, title=title)
    return out.getvalue()


def template_response(user: User, document: Document, fmt: str, options: Options) -> FileResponse:
    """Only call with a document already checked visible to ``user``."""
    data = render(document, fmt, options)
    # architecture.md invariant 3: a read of a classified document leaves an event.
    record_read(user=user, document=document, action="drafting.template", details={"format": fmt})
    return FileResponse(
        io.BytesIO(data),
        as_attachment=True,
        filename=f"mau-van-ban-{document.pk}.{fmt}",
        content_type=CONTENT_TYPES[fmt],
    )
