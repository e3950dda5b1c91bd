"""Helpers shared by the web views (the administration pages and the office pages)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
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


def own_organization(request: HttpRequest) -> Organization:
    """The signed-in user's organisation; a user without one gets 404 (nothing to show)."""
    user = request.user
    organization = user.organization if isinstance(user, User) else None
    if organization is None:
        raise Http404
    return organization


def int_param(raw: str | None) -> int | None:
    """A form or query value as a positive id, or None (never a ValueError, never a huge int)."""
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() and len(raw) < 12 else None


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
