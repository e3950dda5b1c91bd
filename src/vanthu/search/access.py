"""Access tokens: the access policy as words stored in each index entry (docs/search.md, "Access").

The engine matches a user's tokens together with the text, so the window and the count only
ever hold entries the policy lets the user see. The tokens are derived from
``vanthu.access.policy`` and must say exactly what it says:

Organisation scope (``policy.organization_scope``), for a document owned by organisation O:

- ``o<O>``: "objects of O itself", what any position in O sees;
- ``t<A>`` for O and each organisation A above it: "the subtree of A", what a leader of A sees
  (so a city leader's scope over 3,000 organisations is one token, not 3,000);
- ``d<A>`` for O and each organisation A above it, only when O is an internal department:
  "a department in A's subtree", what a non-leader position in A also sees.

Secrecy: ``s<level>`` (``snone``, ``sconfidential``, ``ssecret``, ``stopsecret``).

Need-to-know (participants, the owning organisation's clerks, live grants) changes without the
document changing, and a grant expires with time: it is not a token. Classified entries are
matched by organisation and clearance tokens, then checked per match by the policy's own SQL
(selectors.py), and every window is re-checked against the policy before it is counted.

A token is a run of ASCII letters and digits, so FTS5's tokenizer keeps it whole and it never
meets user text: it is stored in its own column (``access``), which no text query names.
"""

from __future__ import annotations

from collections.abc import Sequence

from vanthu.access.policy import current_positions
from vanthu.core.enums import OrgKind, Role, Secrecy
from vanthu.orgs.models import PATH_SEGMENT, User


def secrecy_token(level: str) -> str:
    return "s" + level.replace("_", "")


def path_ids(path: str) -> list[int]:
    """The organisation ids of a materialised path, root first (the last is the owner)."""
    return [int(path[i : i + PATH_SEGMENT]) for i in range(0, len(path), PATH_SEGMENT)]


def organization_tokens(path: str, kind: str) -> list[str]:
    """The scope tokens of an object owned by the organisation at ``path`` of ``kind``."""
    ids = path_ids(path)
    if not ids:
        return []
    tokens = [f"o{ids[-1]}", *(f"t{i}" for i in ids)]
    if kind == OrgKind.DEPARTMENT:
        tokens += [f"d{i}" for i in ids]
    return tokens


def document_tokens(path: str, kind: str, secrecy: str) -> list[str]:
    """Every access token of a document: its organisation's scope tokens and its secrecy."""
    return [*organization_tokens(path, kind), secrecy_token(secrecy)]


def user_scope_tokens(user: User) -> list[str]:
    """Tokens of which an entry must hold one for its organisation to be in ``user``'s scope.

    The same rule as ``policy.organization_scope``: a leader sees the subtree (``t``), any other
    position its own organisation (``o``) and the departments below it (``d``). Empty when the
    user holds no current position (or is inactive): nothing is in scope.
    """
    if not user.is_authenticated or not user.is_active:
        return []
    tokens: list[str] = []
    for org, role in current_positions(user):
        if role == Role.LEADER:
            tokens.append(f"t{org.pk}")
        else:
            tokens += [f"o{org.pk}", f"d{org.pk}"]
    return list(dict.fromkeys(tokens))


def user_classified_levels(user: User) -> list[str]:
    """The classified secrecy levels ``user``'s clearance reaches (empty: none)."""
    if not user.is_authenticated:
        return []
    return [level for level in Secrecy.at_most(user.clearance) if level != Secrecy.NONE]


def any_of(tokens: Sequence[str]) -> list[str]:
    """Sorted, de-duplicated: a stable statement text for the same user."""
    return sorted(set(tokens))
