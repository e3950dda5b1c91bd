"""More test keys for the signature tests: expired and self-signed signers, broken signatures.

Everything is generated at run time; nothing secret is committed."""

from __future__ import annotations

import datetime
import subprocess
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from fpdf import FPDF

from tests.exchange.test_signing import PASS, Pki, _name
from vanthu.exchange.signing import Appearance, sign_pdf


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


def signed_with(
    p12_bytes: bytes,
    pdf: bytes | None = None,
    *,
    field_name: str | None = None,
    appearance: Appearance | None = None,
) -> bytes:
    """``pdf`` (by default ``plain_pdf()``) signed with ``p12_bytes``; ``field_name`` and
    ``appearance`` as ``sign_pdf`` takes them (a competent person's visible signature)."""
    extra: dict[str, Any] = {}
    if field_name is not None:
        extra["field_name"] = field_name
    if appearance is not None:
        extra["appearance"] = appearance
    return sign_pdf(
        pdf or plain_pdf(), signer_p12=p12_bytes, passphrase=PASS, reason="Ban hành văn bản",
        location="Thành phố Hồ Chí Minh", **extra,
    )  # fmt: skip


def pdfsig(data: bytes, tmp_path: Path) -> str:
    """What poppler's ``pdfsig`` says of ``data`` (stdout and stderr)."""
    path = tmp_path / "check.pdf"
    path.write_bytes(data)
    done = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=60)
    return done.stdout + done.stderr


def tampered(signed: bytes) -> bytes:
    """One byte changed inside the signed range (the page text)."""
    at = signed.index(b"Cong van so 15")
    return signed[:at] + b"D" + signed[at + 1 :]


def broken_dictionary(signed: bytes) -> bytes:
    """The signature dictionary's /Contents replaced by a CMS blob that cannot be parsed
    (same length: the file's structure stays readable)."""
    start = signed.index(b"/Contents <") + len(b"/Contents <")
    return signed[:start] + b"3082ffff" + signed[start + 8 :]


# --- Revocation and long-term signatures (issue 9: CRLs, a timestamp authority, B-LT) -------


class RevocationPki:
    """A root CA whose certificates name a CRL distribution point, a good and a revoked signer,
    a timestamp authority's certificate, and CRLs built with ``cryptography`` at run time.

    ``crl_url`` is where the CRL is published (the loopback server of ``Authority``)."""

    def __init__(self, crl_url: str, ca_name: str = "Vanthu Test CA có CRL") -> None:
        from cryptography.x509.oid import ExtendedKeyUsageOID

        self.crl_url = crl_url
        self.ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        now = datetime.datetime.now(datetime.UTC)
        ca_usage = x509.KeyUsage(
            digital_signature=False, content_commitment=False, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
            encipher_only=False, decipher_only=False,
        )  # fmt: skip
        self.ca = (
            x509.CertificateBuilder()
            .subject_name(_name(ca_name))
            .issuer_name(_name(ca_name))
            .public_key(self.ca_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=30))
            .not_valid_after(now + datetime.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(ca_usage, critical=True)
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(self.ca_key.public_key()), False
            )
            .sign(self.ca_key, hashes.SHA256())
        )
        self.good_key, self.good = self._leaf("Văn thư Thành ủy (CRL)")
        self.revoked_key, self.revoked = self._leaf("Người ký bị thu hồi")
        self.tsa_key, self.tsa = self._leaf(
            "Vanthu Test TSA", eku=ExtendedKeyUsageOID.TIME_STAMPING, eku_critical=True
        )

    def _leaf(
        self, name: str, *, eku: x509.ObjectIdentifier | None = None, eku_critical: bool = False
    ) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
        from cryptography.x509.oid import ExtendedKeyUsageOID

        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        now = datetime.datetime.now(datetime.UTC)
        point = x509.DistributionPoint(
            full_name=[x509.UniformResourceIdentifier(self.crl_url)],
            relative_name=None, reasons=None, crl_issuer=None,
        )  # fmt: skip
        usage = x509.KeyUsage(
            digital_signature=True, content_commitment=eku is None, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
            encipher_only=False, decipher_only=False,
        )  # fmt: skip
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name(name))
            .issuer_name(self.ca.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=10))
            .not_valid_after(now + datetime.timedelta(days=180))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(usage, critical=True)
            .add_extension(
                x509.ExtendedKeyUsage([eku or ExtendedKeyUsageOID.EMAIL_PROTECTION]),
                critical=eku_critical,
            )
            .add_extension(x509.CRLDistributionPoints([point]), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.ca_key.public_key()),
                critical=False,
            )
            .sign(self.ca_key, hashes.SHA256())
        )
        return key, cert

    def crl(self, *, revoked_at: datetime.datetime | None = None, der: bool = True) -> bytes:
        """The CA's CRL, issued now, listing the revoked signer (revoked at ``revoked_at``,
        by default two days ago, for key compromise)."""
        now = datetime.datetime.now(datetime.UTC)
        when = revoked_at or now - datetime.timedelta(days=2)
        entry = (
            x509.RevokedCertificateBuilder()
            .serial_number(self.revoked.serial_number)
            .revocation_date(when)
            .add_extension(x509.CRLReason(x509.ReasonFlags.key_compromise), critical=False)
            .build()
        )
        crl = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self.ca.subject)
            .last_update(now - datetime.timedelta(seconds=1))
            .next_update(now + datetime.timedelta(days=7))
            .add_revoked_certificate(entry)
            .add_extension(x509.CRLNumber(1), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.ca_key.public_key()),
                critical=False,
            )
            .sign(self.ca_key, hashes.SHA256())
        )
        return crl.public_bytes(serialization.Encoding.DER if der else serialization.Encoding.PEM)

    @property
    def root_pem(self) -> bytes:
        return self.ca.public_bytes(serialization.Encoding.PEM)

    def p12(self, which: str = "good") -> bytes:
        if which == "good":
            return p12(self.good_key, self.good, [self.ca])
        return p12(self.revoked_key, self.revoked, [self.ca])

    def timestamper(self) -> Any:
        """pyHanko's own test TSA (``DummyTimeStamper``) with this CA's TSA certificate."""
        from asn1crypto import keys as asn1_keys
        from asn1crypto import x509 as asn1_x509
        from pyhanko.sign.timestamps import DummyTimeStamper

        key_der = self.tsa_key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        return DummyTimeStamper(
            tsa_cert=asn1_x509.Certificate.load(self.tsa.public_bytes(serialization.Encoding.DER)),
            tsa_key=asn1_keys.PrivateKeyInfo.load(key_der),
            certs_to_embed=[
                asn1_x509.Certificate.load(self.ca.public_bytes(serialization.Encoding.DER))
            ],
        )


class Authority:
    """A real HTTP server on loopback for the tests: an RFC 3161 timestamp authority at
    ``/tsa`` (pyHanko's test TSA answering real requests) and the CA's CRL at ``/crl``.

    Start with ``Authority.start()``, stop with ``stop()``; ``requests`` counts what was asked
    (a test can see that no CRL was fetched when fetching is off); the timestamp requests whose
    numbers (from 1) are in ``failing_stamps`` are answered 503 (a TSA down for a moment)."""

    def __init__(self, ca_name: str = "Vanthu Test CA có CRL") -> None:
        import http.server
        import threading

        self.ca_name = ca_name
        self.pki: RevocationPki | None = None
        self.crl_bytes = b""
        self.requests: list[str] = []
        self.failing_stamps: set[int] = set()
        authority = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep the test output clean
                pass

            def do_GET(self) -> None:
                authority.requests.append(f"GET {self.path}")
                if self.path == "/crl" and authority.crl_bytes:
                    self._answer(200, "application/pkix-crl", authority.crl_bytes)
                else:
                    self._answer(404, "text/plain", b"not found")

            def do_POST(self) -> None:
                from asn1crypto import tsp

                authority.requests.append(f"POST {self.path}")
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if self.path != "/tsa" or authority.pki is None:
                    self._answer(404, "text/plain", b"not found")
                    return
                stamps = sum(r == "POST /tsa" for r in authority.requests)
                if stamps in authority.failing_stamps:
                    self._answer(503, "text/plain", b"unavailable")
                    return
                request = tsp.TimeStampReq.load(body)
                reply = authority.pki.timestamper().request_tsa_response(request)
                self._answer(200, "application/timestamp-reply", reply.dump())

            def _answer(self, code: int, content_type: str, body: bytes) -> None:
                self.send_response(code)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> Authority:
        self.pki = RevocationPki(f"{self.base}/crl", self.ca_name)
        self.crl_bytes = self.pki.crl()
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)

    def configure(self, settings: Any, tmp_path: Path) -> Path:
        """Set up the installation as an office does: this CA's root trusted, its CRL in the
        CRL folder (returned), the loopback TSA; fetching off."""
        assert self.pki is not None
        roots = tmp_path / "goc"
        roots.mkdir()
        (roots / "ca.pem").write_bytes(self.pki.root_pem)
        crls = tmp_path / "crl"
        crls.mkdir()
        (crls / "ca.crl").write_bytes(self.crl_bytes)
        settings.VANTHU_EXCHANGE_TRUST_ROOTS = str(roots)
        settings.VANTHU_SIGNATURE_CRL_DIR = str(crls)
        settings.VANTHU_SIGNATURE_FETCH_REVOCATION = False
        settings.VANTHU_SIGNING_TSA_URL = f"{self.base}/tsa"
        settings.VANTHU_SIGNING_TSA_TIMEOUT_SECONDS = 5
        return crls
