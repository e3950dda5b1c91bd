"""Revocation data the installation configures (docs/signatures.md, "Thu hồi chứng thư").

Offices are often air-gapped, so revocation data comes first from files: the CRLs in the folder
``VANTHU_SIGNATURE_CRL_DIR`` (next to the trust roots; ``*.crl``, ``*.pem``, ``*.der``, one or
many CRLs per file, PEM or DER), which the office refreshes from its certificate authority
(e.g. Ban Cơ yếu Chính phủ publishes its CRLs). Fetching over the network (the certificates' CRL
distribution points and OCSP responders) happens only when ``VANTHU_SIGNATURE_FETCH_REVOCATION``
allows it, and never in the isolated zone.

A bad setting never stops a check or a signing: a missing folder, an unreadable or invalid CRL
file is reported (``problems``, in Vietnamese) and left out; what remains is used.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from asn1crypto import crl as asn1_crl
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)

CRL_SUFFIXES = (".crl", ".pem", ".der")


@dataclass(frozen=True)
class RevocationData:
    """The CRLs read from the configured folder, whether fetching is allowed, and what went
    wrong reading them."""

    crls: tuple[asn1_crl.CertificateList, ...] = ()
    fetching: bool = False
    problems: tuple[str, ...] = field(default=())

    def crls_for(self, issuers: Iterable[asn1_x509.Name]) -> list[asn1_crl.CertificateList]:
        """The CRLs issued by one of ``issuers`` (what belongs in a signature's DSS)."""
        wanted = {name.dump() for name in issuers}
        return [c for c in self.crls if c.issuer.dump() in wanted]

    def covers(self, chain: Iterable[asn1_x509.Certificate]) -> bool:
        """Whether there is revocation data to look at for every certificate of ``chain``
        that is not self-signed: a configured CRL of its issuer, or fetching allowed."""
        if self.fetching:
            return True
        issuers = {c.issuer.dump() for c in self.crls}
        return all(
            cert.issuer.dump() in issuers
            for cert in chain
            if cert.issuer.dump() != cert.subject.dump()
        )


def fetching_allowed() -> bool:
    """Network fetching of revocation data: only when configured, never in the isolated zone."""
    if getattr(settings, "VANTHU_SECURITY_ZONE", "connected") == "isolated":
        return False
    return bool(getattr(settings, "VANTHU_SIGNATURE_FETCH_REVOCATION", False))


def load_crls(blob: bytes) -> list[asn1_crl.CertificateList]:
    """The CRLs in PEM (one or many) or DER bytes; ``ValueError`` when there is none."""
    if pem.detect(blob):
        found = [
            asn1_crl.CertificateList.load(der)
            for kind, _headers, der in pem.unarmor(blob, multiple=True)
            if kind == "X509 CRL"
        ]
    else:
        found = [asn1_crl.CertificateList.load(blob)]
    for item in found:
        # asn1crypto parses lazily: touch the fields we rely on so that junk fails here.
        _ = item.issuer.human_friendly, item["tbs_cert_list"]["this_update"].native
    if not found:
        raise ValueError("no CRL")
    return found


_cache_lock = threading.Lock()
_cache: dict[str, tuple[tuple[tuple[str, int, int], ...], RevocationData]] = {}


def configured() -> RevocationData:
    """The installation's revocation data. The folder is read again only when a file in it
    changed (name, size or modification time): a national CA's CRL can be megabytes."""
    fetching = fetching_allowed()
    where = str(getattr(settings, "VANTHU_SIGNATURE_CRL_DIR", "") or "")
    if not where:
        return RevocationData(fetching=fetching)
    folder = Path(where)
    if not folder.is_dir():
        problem = (
            _(
                "Thư mục danh sách chứng thư bị thu hồi (CRL) “%s” không tồn tại (hoặc không "
                "phải thư mục)."
            )
            % where
        )
        log.warning(problem)
        return RevocationData(fetching=fetching, problems=(problem,))
    try:
        files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix in CRL_SUFFIXES)
        stamp = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in files)
    except OSError as exc:
        problem = _("Không đọc được thư mục CRL “%(dir)s”: %(error)s") % {
            "dir": where,
            "error": exc.strerror or type(exc).__name__,
        }
        log.warning(problem)
        return RevocationData(fetching=fetching, problems=(problem,))
    with _cache_lock:
        cached = _cache.get(where)
    if cached is not None and cached[0] == stamp:
        data = cached[1]
    else:
        data = _read(files)
        with _cache_lock:
            _cache[where] = (stamp, data)
    return RevocationData(crls=data.crls, fetching=fetching, problems=data.problems)


def _read(files: list[Path]) -> RevocationData:
    crls: list[asn1_crl.CertificateList] = []
    problems: list[str] = []
    for path in files:
        try:
            crls.extend(load_crls(path.read_bytes()))
        except OSError as exc:
            problems.append(
                _("Không đọc được tệp CRL “%(name)s”: %(error)s")
                % {"name": path.name, "error": exc.strerror or type(exc).__name__}
            )
        except (ValueError, TypeError, KeyError) as exc:
            problems.append(
                _("Tệp CRL “%(name)s” không hợp lệ, đã bỏ qua (%(error)s).")
                % {"name": path.name, "error": type(exc).__name__}
            )
    for problem in problems:
        log.warning(problem)
    return RevocationData(crls=tuple(crls), problems=tuple(problems))
