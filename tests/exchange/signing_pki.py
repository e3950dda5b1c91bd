"""More test keys for the signature tests: expired and self-signed signers, broken signatures.

Everything is generated at run time; nothing secret is committed."""

from __future__ import annotations

import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from fpdf import FPDF

from tests.exchange.test_signing import PASS, Pki, _name
from vanthu.exchange.signing import sign_pdf


def leaf(
    name: str,
    key: rsa.RSAPrivateKey,
    issuer: x509.Name | str,
    issuer_key: rsa.RSAPrivateKey,
    *,
    days: tuple[int, int] = (-1, 30),
) -> x509.Certificate:
    """A signer's certificate valid from ``now + days[0]`` to ``now + days[1]`` (days)."""
    now = datetime.datetime.now(datetime.UTC)
    usage = x509.KeyUsage(
        digital_signature=True, content_commitment=True, key_encipherment=False,
        data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
        encipher_only=False, decipher_only=False,
    )  # fmt: skip
    return (
        x509.CertificateBuilder()
        .subject_name(_name(name))
        .issuer_name(issuer if isinstance(issuer, x509.Name) else _name(issuer))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now + datetime.timedelta(days=days[0]))
        .not_valid_after(now + datetime.timedelta(days=days[1]))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .sign(issuer_key, hashes.SHA256())
    )


def p12(key: rsa.RSAPrivateKey, cert: x509.Certificate, chain: list[x509.Certificate]) -> bytes:
    return pkcs12.serialize_key_and_certificates(
        b"signer", key, cert, chain, serialization.BestAvailableEncryption(PASS.encode())
    )


def expired_p12(pki: Pki) -> bytes:
    """Issued by ``pki``'s root, valid 60 to 30 days ago."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = leaf("Người ký hết hạn", key, pki.ca.subject, pki.ca_key, days=(-60, -30))
    return p12(key, cert, [pki.ca])


def self_signed_p12() -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = leaf("Tự ký", key, "Tự ký", key)
    return p12(key, cert, [])


def plain_pdf(text: str = "Cong van so 15-CV/TU") -> bytes:
    doc = FPDF()
    doc.set_compression(False)  # so that a test can change one byte of the page text
    doc.add_page()
    doc.set_font("helvetica", size=12)
    doc.cell(text=text)
    return bytes(doc.output())


def signed_with(p12_bytes: bytes, pdf: bytes | None = None) -> bytes:
    return sign_pdf(
        pdf or plain_pdf(), signer_p12=p12_bytes, passphrase=PASS, reason="Ban hành văn bản",
        location="Thành phố Hồ Chí Minh",
    )  # fmt: skip


def tampered(signed: bytes) -> bytes:
    """One byte changed inside the signed range (the page text)."""
    at = signed.index(b"Cong van so 15")
    return signed[:at] + b"D" + signed[at + 1 :]


def broken_dictionary(signed: bytes) -> bytes:
    """The signature dictionary's /Contents replaced by a CMS blob that cannot be parsed
    (same length: the file's structure stays readable)."""
    start = signed.index(b"/Contents <") + len(b"/Contents <")
    return signed[:start] + b"3082ffff" + signed[start + 8 :]
