"""Quản trị người dùng: users of the subtree an admin manages, create, roles, clearance."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from vanthu.orgs import services
from vanthu.web import orgtree
from vanthu.web.forms import ClearanceForm, RolesForm, UserCreateForm, add_service_errors
from vanthu.web.views.common import admin_actor, selected_org, show_denied, status_for


@login_required
@require_GET
def user_list(request: HttpRequest) -> HttpResponse:
    actor = admin_actor(request)
    org = None
    raw_org = request.GET.get("to-chuc", "")
    if raw_org.isdigit():
        org = orgtree.administered_or_404(actor, int(raw_org))
    query = request.GET.get("q", "")[:100]
    page = Paginator(orgtree.users(actor, query=query, organization=org), orgtree.USERS_PAGE)
    return render(
        request,
        "web/admin/user_list.html",
        {"page": page.get_page(request.GET.get("trang")), "org": org, "query": query.strip()},
    )


@login_required
def user_create(request: HttpRequest) -> HttpResponse:
    actor = admin_actor(request)
    organizations = orgtree.administered(actor)
    form = UserCreateForm(request.POST or None, organizations=organizations)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.create_user(
                actor=actor,
                username=data["username"],
                password=data["password"],
                full_name=data["full_name"],
                organization=data["organization"],
                roles=data["roles"],
                clearance=data["clearance"],
                position_title=data["position_title"],
                email=data["email"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            show_denied(form, exc)
            status = 403
        else:
            messages.success(request, _("Đã tạo người dùng %s.") % user.username)
            return HttpResponseRedirect(reverse("web:user-detail", args=[user.pk]))
    status = status_for(form, status)
    return render(
        request,
        "web/admin/user_form.html",
        {
            "form": form,
            "selected_org": selected_org(
                form, organizations, request.GET.get("to-chuc"), "organization"
            ),
        },
        status=status,
    )


@login_required
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = admin_actor(request)
    user = orgtree.user_or_404(actor, pk)
    if user.organization is None:  # administered users always belong to an organisation
        raise Http404
    current_roles = sorted(
        p.role for p in user.positions.all() if p.organization_id == user.organization_id
    )
    roles_form = RolesForm(initial={"roles": current_roles})
    clearance_form = ClearanceForm(initial={"clearance": user.clearance})
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        form = RolesForm(request.POST) if action == "roles" else ClearanceForm(request.POST)
        if action == "roles":
            roles_form = form  # type: ignore[assignment]
        else:
            clearance_form = form  # type: ignore[assignment]
        if form.is_valid():
            try:
                if action == "roles":
                    services.set_positions(
                        actor=actor,
                        user=user,
                        organization=user.organization,
                        roles=form.cleaned_data["roles"],
                    )
                else:
                    services.set_clearance(
                        actor=actor, user=user, clearance=form.cleaned_data["clearance"]
                    )
            except ValidationError as exc:
                add_service_errors(form, exc)
            except PermissionDenied as exc:
                show_denied(form, exc)
                status = 403
            else:
                messages.success(request, _("Đã lưu thay đổi của %s.") % user)
                return HttpResponseRedirect(reverse("web:user-detail", args=[user.pk]))
        status = status_for(form, status)
    positions = user.positions.select_related("organization").order_by("organization__path")
    return render(
        request,
        "web/admin/user_detail.html",
        {
            "subject": user,
            "positions": list(positions),
            "roles_form": roles_form,
            "clearance_form": clearance_form,
        },
        status=status,
    )
