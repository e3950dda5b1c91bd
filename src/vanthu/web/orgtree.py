"""Reads behind the administration pages: only what the acting admin manages.

Every function filters through ``vanthu.access.policy`` (administered_organizations /
can_administer); an organisation or user outside the admin's subtree is a 404, never a 403.
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from vanthu.access import policy
from vanthu.core.text import fold
from vanthu.orgs import selectors
from vanthu.orgs.models import Organization, User

CHILDREN_PAGE = 100
LOOKUP_LIMIT = 20
USERS_PAGE = 50


def require_admin(user: User) -> None:
    """The administration pages do not exist for non-admins (404, as for invisible objects)."""
    if not user.is_authenticated or not policy.is_admin(user):
        raise Http404


def administered(user: User) -> QuerySet[Organization]:
    return Organization.objects.filter(policy.administered_organizations(user))


def with_child_counts(qs: QuerySet[Organization]) -> QuerySet[Organization]:
    return qs.annotate(child_count=Count("children"))


def tree_roots(user: User) -> QuerySet[Organization]:
    """The top of the tree the admin sees: the roots, or the organisations they administer."""
    if user.is_superuser:
        qs = Organization.objects.filter(parent__isnull=True)
    else:
        # The topmost administered organisations: those whose parent is not administered too.
        mine = administered(user)
        qs = mine.exclude(parent__in=mine)
    return with_child_counts(qs).order_by("name", "pk")


def children(user: User, parent: Organization, offset: int = 0) -> list[Organization]:
    qs = with_child_counts(Organization.objects.filter(parent=parent)).order_by("name", "pk")
    return list(qs[offset : offset + CHILDREN_PAGE + 1])


def administered_or_404(user: User, pk: int) -> Organization:
    org = Organization.objects.filter(pk=pk).first()
    if org is None or not policy.can_administer(user, org):
        raise Http404
    return org


def lookup(user: User, query: str) -> list[Organization]:
    """At most LOOKUP_LIMIT administered organisations matching ``query`` (name or code).

    Filtered on the server (style.md: lookup widgets never ship 3,000 options).
    """
    query = query.strip()
    if not query:
        return []
    qs = administered(user).select_related("parent")
    words = [w for w in query.split() if w]
    cond = Q()
    for word in words:
        cond &= Q(name__icontains=word) | Q(code__icontains=word) | Q(symbol__iexact=word)
    exact = list(qs.filter(cond).order_by("depth", "name")[:LOOKUP_LIMIT])
    if exact or not words:
        return exact
    # Nothing with the diacritics as typed: match again on the folded name ("dang uy" finds
    # "Đảng ủy"), scanning a bounded slice so that the lookup stays fast.
    folded = [fold(w) for w in words]
    found: list[Organization] = []
    for org in qs.order_by("depth", "name").iterator(chunk_size=500):
        haystack = fold(f"{org.name} {org.code}")
        if all(w in haystack for w in folded):
            found.append(org)
            if len(found) >= LOOKUP_LIMIT:
                break
    return found


def users(
    user: User, *, query: str = "", organization: Organization | None = None
) -> QuerySet[User]:
    qs = selectors.administered_users(user)
    if organization is not None:
        qs = qs.filter(organization__in=Organization.objects.filter(organization.subtree_q()))
    query = query.strip()
    if query:
        qs = qs.filter(Q(username__icontains=query) | Q(full_name__icontains=query))
    return qs


def user_or_404(actor: User, pk: int) -> User:
    found = selectors.administered_users(actor).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found
