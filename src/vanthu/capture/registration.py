"""Registering scans from the "chờ vào sổ" queue with the clerk's corrections (issues 4, 12).

The clerk sees the fields suggested from the scan (fields.py), corrects them and registers.
Each item is registered through ``registry.services.register_incoming`` (the registry's own
checks and numbering) in its own transaction: the new numbered document takes over the scan's
files and its ``ScanItem``, the unnumbered pending document is removed, and the item keeps what
was suggested and what was registered, per field, for the accuracy report.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from vanthu.access import policy
from vanthu.audit.services import record
from vanthu.core.enums import Secrecy, Urgency
from vanthu.orgs.models import DocumentType, User
from vanthu.registry import services as registry
from vanthu.registry.models import Channel, Document, DocumentFile, Status
from vanthu.reports.summary import track as track_counts
from vanthu.search.indexing import document_changed

from . import selectors
from .models import ScanItem


@dataclass(frozen=True)
class Field:
    name: str  # the registry's field name (input of the form and the API)
    suggestion: str  # the key in DocumentFile.suggested_fields
    label: str


FIELDS: Final = (
    Field("number_symbol", "number_symbol", "Số, ký hiệu"),
    Field("issued_date", "date", "Ngày văn bản"),
    Field("document_type", "document_type", "Loại văn bản"),
    Field("sender", "issuer", "Cơ quan ban hành"),
    Field("summary", "summary", "Trích yếu"),
    Field("secrecy", "secrecy", "Độ mật"),
    Field("urgency", "urgency", "Độ khẩn"),
)
NAMES: Final = tuple(f.name for f in FIELDS)
# A row is "đủ" (complete) when these are filled: what the registry refuses when empty.
REQUIRED: Final = ("document_type", "sender", "summary")
NOT_FOUND: Final = "Không tìm thấy văn bản chờ vào sổ này."
_SPACES = re.compile(r"\s+")
_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def _clean(value: Any) -> str:
    return _SPACES.sub(" ", str(value)).strip() if value is not None else ""


def parse_date(text: str) -> datetime.date:
    """dd/mm/yyyy (the UI) or yyyy-mm-dd (the API, the suggestions); ValueError otherwise."""
    match = _DMY.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
    else:
        match = _ISO.match(text)
        if not match:
            raise ValueError(text)
        year, month, day = (int(g) for g in match.groups())
    return datetime.date(year, month, day)


def suggested_values(document: Document) -> dict[str, dict[str, Any]]:
    """Per field, the value suggested from the scan (as the form shows it) and its confidence."""
    first = next(iter(document.files.all()), None)
    fields: dict[str, Any] = (first.suggested_fields if first else None) or {}
    out: dict[str, dict[str, Any]] = {}
    for f in FIELDS:
        entry = fields.get(f.suggestion) or {}
        value = entry.get("value")
        confidence = entry.get("confidence") if value is not None else None
        text = _clean(value)
        if f.name == "issued_date" and text:
            try:
                text = parse_date(text).strftime("%d/%m/%Y")
            except ValueError:
                text = ""
        elif f.name == "secrecy" and not text:
            text = Secrecy.NONE
        elif f.name == "urgency" and not text:
            text = Urgency.NORMAL
        out[f.name] = {"value": text, "confidence": confidence}
    return out


def is_complete(values: Mapping[str, Any]) -> bool:
    return all(_clean(values.get(name)) for name in REQUIRED)


def _normalised(name: str, text: str) -> str:
    """The form of a value that is compared between suggestion and registration."""
    if name == "issued_date" and text:
        try:
            return parse_date(text).isoformat()
        except ValueError:
            return text
    return text.casefold() if name in ("sender", "summary", "number_symbol") else text


def _data(values: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The clerk's strings → register_incoming's data, and the errors found reading them."""
    errors: dict[str, list[str]] = {}
    data: dict[str, Any] = {
        "number_symbol": _clean(values.get("number_symbol")),
        "sender": _clean(values.get("sender")),
        "summary": _clean(values.get("summary")),
        "secrecy": _clean(values.get("secrecy")) or Secrecy.NONE,
        "urgency": _clean(values.get("urgency")) or Urgency.NORMAL,
        "issued_date": None,
        "document_type": None,
    }
    if len(data["number_symbol"]) > 100:
        errors["number_symbol"] = [_("Số, ký hiệu dài quá 100 ký tự.")]
    if len(data["sender"]) > 255:
        errors["sender"] = [_("Cơ quan ban hành dài quá 255 ký tự.")]
    date_text = _clean(values.get("issued_date"))
    if date_text:
        try:
            data["issued_date"] = parse_date(date_text)
        except ValueError:
            errors["issued_date"] = [_("Ngày văn bản không hợp lệ (dạng dd/mm/yyyy).")]
        else:
            if data["issued_date"] > timezone.localdate():
                errors["issued_date"] = [_("Ngày văn bản không được ở tương lai.")]
    code = _clean(values.get("document_type"))
    if code:
        data["document_type"] = DocumentType.objects.filter(code=code, active=True).first()
        if data["document_type"] is None:
            errors["document_type"] = [_("Không có loại văn bản này.")]
    if data["secrecy"] in Secrecy.values and data["secrecy"] != Secrecy.NONE:
        # Scans are stored unencrypted (batches are unclassified): classified paper goes
        # through the ordinary form, where its file is stored under cipher.
        errors["secrecy"] = [
            _(
                "Bản quét được lưu không mã hóa: văn bản mật phải vào sổ bằng biểu mẫu văn bản "
                "đến thường, không qua hàng chờ bản quét."
            )
        ]
    return data, errors


def _pending(actor: User, document_id: int) -> Document:
    if not selectors.pending_scans(actor).filter(pk=document_id).exists():
        raise Http404(NOT_FOUND)
    document = Document.objects.select_for_update().filter(pk=document_id).first()
    if document is None or document.status != Status.PENDING_REGISTRATION:
        raise Http404(NOT_FOUND)
    return document


@transaction.atomic
def register_scan(*, actor: User, document_id: int, values: Mapping[str, Any]) -> Document:
    """Register pending scan ``document_id`` with the clerk's ``values`` (strings by field name).

    Raises ``ValidationError`` (field errors, nothing stored), ``Http404`` (not pending or not
    visible: the same answer) or ``PermissionDenied`` (not a clerk of the organisation).
    """
    pending = _pending(actor, document_id)
    suggestion = suggested_values(pending)
    data, errors = _data(values)
    data.update(
        page_count=pending.page_count,
        channel=Channel.PAPER,
        notes=pending.notes,
        received_at=timezone.now(),
    )
    # Too long values are reported above; cut here so that the registry's own checks still run
    # (the transaction is rolled back when there are errors).
    data["number_symbol"], data["sender"] = data["number_symbol"][:100], data["sender"][:255]
    try:
        document = registry.register_incoming(
            actor=actor, organization=pending.organization, data=data
        )
    except ValidationError as exc:
        raise ValidationError(_merge(errors, exc.message_dict)) from exc
    except PermissionDenied:
        if errors:  # e.g. the clearance of a secrecy we refuse anyway: our field error first
            raise ValidationError(errors) from None
        raise
    if errors:
        raise ValidationError(errors)  # rolls back the registration above
    registered = {name: _clean(values.get(name)) for name in NAMES}
    registered["secrecy"], registered["urgency"] = data["secrecy"], data["urgency"]
    pending_pk = pending.pk
    DocumentFile.objects.filter(document=pending).update(document=document)
    item = ScanItem.objects.select_for_update().get(document=pending)
    item.document = document
    item.suggested = suggestion
    item.registered = registered
    item.registered_at = timezone.now()
    item.registered_by = actor
    item.save()
    pending.delete()
    changed = [
        name
        for name in NAMES
        if _normalised(name, suggestion[name]["value"]) != _normalised(name, registered[name])
    ]
    record(
        action="capture.scan.registered",
        actor=actor,
        organization=document.organization,
        obj=document,
        details={"pending": pending_pk, "item": item.pk, "changed": changed},
    )
    track_counts([pending_pk])
    document_changed(pending_pk)
    track_counts([document.pk])
    document_changed(document.pk)
    return document


def _merge(first: dict[str, list[str]], second: dict[str, list[str]]) -> dict[str, list[str]]:
    out = {k: list(v) for k, v in first.items()}
    for key, messages in second.items():
        # "Ngày đến trước ngày văn bản" is about the date the clerk typed.
        key = "issued_date" if key == "received_at" else key
        # Our reading error ("Không có loại văn bản này.") is the more precise one.
        if key not in first:
            out.setdefault(key, []).extend(m for m in messages if m not in out.get(key, []))
    return out


def register_many(*, actor: User, rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Register each row (``{"id": pending document, field: value, …}``) in its own
    transaction, in order; one result per row: 201 with the number, or 400/403/404."""
    results: list[dict[str, Any]] = []
    for row in rows:
        raw_id = row.get("id")
        try:
            document_id = int(raw_id)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            errors = {"id": [_("Thiếu hoặc sai mã văn bản.")]}
            results.append({"id": raw_id, "status": 400, "errors": errors})
            continue
        try:
            document = register_scan(actor=actor, document_id=document_id, values=row)
        except ValidationError as exc:
            results.append({"id": document_id, "status": 400, "errors": exc.message_dict})
        except Http404:
            results.append({"id": document_id, "status": 404, "errors": {"id": [NOT_FOUND]}})
        except PermissionDenied as exc:
            message = str(exc) or _("Bạn không có quyền vào sổ văn bản này.")
            results.append({"id": document_id, "status": 403, "errors": {"id": [message]}})
        else:
            results.append(
                {
                    "id": document_id,
                    "status": 201,
                    "document": document.pk,
                    "number": document.number,
                    "register": document.register_id,
                }
            )
    return results


def accuracy(user: User) -> list[dict[str, Any]]:
    """Per field: how many registered scans kept the suggested value unchanged (visible items)."""
    rows = policy.visible(user, ScanItem.objects.filter(registered_at__isnull=False)).values_list(
        "suggested", "registered"
    )
    counts = {name: [0, 0] for name in NAMES}
    for suggested, registered in rows:
        for name in NAMES:
            before = _clean((suggested.get(name) or {}).get("value"))
            after = _clean(registered.get(name))
            counts[name][1] += 1
            if _normalised(name, before) == _normalised(name, after):
                counts[name][0] += 1
    return [
        {
            "field": f.name,
            "label": f.label,
            "unchanged": counts[f.name][0],
            "total": counts[f.name][1],
            "share": round(counts[f.name][0] / counts[f.name][1], 3) if counts[f.name][1] else None,
        }
        for f in FIELDS
    ]
