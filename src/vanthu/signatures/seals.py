"""The organisation's seal image: set by its administrator, drawn with its digital signature
(NĐ 30 Phụ lục I; docs/signatures.md, "Ảnh con dấu và chữ ký")."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vanthu.access.policy import roles_in
from vanthu.audit.services import record
from vanthu.core.enums import Role
from vanthu.exchange.signing import SigningError, png_image
from vanthu.orgs.models import Organization, User

from .models import SealImage

DEFAULT_DIAMETER_MM = Decimal("36")  # the common round seal of a Party committee office


def require_seal_admin(actor: User, organization: Organization) -> None:
    if actor.is_superuser or Role.ADMIN in roles_in(actor, organization):
        return
    raise PermissionDenied(_("Chỉ quản trị hệ thống được đặt ảnh con dấu của cơ quan."))


@transaction.atomic
def set_seal_image(
    *,
    actor: User,
    organization: Organization,
    png: bytes,
    diameter_mm: Decimal = DEFAULT_DIAMETER_MM,
) -> SealImage:
    """Keep ``png`` as the organisation's seal image (replacing the previous one); audited."""
    require_seal_admin(actor, organization)
    errors: dict[str, list[str]] = {}
    try:
        png_image(png, _("con dấu"))
    except SigningError as exc:
        errors["png"] = [str(exc)]
    if not Decimal(10) <= diameter_mm <= Decimal(80):
        errors["diameter_mm"] = [_("Đường kính dấu phải từ 10 đến 80 mm.")]
    if errors:
        raise ValidationError(errors)
    sha = hashlib.sha256(png).hexdigest()
    seal, _created = SealImage.objects.update_or_create(
        organization=organization,
        defaults={
            "png": png,
            "sha256": sha,
            "diameter_mm": diameter_mm,
            "uploaded_by": actor,
            "uploaded_at": timezone.now(),
        },
    )
    record(
        action="signatures.seal.set",
        actor=actor,
        organization=organization,
        obj=organization,
        details={"sha256": sha, "diameter_mm": str(diameter_mm)},
    )
    return seal


def seal_for(organization: Organization) -> tuple[bytes, float] | None:
    """The seal image and its diameter in mm: the organisation's own, else the installation's
    ``VANTHU_SIGNING_SEAL_IMAGE`` (one PNG file, or a folder of ``<organisation code>.png``)."""
    seal = SealImage.objects.filter(organization=organization).first()
    if seal is not None:
        return bytes(seal.png), float(seal.diameter_mm)
    where = str(getattr(settings, "VANTHU_SIGNING_SEAL_IMAGE", "") or "")
    if not where:
        return None
    path = Path(where)
    if path.is_dir():
        path = path / f"{organization.code}.png"
    try:
        return path.read_bytes(), float(DEFAULT_DIAMETER_MM)
    except OSError:
        return None
