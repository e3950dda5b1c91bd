"""XML-DSig on edXML messages: we sign what we send, and check what partners send.

Why signed packages rather than client certificates (mutual TLS): the signature travels with
the message, so it still proves who sent it after a reverse proxy, a national-axis relay or an
archive copy; mutual TLS ends at the first proxy and proves nothing about the stored bytes.
QCVN 102:2016 also places an ``edXML:Signature`` (XML-DSig) in ``edXMLHeader`` (domain.md §7.2).

The signature is enveloped (the reference is the whole document, ``URI=""``), exclusive C14N,
SHA-256 with RSA or ECDSA (from the key type), made with signxml over lxml and cryptography.
Our key is a PKCS#12 file (``VANTHU_EXCHANGE_KEY_P12``, ``VANTHU_EXCHANGE_KEY_PASSPHRASE``);
without one, messages go unsigned, which partners that have no certificate of ours accept.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from lxml import etree
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import PathError, RevokedError
from pyhanko_certvalidator.errors import ValidationError as ChainError
from signxml import (
    CanonicalizationMethod,
    DigestAlgorithm,
    SignatureConfiguration,
    SignatureMethod,
    XMLSigner,
    XMLVerifier,
)
from signxml.exceptions import InvalidCertificate, InvalidDigest, InvalidInput, InvalidSignature

from vanthu.exchange import revocation
from vanthu.exchange.safexml import NS, EdxmlError, safe_parse
from vanthu.exchange.verify import REASONS, VN, configured_trust_roots

DS = "http://www.w3.org/2000/09/xmldsig#"
_PACKAGE_PARENT = f"{{{NS}}}edXMLEnvelope/{{{NS}}}edXMLHeader"
_STATUS_PARENT = f"{{{NS}}}Header"
_METHODS = frozenset({SignatureMethod.RSA_SHA256, SignatureMethod.ECDSA_SHA256})


class SignatureError(EdxmlError):
    """A message whose signature is missing, misplaced, wrong or over altered content."""

    reason = "signature"


class RevokedCertificate(SignatureError):
    """A message signed with a partner certificate that the revocation data says is revoked."""

    reason = "revoked"


@dataclass(frozen=True)
class ExchangeKey:
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
    certificate: x509.Certificate

    @property
    def certificate_pem(self) -> str:
        return self.certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")


def load_key(path: str, passphrase: str) -> ExchangeKey:
    """Our exchange key from a PKCS#12 file; a clear error when it cannot be used."""
    try:
        key, cert, _chain = pkcs12.load_key_and_certificates(
            Path(path).read_bytes(), passphrase.encode() if passphrase else None
        )
    except (OSError, ValueError) as exc:
        raise ImproperlyConfigured(
            _("Không đọc được khóa liên thông %(path)s (tệp PKCS#12, mật khẩu): %(err)s")
            % {"path": path, "err": exc}
        ) from exc
    if cert is None or not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise ImproperlyConfigured(
            _("Tệp %s phải chứa một khóa RSA hoặc ECDSA và chứng thư số của nó.") % path
        )
    return ExchangeKey(key=key, certificate=cert)


@cache
def _configured_key(path: str, passphrase: str) -> ExchangeKey:
    return load_key(path, passphrase)


def exchange_key() -> ExchangeKey | None:
    """The installation's exchange key, or None when none is configured (messages unsigned)."""
    path = getattr(settings, "VANTHU_EXCHANGE_KEY_P12", "")
    if not path:
        return None
    return _configured_key(path, getattr(settings, "VANTHU_EXCHANGE_KEY_PASSPHRASE", ""))


def _parent(root: etree._Element) -> etree._Element:
    parent = root.find(
        _PACKAGE_PARENT if etree.QName(root).localname == "edXML" else _STATUS_PARENT
    )
    if parent is None:
        raise EdxmlError(_("Thông điệp edXML thiếu phần tiêu đề để đặt chữ ký số."))
    return parent


def sign(data: bytes, key: ExchangeKey | None = None) -> bytes:
    """Sign one message we built (package or status); unchanged when no key is configured."""
    key = key or exchange_key()
    if key is None:
        return data
    root = safe_parse(data)
    # signxml puts the signature where this placeholder is: edXMLHeader (as QCVN 102 does) or
    # the status message's Header.
    etree.SubElement(_parent(root), f"{{{DS}}}Signature", Id="placeholder", nsmap={"ds": DS})
    method = (
        SignatureMethod.RSA_SHA256
        if isinstance(key.key, rsa.RSAPrivateKey)
        else SignatureMethod.ECDSA_SHA256
    )
    signer = XMLSigner(
        signature_algorithm=method,
        digest_algorithm=DigestAlgorithm.SHA256,
        c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0,
    )
    signed = signer.sign(root, key=key.key, cert=[key.certificate])
    return bytes(etree.tostring(signed, xml_declaration=True, encoding="UTF-8"))


def is_signed(root: etree._Element) -> bool:
    return root.find(f".//{{{DS}}}Signature") is not None


def verify(data: bytes, certificate_pem: str) -> bytes:
    """Check a partner's message against its certificate; return the bytes that were signed.

    ``safe_parse`` runs first, so a DTD, an entity bomb or an oversized message is refused
    before any signature code reads it. Without a partner certificate the message is returned
    as it came (a signature, if any, cannot be checked and proves nothing). What is returned
    on success is the signed document itself (without its signature), never the bytes around
    it, so nothing unsigned can ride along.
    """
    root = safe_parse(data)
    if not certificate_pem.strip():
        return data
    try:
        certificate = x509.load_pem_x509_certificate(certificate_pem.encode())
    except ValueError as exc:
        raise SignatureError(
            _("Chứng thư số đã khai báo cho đối tác không đọc được (PEM); báo quản trị hệ thống.")
        ) from exc
    signatures = root.findall(f".//{{{DS}}}Signature")
    if not signatures:
        raise SignatureError(_("Thông điệp chưa được ký số; đối tác này phải ký mọi thông điệp."))
    if len(signatures) > 1 or signatures[0].getparent() is not _parent(root):
        raise SignatureError(_("Chữ ký số không đúng vị trí trong thông điệp edXML."))
    parent = _PACKAGE_PARENT if etree.QName(root).localname == "edXML" else _STATUS_PARENT
    config = SignatureConfiguration(
        require_x509=True,
        location=f"./{parent}/",
        signature_methods=_METHODS,
        digest_algorithms=frozenset({DigestAlgorithm.SHA256}),
        expect_references=1,
    )
    try:
        result = XMLVerifier().verify(root, x509_cert=certificate, expect_config=config)
    except InvalidDigest as exc:
        raise SignatureError(
            _("Nội dung thông điệp đã bị thay đổi sau khi ký số (%s).") % exc
        ) from exc
    except InvalidCertificate as exc:
        raise SignatureError(
            _("Chứng thư số của đối tác hết hạn hoặc chưa có hiệu lực (%s).") % exc
        ) from exc
    except (InvalidSignature, InvalidInput, ValueError) as exc:
        raise SignatureError(
            _("Chữ ký số không khớp chứng thư số đã khai báo của đối tác (sai khóa): %s") % exc
        ) from exc
    # expect_references=1: one result, whose reference must be the whole document (URI="").
    signed = result.signed_xml if not isinstance(result, list) else None
    if signed is None or etree.QName(signed).localname != etree.QName(root).localname:
        raise SignatureError(_("Chữ ký số không bao trùm toàn bộ thông điệp."))
    not_revoked(certificate)
    return bytes(etree.tostring(signed, xml_declaration=True, encoding="UTF-8"))


def not_revoked(certificate: x509.Certificate) -> None:
    """Refuse a partner certificate that the installation's revocation data says is revoked.

    The same data as for PDFs (``exchange.revocation``): the CRLs in ``VANTHU_SIGNATURE_CRL_DIR``
    and, when allowed, fetching from the certificate's CRL distribution points or OCSP. A CRL
    counts only once its signature is checked against the CA's certificate, so the check runs
    when the certificate chains to a configured trust root (``VANTHU_EXCHANGE_TRUST_ROOTS``,
    the CA's certificate there). Anything else — no revocation data, no chain to a root (a
    self-signed partner certificate), a CRL of another CA — leaves the pinned certificate
    accepted as before: revocation says nothing about it. The check is at the time of receipt:
    a message carries no trusted time of its own.
    """
    data = revocation.configured()
    if not data.crls and not data.fetching:
        return
    cert = asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))
    context = ValidationContext(
        trust_roots=configured_trust_roots(),
        crls=list(data.crls),
        allow_fetching=data.fetching,
        revocation_mode="soft-fail",
    )
    validator = CertificateValidator(cert, validation_context=context)
    try:
        asyncio.run(validator.async_validate_usage(set()))
    except RevokedError as exc:
        when = exc.revocation_dt.astimezone(VN).strftime("%d/%m/%Y %H:%M:%S")
        why = REASONS.get(str(exc.reason.native or ""), str(exc.reason.native or ""))
        raise RevokedCertificate(
            _(
                "Chứng thư số của đối tác đã bị thu hồi (thu hồi lúc %(when)s, lý do: %(why)s); "
                "không nhận thông điệp ký bằng chứng thư này."
            )
            % {"when": when, "why": why}
        ) from exc
    except (PathError, ChainError, ValueError):
        return  # no path to a root, expired …: not a revocation verdict (pinned, as before)
