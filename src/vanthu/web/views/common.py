"""Helpers shared by the administration views."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from vanthu.orgs.models import Organization, User
from vanthu.web import orgtree


def admin_actor(request: HttpRequest) -> User:
    """The acting admin; anyone else gets 404 (the pages do not exist for them)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    orgtree.require_admin(user)
    return user


def show_denied(form: forms.Form, exc: PermissionDenied) -> None:
    form.add_error(None, str(exc) or _("Bạn không có quyền thực hiện thao tác này."))


def selected_org(
    form: forms.Form, choices: QuerySet[Organization], initial: Any, field: str
) -> Organization | None:
    """The organisation a lookup picker shows as chosen: the posted one, else ``initial``."""
    raw = form.data.get(field) if form.is_bound else initial
    if raw and str(raw).isdigit():
        return choices.filter(pk=int(raw)).first()
    return None


def offset_param(request: HttpRequest) -> int:
    raw = request.GET.get("offset", "0")
    return min(int(raw), 1_000_000) if raw.isdigit() else 0


def status_for(form: forms.Form, status: int) -> int:
    """400 when the form shows errors, unless a more specific status (403) was chosen."""
    return 400 if form.errors and status == 200 else status
