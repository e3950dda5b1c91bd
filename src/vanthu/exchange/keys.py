"""The organisation's signing key: from a PKCS#11 token or a PKCS#12 file (docs/exchange.md,
"Khóa ký số"). Only the office (văn thư) of the organisation may use it."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from vanthu.access.policy import roles_in
from vanthu.core.enums import Role
from vanthu.exchange.signing import Pkcs11Key, Pkcs12Key, SigningError, SigningKey
from vanthu.orgs.models import Organization, User


def _setting(name: str) -> str:
    return str(getattr(settings, name, "") or "")


def read_pin(source: str) -> str:
    """The token PIN from ``file:PATH`` (a file only the service can read) or ``env:NAME``.

    A PIN is never written in the settings themselves."""
    kind, _sep, where = source.partition(":")
    if kind == "file" and where:
        try:
            return Path(where).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise SigningError(_("Không đọc được tệp mã PIN của thiết bị ký số.")) from exc
    if kind == "env" and where:
        pin = os.environ.get(where, "")
        if not pin:
            raise SigningError(_("Biến môi trường chứa mã PIN của thiết bị ký số đang trống."))
        return pin
    raise SigningError(_("Nguồn mã PIN không hợp lệ: dùng “file:đường-dẫn” hoặc “env:TÊN_BIẾN”."))


def configured_key() -> SigningKey | None:
    """The installation's organisation key, PKCS#11 first; None when none is configured."""
    module = _setting("VANTHU_SIGNING_PKCS11_MODULE")
    if module:
        return Pkcs11Key(
            module_path=module,
            token_label=_setting("VANTHU_SIGNING_PKCS11_TOKEN"),
            key_label=_setting("VANTHU_SIGNING_PKCS11_KEY_LABEL"),
            cert_label=_setting("VANTHU_SIGNING_PKCS11_CERT_LABEL"),
            pin=read_pin(_setting("VANTHU_SIGNING_PKCS11_PIN_SOURCE")),
        )
    p12 = _setting("VANTHU_SIGNING_KEY_P12")
    if p12:
        try:
            data = Path(p12).read_bytes()
        except OSError as exc:
            raise SigningError(_("Không đọc được tệp khóa PKCS#12 của cơ quan.")) from exc
        return Pkcs12Key(data, _setting("VANTHU_SIGNING_KEY_PASSPHRASE"))
    return None


def organization_key(*, actor: User, organization: Organization) -> SigningKey:
    """The organisation's key for ``actor``: only its office (văn thư) signs with it."""
    if Role.CLERK not in roles_in(actor, organization):
        raise PermissionDenied(_("Chỉ văn thư của cơ quan được dùng khóa ký số của cơ quan."))
    key = configured_key()
    if key is None:
        raise SigningError(_("Chưa cấu hình khóa ký số của cơ quan."))
    return key
