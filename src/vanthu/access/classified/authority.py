"""Who may decide what about a classified document.

- Protection decisions (gia hạn, rút ngắn, giảm mật, giải mật): Luật BVBMNN 2018 Điều 20–22 give
  them to the head who set the level: here a leader of the document's organisation or of one
  above it.
- Copying (NĐ 26/2020 Điều 3, Luật BVBMNN 2018 Điều 11): the higher the level, the higher the
  leader (domain.md §5.1). Tuyệt mật: a leader of the top committee (an organisation with no
  parent); Tối mật: a leader of a committee or an agency at or above the document's
  organisation; Mật: a leader of any organisation at or above it. The matrix is data below.
Superusers are technical administrators and decide none of these.
"""

from __future__ import annotations

from vanthu.access import policy
from vanthu.core.enums import OrgKind, Role, Secrecy
from vanthu.orgs.models import Organization, User

# Which organisations' leaders may authorise copying each level (None: any kind).
COPY_AUTHORITY: dict[str, tuple[frozenset[str] | None, bool]] = {
    # level: (kinds of the leader's organisation, must be a top organisation)
    Secrecy.TOP_SECRET.value: (frozenset({OrgKind.COMMITTEE.value}), True),
    Secrecy.SECRET.value: (frozenset({OrgKind.COMMITTEE.value, OrgKind.AGENCY.value}), False),
    Secrecy.CONFIDENTIAL.value: (None, False),
}


def _led(user: User, organization: Organization) -> list[Organization]:
    """The organisations at or above ``organization`` that ``user`` leads now."""
    return [
        org
        for org, role in policy.current_positions(user)
        if role == Role.LEADER and organization.is_within(org)
    ]


def may_decide_protection(user: User, organization: Organization) -> bool:
    return bool(_led(user, organization))


def may_authorise_copy(user: User, organization: Organization, secrecy: str) -> bool:
    if Secrecy.rank(user.clearance) < Secrecy.rank(secrecy):
        return False
    kinds, top_only = COPY_AUTHORITY.get(secrecy, (None, False))
    for org in _led(user, organization):
        if kinds is not None and org.kind not in kinds:
            continue
        if top_only and org.parent_id is not None:
            continue
        return True
    return False


def keeps_register(user: User, organization: Organization) -> bool:
    """Clerks and leaders of the organisation (or leaders above it) keep its classified
    registers: they record copies issued and hand-overs."""
    roles = policy.roles_in(user, organization)
    return Role.CLERK in roles or bool(_led(user, organization))
