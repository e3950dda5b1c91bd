"""Signing with a key on a PKCS#11 token: a real SoftHSM token made at run time.

The token, its key and certificate are generated here (nothing secret is committed), in a
SoftHSM configuration of its own under the test's temporary folder. The signed PDF is checked
with pyHanko's validator and, independently, with poppler's pdfsig."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.exceptions import PermissionDenied

from tests.exchange import signing_pki as keys
from tests.exchange.test_signing import Pki
from vanthu.exchange import keys as org_keys
from vanthu.exchange.signing import Pkcs11Key, SigningError, sign_pdf
from vanthu.exchange.verify import verify_all, verify_pdf

MODULES = (
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
)
MODULE = next((m for m in MODULES if Path(m).is_file()), "")
TOKEN = "vanthu-test"
LABEL = "khoa-co-quan"
PIN = "246810"


def _require_softhsm() -> None:
    """Skip without softhsm2, except in CI (VANTHU_TEST_POSTGRES=1), where it must be there."""
    if MODULE and shutil.which("softhsm2-util"):
        return
    message = "softhsm2 is not installed (scripts/install-system-deps installs it)"
    if os.environ.get("VANTHU_TEST_POSTGRES") == "1":
        pytest.fail(message)
    pytest.skip(message)


class Token:
    def __init__(self, pki: Pki, folder: Path) -> None:
        self.pki = pki
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.cert = keys.leaf("Văn phòng Thành ủy", self.key, pki.ca.subject, pki.ca_key)
        tokens = folder / "tokens"
        tokens.mkdir()
        conf = folder / "softhsm2.conf"
        conf.write_text(f"directories.tokendir = {tokens}\nobjectstore.backend = file\n")
        self.env = {**os.environ, "SOFTHSM2_CONF": str(conf)}
        self._util("--init-token", "--free", "--label", TOKEN, "--pin", PIN, "--so-pin", "13579")
        pem = folder / "key.pem"
        pem.write_bytes(
            self.key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        self._util("--import", str(pem), "--token", TOKEN, "--label", LABEL, "--id", "01",
                   "--pin", PIN)  # fmt: skip
        pem.unlink()

    def _util(self, *args: str) -> None:
        done = subprocess.run(
            ["softhsm2-util", *args], env=self.env, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stdout + done.stderr

    def store_certificate(self) -> None:
        """softhsm2-util imports keys only: the certificate goes in through python-pkcs11."""
        import pkcs11
        from pkcs11 import Attribute, CertificateType, ObjectClass

        token = pkcs11.lib(MODULE).get_token(token_label=TOKEN)
        with token.open(user_pin=PIN, rw=True) as session:
            der = self.cert.public_bytes(serialization.Encoding.DER)
            session.create_object(
                {
                    Attribute.CLASS: ObjectClass.CERTIFICATE,
                    Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                    Attribute.TOKEN: True,
                    Attribute.LABEL: LABEL,
                    Attribute.ID: b"\x01",
                    Attribute.SUBJECT: self.cert.subject.public_bytes(),
                    Attribute.VALUE: der,
                }
            )


_made: list[Token] = []


@pytest.fixture
def token(tmp_path_factory: pytest.TempPathFactory) -> Token:
    """One token per test process: SoftHSM reads SOFTHSM2_CONF once, when the library is first
    loaded in the process, so a second token folder would never be seen (the tests that touch
    the database run in another order than the others, so a module fixture could run twice)."""
    _require_softhsm()
    if not _made:
        made = Token(Pki(), tmp_path_factory.mktemp("softhsm"))
        os.environ["SOFTHSM2_CONF"] = made.env["SOFTHSM2_CONF"]
        made.store_certificate()
        _made.append(made)
    return _made[0]


def _key(pin: str = PIN, label: str = LABEL) -> Pkcs11Key:
    return Pkcs11Key(module_path=MODULE, token_label=TOKEN, key_label=label, pin=pin)


def _pdfsig(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "signed.pdf"
    path.write_bytes(data)
    done = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=60)
    return done.stdout + done.stderr


def test_a_token_key_signs_through_the_same_path_and_both_validators_accept_it(
    token: Token, tmp_path: Path
) -> None:
    signed = sign_pdf(
        keys.plain_pdf(), key=_key(), reason="Ban hành văn bản", location="TP Hồ Chí Minh"
    )
    result = verify_pdf(signed, [token.pki.root_pem])
    assert result.ok and result.covers_whole_file, result.summary
    assert result.signer_name == "Văn phòng Thành ủy"
    assert b"/ETSI.CAdES.detached" in signed
    if shutil.which("pdfsig") is None:
        pytest.skip("poppler-utils is not installed")
    out = _pdfsig(signed, tmp_path)
    assert "Signature is Valid" in out and "Văn phòng Thành ủy" in out, out
    # And a changed byte fails both.
    bad = keys.tampered(signed)
    assert verify_pdf(bad, [token.pki.root_pem]).state == "invalid"
    assert "Signature is Valid" not in _pdfsig(bad, tmp_path)


def test_a_token_signature_added_to_a_pkcs12_one_keeps_both_valid(token: Token) -> None:
    first = keys.signed_with(token.pki.p12)
    both = sign_pdf(
        first, key=_key(), reason="Ký số của cơ quan", location="TP HCM", field_name="CoQuan"
    )
    results = verify_all(both, [token.pki.root_pem])
    assert [r.state for r in results] == ["valid", "valid"]


def test_a_wrong_pin_or_key_label_is_refused_clearly(token: Token) -> None:
    with pytest.raises(SigningError, match="thiết bị ký số"):
        sign_pdf(keys.plain_pdf(), key=_key(pin="000000"), reason="x", location="y")
    with pytest.raises(SigningError, match="không có khóa “khong-co”"):
        sign_pdf(keys.plain_pdf(), key=_key(label="khong-co"), reason="x", location="y")
    missing = Pkcs11Key(module_path="/khong/co.so", token_label=TOKEN, key_label=LABEL, pin=PIN)
    with pytest.raises(SigningError, match="thư viện PKCS#11"):
        sign_pdf(keys.plain_pdf(), key=missing, reason="x", location="y")


@pytest.mark.django_db
def test_the_organisation_token_key_is_for_its_office_only(
    token: Token,
    tmp_path: Path,
    settings: Any,
    city: Any,
    make_user: Callable[..., Any],
) -> None:
    pin_file = tmp_path / "pin"
    pin_file.write_text(PIN + "\n")
    settings.VANTHU_SIGNING_PKCS11_MODULE = MODULE
    settings.VANTHU_SIGNING_PKCS11_TOKEN = TOKEN
    settings.VANTHU_SIGNING_PKCS11_KEY_LABEL = LABEL
    settings.VANTHU_SIGNING_PKCS11_PIN_SOURCE = f"file:{pin_file}"
    clerk = make_user(username="vt_ky", organization=city.tu, roles=["clerk"])
    specialist = make_user(username="cv_ky", organization=city.tu, roles=["specialist"])
    other_clerk = make_user(username="vt_khac", organization=city.vp, roles=["clerk"])

    key = org_keys.organization_key(actor=clerk, organization=city.tu)
    signed = sign_pdf(keys.plain_pdf(), key=key, reason="Ban hành", location="TP HCM")
    assert verify_pdf(signed, [token.pki.root_pem]).ok
    for outsider in (specialist, other_clerk):
        with pytest.raises(PermissionDenied, match="Chỉ văn thư"):
            org_keys.organization_key(actor=outsider, organization=city.tu)

    settings.VANTHU_SIGNING_PKCS11_PIN_SOURCE = "pin-viet-thang"
    with pytest.raises(SigningError, match="Nguồn mã PIN không hợp lệ"):
        org_keys.organization_key(actor=clerk, organization=city.tu)
    settings.VANTHU_SIGNING_PKCS11_PIN_SOURCE = "env:VANTHU_TEST_PIN_KHONG_CO"
    with pytest.raises(SigningError, match="đang trống"):
        org_keys.organization_key(actor=clerk, organization=city.tu)
