"""Which dossiers a package holds when it is asked for by transfer or by fonds.

Both go through the archive's own reads (404 for a transfer or fonds the user may not see) and
the access policy for the dossiers, so a package never holds a dossier its maker may not see.
"""

from __future__ import annotations

from vanthu.access import policy
from vanthu.archive import selectors as archive
from vanthu.archive.models import Fonds, TransferItem
from vanthu.orgs.models import User
from vanthu.records.models import Dossier


def transfer_dossier_ids(actor: User, transfer_id: int) -> list[int]:
    """The dossiers of one transfer (mục lục hồ sơ nộp lưu), in the list's order."""
    transfer = archive.get_transfer(actor, transfer_id)
    listed = list(
        TransferItem.objects.filter(transfer=transfer)
        .order_by("position")
        .values_list("dossier_id", flat=True)
    )
    visible = set(
        policy.visible(actor, Dossier.objects.filter(pk__in=listed)).values_list("pk", flat=True)
    )
    return [pk for pk in listed if pk in visible]


def fonds_dossier_ids(actor: User, fonds_id: int) -> list[int]:
    """Every archived dossier of one fonds, by catalogue and file number."""
    fonds = policy.get_visible_or_404(actor, Fonds.objects.all(), pk=fonds_id)
    dossiers = Dossier.objects.filter(archival_unit__fonds=fonds)
    return list(
        policy.visible(actor, dossiers)
        .order_by("archival_unit__catalogue_number", "archival_unit__file_number", "pk")
        .values_list("pk", flat=True)
    )
