"""Quản trị tổ chức: the organisation tree, create and edit, terms (nhiệm kỳ).

Reads go through ``vanthu.web.orgtree`` (the access policy), writes through
``vanthu.orgs.services``. Pages of organisations the admin does not manage are 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from vanthu.orgs import services
from vanthu.orgs.models import Organization, User
from vanthu.web import orgtree
from vanthu.web.forms import OrganizationEditForm, OrganizationForm, TermForm, add_service_errors
from vanthu.web.views.common import admin_actor, offset_param, selected_org, show_denied, status_for

LOOKUP_FIELDS = {"parent", "organization"}


@login_required
@require_GET
def admin_index(request: HttpRequest) -> HttpResponse:
    admin_actor(request)
    return render(request, "web/admin/index.html")


@login_required
@require_GET
def org_tree(request: HttpRequest) -> HttpResponse:
    actor = admin_actor(request)
    return render(request, "web/admin/org_tree.html", {"nodes": list(orgtree.tree_roots(actor))})


@login_required
@require_GET
def org_children(request: HttpRequest, pk: int) -> HttpResponse:
    """An htmx fragment: one page of an organisation's children, loaded when it is opened."""
    actor = admin_actor(request)
    parent = orgtree.administered_or_404(actor, pk)
    offset = offset_param(request)
    rows = orgtree.children(actor, parent, offset)
    more = len(rows) > orgtree.CHILDREN_PAGE
    return render(
        request,
        "web/admin/_org_items.html" if offset else "web/admin/_org_nodes.html",
        {
            "nodes": rows[: orgtree.CHILDREN_PAGE],
            "parent": parent,
            "next_offset": offset + orgtree.CHILDREN_PAGE if more else None,
        },
    )


@login_required
@require_GET
def org_lookup(request: HttpRequest) -> HttpResponse:
    """An htmx fragment: radio buttons for the administered organisations matching ``q``."""
    actor = admin_actor(request)
    field = request.GET.get("field", "parent")
    if field not in LOOKUP_FIELDS:
        raise Http404
    # The picker's search box is named "<field>_q" so that it never collides with the form.
    query = (request.GET.get("q") or request.GET.get(f"{field}_q", ""))[:100]
    return render(
        request,
        "web/admin/_org_lookup.html",
        {
            "results": orgtree.lookup(actor, query),
            "query": query.strip(),
            "field": field,
            "limit": orgtree.LOOKUP_LIMIT,
        },
    )


@login_required
def org_create(request: HttpRequest) -> HttpResponse:
    actor = admin_actor(request)
    parents = orgtree.administered(actor)
    form = OrganizationForm(request.POST or None, parents=parents)
    # Only a superuser creates a root organisation (policy.can_administer(actor, None)).
    form.fields["parent"].required = not actor.is_superuser
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            org = services.create_organization(
                actor=actor,
                code=data["code"],
                name=data["name"],
                symbol=data["symbol"],
                kind=data["kind"],
                parent=data["parent"],
                active_from=data["active_from"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            show_denied(form, exc)
            status = 403
        else:
            messages.success(request, _("Đã tạo tổ chức %s.") % org.name)
            return HttpResponseRedirect(reverse("web:org-detail", args=[org.pk]))
    status = status_for(form, status)
    selected = selected_org(form, parents, request.GET.get("parent"), "parent")
    return render(
        request,
        "web/admin/org_form.html",
        {"form": form, "selected_parent": selected},
        status=status,
    )


def _detail_context(actor: User, org: Organization) -> dict[str, Any]:
    return {
        "org": org,
        "terms": list(org.terms.all()),
        "child_count": org.children.count(),
        "member_count": User.objects.filter(organization=org).count(),
        "can_have_terms": org.kind != "department",
    }


def _edit_form(actor: User, org: Organization, data: Any = None) -> OrganizationEditForm:
    choices = orgtree.administered(actor)
    if org.parent_id is not None:
        # The current parent may lie above the admin's own subtree: keeping it is no change.
        choices = choices | Organization.objects.filter(pk=org.parent_id)
    initial = {
        "name": org.name,
        "symbol": org.symbol,
        "kind": org.kind,
        "parent": org.parent_id,
        "active_from": org.active_from,
        "active_until": org.active_until,
    }
    form = OrganizationEditForm(data, initial=initial, parents=choices)
    form.fields["parent"].required = org.parent_id is not None and not actor.is_superuser
    return form


@login_required
def org_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = admin_actor(request)
    org = orgtree.administered_or_404(actor, pk)
    form = _edit_form(actor, org, request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            org = services.update_organization(
                actor=actor, organization=org, data=dict(form.cleaned_data)
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            show_denied(form, exc)
            status = 403
        else:
            messages.success(request, _("Đã lưu thay đổi của %s.") % org.name)
            return HttpResponseRedirect(reverse("web:org-detail", args=[org.pk]))
    status = status_for(form, status)
    org.refresh_from_db()
    context = _detail_context(actor, org)
    context.update(
        {
            "form": form,
            "term_form": TermForm(),
            "selected_parent": selected_org(
                form,
                form.fields["parent"].queryset,  # type: ignore[attr-defined]
                org.parent_id,
                "parent",
            ),
        }
    )
    return render(request, "web/admin/org_detail.html", context, status=status)


@login_required
@require_POST
def term_add(request: HttpRequest, pk: int) -> HttpResponse:
    actor = admin_actor(request)
    org = orgtree.administered_or_404(actor, pk)
    term_form = TermForm(request.POST)
    status = 400
    if term_form.is_valid():
        try:
            term = services.add_term(
                actor=actor,
                organization=org,
                name=term_form.cleaned_data["name"],
                start_date=term_form.cleaned_data["start_date"],
            )
        except ValidationError as exc:
            add_service_errors(term_form, exc)
        except PermissionDenied as exc:
            show_denied(term_form, exc)
            status = 403
        else:
            messages.success(request, _("Đã thêm nhiệm kỳ %s.") % term.name)
            return HttpResponseRedirect(reverse("web:org-detail", args=[org.pk]) + "#nhiem-ky")
    context = _detail_context(actor, org)
    context.update(
        {"form": _edit_form(actor, org), "term_form": term_form, "selected_parent": org.parent}
    )
    return render(request, "web/admin/org_detail.html", context, status=status)
