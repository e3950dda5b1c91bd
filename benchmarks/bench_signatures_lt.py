"""Revocation checking and B-LT signing (issue 9, docs/signatures.md "Thu hồi chứng thư").

CPU time (``time.process_time``) per operation, median and p95 of ``BENCH_SIG_REPEAT`` (20)
runs, for the check every attached PDF gets and for the organisation's signature:

- the check of a B-B signature with no CRL configured (revocation ``unknown``: one validation,
  what every installation without CRLs pays);
- the same with a CRL folder holding the issuer's CRL of ``BENCH_SIG_CRL_ENTRIES`` (10,000)
  revoked serials (``good``: the "require" validation);
- the same with only another CA's CRL (``unknown`` after trying: two validations);
- a B-LT file checked with no folder (the DSS's CRL);
- reading the CRL folder the first time and when nothing changed (cached);
- signing B-B and B-LT (the loopback TSA answers in this process, so its CPU is counted).

The CA, keys, CRLs and the timestamp authority are made at run time (tests/exchange/
signing_pki.py). No database. Run: ``.venv/bin/python -m benchmarks bench_signatures_lt``.
"""

from __future__ import annotations

import datetime
import math
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPEAT = int(os.environ.get("BENCH_SIG_REPEAT", "20"))
ENTRIES = int(os.environ.get("BENCH_SIG_CRL_ENTRIES", "10000"))


def _cpu(n: int, work: Callable[[], object]) -> tuple[float, float]:
    times = []
    for _ in range(n):
        start = time.process_time()
        work()
        times.append((time.process_time() - start) * 1000)
    times.sort()
    return statistics.median(times), times[math.ceil(0.95 * (len(times) - 1))]


def _big_crl(pki: object, entries: int) -> bytes:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization

    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(pki.ca.subject)  # type: ignore[attr-defined]
        .last_update(now - datetime.timedelta(seconds=1))
        .next_update(now + datetime.timedelta(days=7))
    )
    for serial in range(1000, 1000 + entries):
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(serial)
            .revocation_date(now - datetime.timedelta(days=3))
            .build()
        )
    crl = builder.sign(pki.ca_key, hashes.SHA256())  # type: ignore[attr-defined]
    return crl.public_bytes(serialization.Encoding.DER)


def main() -> None:
    sys.path[:0] = [str(ROOT), str(ROOT / "src")]
    with tempfile.TemporaryDirectory(prefix="bench-sig-lt-") as tmp:
        os.environ["VANTHU_DATA_DIR"] = tmp
        os.environ["DJANGO_SETTINGS_MODULE"] = "vanthu.settings"
        os.environ.pop("DATABASE_URL", None)
        import logging

        import django

        django.setup()
        logging.disable(logging.WARNING)  # pyHanko logs every revoked or unchecked chain
        from django.conf import settings
        from tests.exchange.signing_pki import Authority, plain_pdf
        from tests.exchange.test_signing import PASS

        from vanthu.exchange import revocation
        from vanthu.exchange.signing import LongTerm, sign_pdf_leveled
        from vanthu.exchange.verify import verify_all

        authority = Authority().start()
        other = Authority("CA khác").start()
        try:
            pki = authority.pki
            assert pki is not None and other.pki is not None
            folder = Path(tmp) / "crl"
            folder.mkdir()
            other_folder = Path(tmp) / "crl-khac"
            other_folder.mkdir()
            (other_folder / "khac.crl").write_bytes(other.crl_bytes)
            big = _big_crl(pki, ENTRIES)
            (folder / "ca.crl").write_bytes(big)
            roots = Path(tmp) / "goc.pem"
            roots.write_bytes(pki.root_pem)
            settings.VANTHU_EXCHANGE_TRUST_ROOTS = str(roots)
            settings.VANTHU_SIGNING_TSA_URL = f"{authority.base}/tsa"

            def sign(lt: LongTerm | None) -> object:
                return sign_pdf_leveled(
                    plain_pdf(), signer_p12=pki.p12("good"), passphrase=PASS, reason="Ký",
                    location="TP HCM", long_term=lt,
                )  # fmt: skip

            settings.VANTHU_SIGNATURE_CRL_DIR = str(folder)
            b_lt = sign(None)
            assert b_lt.level == "B-LT", b_lt.note  # type: ignore[attr-defined]
            b_b = sign(LongTerm())
            rows: list[tuple[str, tuple[float, float], str]] = []

            settings.VANTHU_SIGNATURE_CRL_DIR = ""
            got = verify_all(b_b.data)[0]  # type: ignore[attr-defined]
            rows.append(
                ("check B-B, no CRL", _cpu(REPEAT, lambda: verify_all(b_b.data)), got.revocation)
            )  # type: ignore[attr-defined]
            settings.VANTHU_SIGNATURE_CRL_DIR = str(folder)
            got = verify_all(b_b.data)[0]  # type: ignore[attr-defined]
            rows.append(
                (
                    f"check B-B, CRL of {ENTRIES:,} entries",
                    _cpu(REPEAT, lambda: verify_all(b_b.data)),
                    got.revocation,
                )
            )  # type: ignore[attr-defined]
            settings.VANTHU_SIGNATURE_CRL_DIR = str(other_folder)
            got = verify_all(b_b.data)[0]  # type: ignore[attr-defined]
            rows.append(
                (
                    "check B-B, another CA's CRL only",
                    _cpu(REPEAT, lambda: verify_all(b_b.data)),
                    got.revocation,
                )
            )  # type: ignore[attr-defined]
            settings.VANTHU_SIGNATURE_CRL_DIR = ""
            got = verify_all(b_lt.data)[0]  # type: ignore[attr-defined]
            rows.append(
                (
                    "check B-LT, no folder (DSS)",
                    _cpu(REPEAT, lambda: verify_all(b_lt.data)),
                    got.revocation,
                )
            )  # type: ignore[attr-defined]

            settings.VANTHU_SIGNATURE_CRL_DIR = str(folder)
            revocation._cache.clear()
            rows.append(
                (f"read CRL folder, first ({len(big):,} B)", _cpu(1, revocation.configured), "")
            )
            rows.append(("read CRL folder, unchanged", _cpu(REPEAT, revocation.configured), ""))
            rows.append(("sign B-B", _cpu(REPEAT, lambda: sign(LongTerm())), "B-B"))
            rows.append(("sign B-LT (TSA in process)", _cpu(REPEAT, lambda: sign(None)), "B-LT"))
        finally:
            authority.stop()
            other.stop()
        load = os.getloadavg()
        print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; {REPEAT} runs")
        print(f"{'operation':44} {'CPU median ms':>14} {'p95 ms':>8}  result")
        for name, (median, p95), result in rows:
            print(f"{name:44} {median:14.1f} {p95:8.1f}  {result}")


if __name__ == "__main__":
    main()
