"""Writes on organisations, terms and users: one transaction each, audited."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.hashers import identify_hasher
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from vanthu.access import policy
from vanthu.audit.services import record
from vanthu.core.enums import Clearance, OrgKind, Role, Secrecy
from vanthu.orgs.models import Organization, Position, Term, User
from vanthu.search.indexing import organization_changed


def _check_kind(kind: str, parent: Organization | None) -> None:
    if kind not in OrgKind.values:
        raise ValidationError({"kind": [_("Loại tổ chức không hợp lệ: %s.") % kind]})
    if parent is not None and parent.kind == OrgKind.DEPARTMENT:
        raise ValidationError({"parent": [_("Đơn vị nội bộ không thể có tổ chức trực thuộc.")]})


@transaction.atomic
def create_organization(
    *,
    actor: User,
    code: str,
    name: str,
    symbol: str,
    kind: str,
    parent: Organization | None,
    active_from: datetime.date | None = None,
) -> Organization:
    if not policy.can_administer(actor, parent):
        raise PermissionDenied(_("Bạn không quản trị tổ chức cấp trên này."))
    _check_kind(kind, parent)
    code, name, symbol = code.strip(), name.strip(), symbol.strip()
    errors: dict[str, list[str]] = {}
    if not code:
        errors["code"] = [_("Mã không được để trống.")]
    if not name:
        errors["name"] = [_("Tên không được để trống.")]
    if not symbol:
        errors["symbol"] = [_("Ký hiệu không được để trống.")]
    if code and Organization.objects.filter(code=code).exists():
        errors["code"] = [_("Mã %s đã được dùng.") % code]
    if errors:
        raise ValidationError(errors)
    org = Organization.objects.create(
        code=code, name=name, symbol=symbol, kind=kind, parent=parent, active_from=active_from
    )
    _set_path(org)
    record(action="org.create", actor=actor, organization=org, obj=org, details={"code": code})
    return org


def _set_path(org: Organization) -> None:
    parent_path = org.parent.path if org.parent_id and org.parent else ""
    org.path = parent_path + Organization.segment(org.pk)
    org.depth = len(org.path) // len(Organization.segment(0)) - 1
    Organization.objects.filter(pk=org.pk).update(path=org.path, depth=org.depth)


@transaction.atomic
def update_organization(
    *, actor: User, organization: Organization, data: dict[str, Any]
) -> Organization:
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    if not policy.can_administer(actor, org):
        raise PermissionDenied(_("Bạn không quản trị tổ chức này."))
    changed: dict[str, Any] = {}
    for field in ("name", "symbol", "active_from", "active_until"):
        if field in data and getattr(org, field) != data[field]:
            changed[field] = str(data[field])
            setattr(org, field, data[field])
    if "kind" in data and data["kind"] != org.kind:
        _check_kind(data["kind"], org.parent)
        org.kind = data["kind"]
        changed["kind"] = org.kind
    if "parent" in data and data["parent"] != org.parent:
        new_parent: Organization | None = data["parent"]
        if new_parent is not None and new_parent.is_within(org):
            raise ValidationError(
                {"parent": [_("Không thể chuyển tổ chức vào chính nó hoặc đơn vị cấp dưới.")]}
            )
        if not policy.can_administer(actor, new_parent):
            raise PermissionDenied(_("Bạn không quản trị tổ chức cấp trên mới."))
        _check_kind(org.kind, new_parent)
        old_path = org.path
        org.parent = new_parent
        org.save()
        _set_path(org)
        _rebase_subtree(old_path, org.path)
        changed["parent"] = new_parent.pk if new_parent else None
    org.save()
    if "kind" in changed or "parent" in changed:
        # Who may find the subtree's documents changed: their search access tokens follow.
        organization_changed(org)
    record(action="org.update", actor=actor, organization=org, obj=org, details=changed)
    return org


def _rebase_subtree(old_prefix: str, new_prefix: str) -> None:
    seg = len(Organization.segment(0))
    below = Organization.objects.filter(path__gt=old_prefix, path__startswith=old_prefix)
    for child in below.select_for_update():
        child.path = new_prefix + child.path[len(old_prefix) :]
        child.depth = len(child.path) // seg - 1
        Organization.objects.filter(pk=child.pk).update(path=child.path, depth=child.depth)


@transaction.atomic
def add_term(
    *, actor: User, organization: Organization, name: str, start_date: datetime.date
) -> Term:
    if not policy.can_administer(actor, organization):
        raise PermissionDenied(_("Bạn không quản trị tổ chức này."))
    if organization.kind not in (OrgKind.COMMITTEE, OrgKind.GRASSROOTS, OrgKind.AGENCY):
        raise ValidationError({"organization": [_("Đơn vị nội bộ không có nhiệm kỳ.")]})
    if not name.strip():
        raise ValidationError({"name": [_("Tên nhiệm kỳ không được để trống.")]})
    latest = organization.terms.order_by("-start_date").first()
    if latest is not None and start_date <= latest.start_date:
        raise ValidationError(
            {
                "start_date": [
                    _("Nhiệm kỳ mới phải bắt đầu sau nhiệm kỳ hiện tại (%s).")
                    % latest.start_date.strftime("%d/%m/%Y")
                ]
            }
        )
    term = Term.objects.create(organization=organization, name=name.strip(), start_date=start_date)
    record(
        action="org.term.create",
        actor=actor,
        organization=organization,
        obj=term,
        details={"name": term.name, "start_date": start_date.isoformat()},
    )
    return term


def current_term(organization: Organization, on: datetime.date) -> Term | None:
    return organization.terms.filter(start_date__lte=on).order_by("-start_date").first()


def _check_roles_and_clearance(actor: User, roles: list[str], clearance: str) -> None:
    errors: dict[str, list[str]] = {}
    bad = [r for r in roles if r not in Role.values]
    if bad:
        errors["roles"] = [_("Vai trò không hợp lệ: %s.") % ", ".join(bad)]
    if clearance not in Clearance.values:
        errors["clearance"] = [_("Mức tiếp cận không hợp lệ: %s.") % clearance]
    elif not actor.is_superuser and Secrecy.rank(clearance) > Secrecy.rank(actor.clearance):
        errors["clearance"] = [_("Không thể cấp mức tiếp cận cao hơn mức của chính bạn.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_user(
    *,
    actor: User,
    username: str,
    password: str,
    full_name: str,
    organization: Organization,
    roles: list[str],
    clearance: str = Clearance.NONE,
    position_title: str = "",
    email: str = "",
    password_hash: str = "",
) -> User:
    """``password_hash``: ``password`` already hashed with ``make_password``, stored as it is.
    ``vanthu demo`` seeds dozens of accounts with one published password: hashing it once
    instead of once per account saves about half a second of CPU per account."""
    if not policy.can_administer(actor, organization):
        raise PermissionDenied(_("Bạn chỉ quản lý người dùng trong tổ chức của mình."))
    if password_hash:
        identify_hasher(password_hash)  # ValueError: not a hash (a caller's mistake)
    _check_roles_and_clearance(actor, roles, clearance)
    username = username.strip()
    if not username:
        raise ValidationError({"username": [_("Tên đăng nhập không được để trống.")]})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": [_("Tên đăng nhập %s đã tồn tại.") % username]})
    user = User(
        username=username,
        full_name=full_name.strip(),
        organization=organization,
        clearance=clearance,
        position_title=position_title.strip(),
        email=email.strip(),
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": list(exc.messages)}) from exc
    if password_hash:
        user.password = password_hash
    else:
        user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        raise ValidationError({"username": [_("Tên đăng nhập đã tồn tại.")]}) from exc
    for role in dict.fromkeys(roles):
        Position.objects.create(user=user, organization=organization, role=role)
    record(
        action="user.create",
        actor=actor,
        organization=organization,
        obj=user,
        details={"username": username, "roles": roles, "clearance": clearance},
    )
    return user


@transaction.atomic
def set_positions(*, actor: User, user: User, organization: Organization, roles: list[str]) -> None:
    """Replace the roles ``user`` holds in ``organization``."""
    if not policy.can_administer(actor, organization):
        raise PermissionDenied(_("Bạn không quản trị tổ chức này."))
    _check_roles_and_clearance(actor, roles, user.clearance)
    Position.objects.filter(user=user, organization=organization).exclude(role__in=roles).delete()
    for role in roles:
        Position.objects.get_or_create(user=user, organization=organization, role=role)
    if user.organization_id is None:
        user.organization = organization
        user.save(update_fields=["organization"])
    policy.forget(user)
    record(
        action="user.positions",
        actor=actor,
        organization=organization,
        obj=user,
        details={"roles": roles},
    )


@transaction.atomic
def set_clearance(*, actor: User, user: User, clearance: str) -> None:
    if not policy.can_administer(actor, user.organization):
        raise PermissionDenied(_("Bạn không quản trị người dùng này."))
    _check_roles_and_clearance(actor, [], clearance)
    old = user.clearance
    user.clearance = clearance
    user.save(update_fields=["clearance"])
    record(
        action="user.clearance",
        actor=actor,
        organization=user.organization,
        obj=user,
        details={"from": old, "to": clearance},
    )
