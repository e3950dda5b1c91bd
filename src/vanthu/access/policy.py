"""The one access policy: who may see and do what. Every read path asks this module.

Rules (docs/architecture.md, "Access"):
- Organisation scope: a user sees objects of the organisations where they hold a position and
  of those organisations' internal departments; a leader sees the whole subtree of the
  organisation they lead. Nobody sees another branch.
- Clearance: a user sees an object only if their clearance is at least its secrecy.
- Need-to-know: a classified object is visible only to its participants (the registering clerk,
  the directing leader, assignees: declared by the model), to the clerks of the owning
  organisation where the model says they keep its classified register, and to holders of a
  live grant.
- What a user may not see answers 404, never 403 (``get_visible_or_404``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from vanthu.core.enums import OrgKind, Role, Secrecy

if TYPE_CHECKING:
    from vanthu.orgs.models import Organization, User

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class AccessSpec:
    """How the policy reads a protected model: declared as ``access = AccessSpec(...)``."""

    org_field: str = "organization"
    secrecy_field: str | None = "secrecy"
    # Lookups from the model to users with a reason to see it (need-to-know participants).
    participants: tuple[str, ...] = ()
    # The clerks (văn thư) of the owning organisation keep its classified registers, so they
    # have a reason to see its classified entries (still only up to their clearance).
    clerks_need_to_know: bool = False


def _spec(model: type[models.Model]) -> AccessSpec:
    spec = getattr(model, "access", None)
    if not isinstance(spec, AccessSpec):
        raise TypeError(f"{model.__name__} declares no AccessSpec")
    return spec


def _current_positions(user: User) -> list[tuple[Organization, str]]:
    cache = getattr(user, "_vanthu_positions", None)
    if cache is None:
        today = timezone.localdate()
        cache = [
            (p.organization, p.role)
            for p in user.positions.select_related("organization")
            if p.is_current(today)
        ]
        user._vanthu_positions = cache  # type: ignore[attr-defined]
    return cache


def current_positions(user: User) -> list[tuple[Organization, str]]:
    """The (organisation, role) pairs ``user`` holds today (cached on the user object)."""
    return list(_current_positions(user))


def organization_scope(user: User, prefix: str = "") -> Q:
    """Q over organisations (or over a relation named ``prefix``) whose objects ``user`` sees."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    rel = f"{prefix}__" if prefix else ""
    q = Q(pk__in=[])
    for org, role in _current_positions(user):
        if role == Role.LEADER:
            q |= org.subtree_q(prefix)
        else:
            q |= Q(**{f"{rel}pk": org.pk})
            q |= org.subtree_q(prefix) & Q(**{f"{rel}kind": OrgKind.DEPARTMENT})
    return q


# A scope of at most this many organisations is also given to the database as a list of ids.
SCOPE_LIST_LIMIT = 100


def organization_ids(user: User) -> list[int] | None:
    """The ids of the organisations in ``user``'s scope (``organization_scope``) when they are
    a few (at most ``SCOPE_LIST_LIMIT``) of a larger installation, else None; cached on the
    user object with its positions (``forget`` drops both).

    A clerk's scope is their organisation and its internal departments, a leader's a subtree:
    a handful of ids in an installation of thousands. As ``organization_id IN (…)``
    (``organization_bound``) the database can enter an index that starts with the
    organisation (``doc_register_order``) at the user's own rows instead of reading every
    organisation's (docs/registry.md, "Lists"). None for a leader of a root organisation: the
    list would name every organisation and only cost time."""
    cache: list[int] | None
    if hasattr(user, "_vanthu_scope_ids"):
        cache = user._vanthu_scope_ids
    else:
        from vanthu.orgs.models import Organization

        positions = _current_positions(user) if user.is_authenticated and user.is_active else []
        cache = []
        if any(role == Role.LEADER and org.parent_id is None for org, role in positions):
            cache = None
        elif positions:
            scope = Organization.objects.filter(organization_scope(user)).order_by("pk")
            found = list(scope.values_list("pk", flat=True)[: SCOPE_LIST_LIMIT + 1])
            cache = found if len(found) <= SCOPE_LIST_LIMIT else None
        user._vanthu_scope_ids = cache  # type: ignore[attr-defined]
    return cache


def organization_bound(user: User, org_field: str = "organization") -> Q:
    """``org_field IN (ids of the user's scope)`` when the scope is a known small list, else an
    empty Q. Only ever added to the policy's own test, never in its place: it narrows, it never
    admits; organisation scope, clearance, need-to-know and grants still decide within it."""
    ids = organization_ids(user)
    return Q() if ids is None else Q(**{f"{org_field}__in": ids})


def sees_every_organization(user: User) -> bool:
    """Does ``user``'s organisation scope hold every organisation of the installation (the
    leader of its only root organisation)? One query, cached on the user object with its
    positions (``forget`` drops it)."""
    if hasattr(user, "_vanthu_scope_all"):
        return bool(user._vanthu_scope_all)
    from vanthu.orgs.models import Organization

    every = False
    if user.is_authenticated and user.is_active and organization_ids(user) is None:
        every = not Organization.objects.exclude(organization_scope(user)).exists()
    user._vanthu_scope_all = every  # type: ignore[attr-defined]
    return every


def unclassified_in_scope(user: User, model: type[models.Model]) -> Q:
    """Q over rows of ``model`` that ``visible`` admits without asking anything else: the
    unclassified ones of the user's organisation scope (any clearance sees "none"; need-to-know
    and grants only ever add classified rows). A shortcut that may be OR-ed before the policy's
    own test, never used in its place (``registry.selectors._listed``). For a user who sees
    every organisation it is only the secrecy test, no organisation join."""
    spec = _spec(model)
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if sees_every_organization(user):
        q = Q(**{f"{spec.org_field}__isnull": False})
    else:
        q = organization_scope(user, spec.org_field)
    if spec.secrecy_field:
        q &= Q(**{spec.secrecy_field: Secrecy.NONE})
    return q


def visible(user: User, qs: QuerySet[M]) -> QuerySet[M]:
    """The objects of ``qs`` that ``user`` may see. The access rules are part of the query."""
    spec = _spec(qs.model)
    q = organization_scope(user, spec.org_field)
    if user.is_authenticated and any(r == Role.LEADER for _, r in _current_positions(user)):
        # A subtree is a range of paths on the joined organisations: SQLite then starts from
        # the organisations and sorts every row of the subtree (the archive's khai thác as the
        # head: about 5× less CPU with the ids, docs/benchmarks.md). A clerk's scope is one
        # organisation and its departments, which the lists' own indexes already serve; the
        # registry lists add the ids themselves (``registry.selectors``).
        q &= organization_bound(user, spec.org_field)
    if spec.secrecy_field:
        levels = Secrecy.at_most(user.clearance) if user.is_authenticated else ["none"]
        q &= Q(**{f"{spec.secrecy_field}__in": levels})
        q &= Q(**{spec.secrecy_field: Secrecy.NONE}) | _need_to_know(user, qs.model, spec)
    return qs.filter(q)


def _need_to_know(user: User, model: type[models.Model], spec: AccessSpec) -> Q:
    from vanthu.access.models import Grant

    q = Q(pk__in=[])
    for lookup in spec.participants:
        q |= Q(**{lookup: user.pk})
    if spec.clerks_need_to_know:
        kept = [org.pk for org, role in _current_positions(user) if role == Role.CLERK]
        if kept:
            q |= Q(**{f"{spec.org_field}__in": kept})
    now = timezone.now()
    live = Grant.objects.filter(
        grantee=user.pk,
        content_type=ContentType.objects.get_for_model(model),
        object_id=OuterRef("pk"),
        revoked_at__isnull=True,
    ).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
    return q | Q(Exists(live))


def get_visible_or_404(user: User, qs: QuerySet[M], **lookup: Any) -> M:
    """One object the user may see; missing and forbidden are the same 404."""
    try:
        return visible(user, qs).distinct().get(**lookup)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


def can_view(user: User, obj: models.Model) -> bool:
    model = type(obj)
    return visible(user, model._default_manager.filter(pk=obj.pk)).exists()


# --- administration ------------------------------------------------------------------------


def administered_organizations(user: User) -> Q:
    """Q over the organisations ``user`` administers: the subtree of each admin position."""
    if user.is_superuser:
        return Q()
    q = Q(pk__in=[])
    for org, role in _current_positions(user):
        if role == Role.ADMIN:
            q |= org.subtree_q()
    return q


def can_administer(user: User, organization: Organization | None) -> bool:
    """May ``user`` manage ``organization`` (None: create a root organisation)?"""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if organization is None:
        return False
    return any(
        role == Role.ADMIN and organization.is_within(org) for org, role in _current_positions(user)
    )


def roles_in(user: User, organization: Organization) -> set[str]:
    """The roles ``user`` currently holds in ``organization`` itself."""
    return {r for o, r in _current_positions(user) if o.pk == organization.pk}


def leads(user: User, organization: Organization) -> bool:
    """Is ``user`` a leader (lãnh đạo) of ``organization`` or of one above it?"""
    return any(
        role == Role.LEADER and organization.is_within(org)
        for org, role in _current_positions(user)
    )


def is_admin(user: User) -> bool:
    return user.is_superuser or any(r == Role.ADMIN for _, r in _current_positions(user))


def can(user: User, action: str, obj: Any) -> bool:
    """The single question every interface asks before acting."""
    from vanthu.orgs.models import Organization
    from vanthu.orgs.models import User as UserModel

    if action == "view":
        return can_view(user, obj)
    if action == "administer" and isinstance(obj, Organization):
        return can_administer(user, obj)
    if action == "administer" and isinstance(obj, UserModel):
        return can_administer(user, obj.organization)
    raise ValueError(f"unknown action {action!r} for {type(obj).__name__}")


def forget(user: User) -> None:
    """Drop the per-request cache of positions (after positions change)."""
    for cached in ("_vanthu_positions", "_vanthu_scope_ids", "_vanthu_scope_all"):
        if hasattr(user, cached):
            delattr(user, cached)


def raise_404() -> None:
    raise Http404
