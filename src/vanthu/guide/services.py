"""Writes of the guide app: saving and deleting a saved filter (one transaction, one event)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, QueryDict
from django.utils.translation import gettext as _

from vanthu.audit.services import record
from vanthu.core.text import nfc
from vanthu.guide.models import SavedFilter
from vanthu.guide.rules import cite
from vanthu.orgs.models import User

# The list pages that offer saved filters (the include is on these templates).
FILTER_PAGES: tuple[str, ...] = ("registry:incoming-list", "registry:outgoing-list", "web:search")
NAME_MAX = 100
QUERY_MAX = 1000
PER_PAGE_MAX = 50
# Never saved: the page number and form plumbing belong to one visit, not to the filter.
DROPPED_KEYS = ("page", "trang", "csrfmiddlewaretoken")


def clean_query(raw: str) -> str:
    """The query string to keep: without "?", without the page number, re-encoded."""
    text = raw.strip().removeprefix("?")
    params = QueryDict(text, mutable=True)
    for key in DROPPED_KEYS:
        params.pop(key, None)
    for key in list(params.keys()):
        values = [v for v in params.getlist(key) if v.strip()]
        if values:
            params.setlist(key, values)
        else:
            del params[key]
    return str(params.urlencode())


@transaction.atomic
def save_filter(*, user: User, page: str, name: str, query: str) -> SavedFilter:
    errors: dict[str, list[str]] = {}
    name = nfc(name or "").strip()
    if page not in FILTER_PAGES:
        errors["page"] = [_("Trang này không có bộ lọc để lưu.")]
    if not name:
        errors["name"] = [_("Phải đặt tên cho bộ lọc.")]
    elif len(name) > NAME_MAX:
        errors["name"] = [_("Tên bộ lọc dài tối đa %s ký tự.") % NAME_MAX]
    elif any(ord(c) < 32 for c in name):
        errors["name"] = [_("Tên bộ lọc có ký tự không hợp lệ.")]
    if "\x00" in (query or ""):
        errors["query"] = [_("Điều kiện lọc có ký tự không hợp lệ.")]
        cleaned = ""
    else:
        cleaned = nfc(clean_query(query or ""))
    if not errors.get("query"):
        if not cleaned:
            errors["query"] = [cite("tra-cuu", _("Chưa có điều kiện lọc nào để lưu."))]
        elif len(cleaned) > QUERY_MAX:
            errors["query"] = [_("Điều kiện lọc dài tối đa %s ký tự.") % QUERY_MAX]
    if not errors:
        mine = SavedFilter.objects.select_for_update().filter(user=user, page=page)
        if mine.filter(name=name).exists():
            errors["name"] = [_("Đã có bộ lọc tên “%s” trên trang này.") % name]
        elif mine.count() >= PER_PAGE_MAX:
            errors["name"] = [_("Mỗi trang lưu tối đa %s bộ lọc.") % PER_PAGE_MAX]
    if errors:
        raise ValidationError(errors)
    saved = SavedFilter.objects.create(user=user, page=page, name=name, query=cleaned)
    record(
        action="guide.saved_filter.create",
        actor=user,
        organization=user.organization,
        obj=saved,
        details={"page": page},
    )
    return saved


@transaction.atomic
def delete_filter(*, user: User, pk: int) -> None:
    """Only the owner's filter; anyone else's is the same 404 as a missing one."""
    saved = SavedFilter.objects.select_for_update().filter(pk=pk, user=user).first()
    if saved is None:
        raise Http404
    record(
        action="guide.saved_filter.delete",
        actor=user,
        organization=user.organization,
        obj=saved,
        details={"page": saved.page},
    )
    saved.delete()
