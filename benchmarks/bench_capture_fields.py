"""Accuracy of the register fields suggested by ``vanthu.capture.fields`` (docs/capture.md).

Two corpora:
- real text: the 574 documents of ../shared/data/vbpl_2025_2026 (first page ≈ the first 40
  lines), against their header fields (số ký hiệu, ngày ban hành, loại, cơ quan ban hành);
- rendered scans (``--ocr``): the Party and state first pages of tests/capture/scans.py, rendered
  at 200 and 300 dpi with noise and skew, OCR'd through the real pipeline, against their fields.

Run: ``.venv/bin/python benchmarks/bench_capture_fields.py [--ocr]``.
"""

from __future__ import annotations

import gzip
import json
import os
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
VBPL = ROOT.parent / "shared" / "data" / "vbpl_2025_2026" / "vbpl_documents_vi.jsonl.gz"

# vbpl's "loai_van_ban" → document type code (orgs migration 0002).
VBPL_TYPES = {
    "Nghị định": "NĐ",
    "Thông tư": "TT",
    "Luật": "L",
    "Nghị quyết": "NQ",
    "Quyết định": "QĐ",
    "Pháp lệnh": "PL",
    "Thông tư liên tịch": "TTLT",
}
NOT_AN_ISSUER = ("thong tu", "nghi dinh", "quyet dinh", "nghi quyet", "luat", "cong hoa")


def _setup() -> None:
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()


def vbpl_documents() -> Iterator[dict[str, Any]]:
    with gzip.open(VBPL, "rt", encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)


def _same(a: Any, b: Any) -> bool:
    from vanthu.core.text import fold

    if a is None or b is None:
        return False
    return bool(fold(str(a)).replace(" ", "") == fold(str(b)).replace(" ", ""))


def score_vbpl(limit: int | None = None) -> dict[str, tuple[int, int]]:
    """field → (correct, total) on the real vbpl texts."""
    from vanthu.capture.fields import suggest_fields
    from vanthu.core.text import fold

    hits: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    for n, doc in enumerate(vbpl_documents()):
        if limit is not None and n >= limit:
            break
        first_page = "\n".join(doc["text"].split("\n")[:40])
        got = suggest_fields(first_page)
        parts = (doc.get("ngay_ban_hanh") or "").split("/")
        iso = f"{parts[2]}-{parts[1]}-{parts[0]}" if len(parts) == 3 else None
        if "ngày" not in first_page.split("Căn cứ")[0]:
            # Texts that lost their header: vbpl's date then came from a "Căn cứ …" line, which
            # dates another document — not a truth to score against.
            iso = None
        truth = {
            "number_symbol": doc["so_ky_hieu"],
            "date": iso,
            "document_type": VBPL_TYPES.get(doc["loai_van_ban"]),
            "issuer": doc["co_quan_ban_hanh_header"],
        }
        for name, expected in truth.items():
            if not expected:
                continue
            if name == "issuer" and fold(expected).startswith(NOT_AN_ISSUER):
                continue  # vbpl's heuristic header field caught a title or the Quốc hiệu
            totals[name] += 1
            value = got[name]["value"]
            if name == "issuer":
                # vbpl's own header field is sometimes cut ("BỘ NÔNG NGHIỆP VÀ"): a prefix counts.
                ok = value is not None and _same(str(value)[: len(expected)], expected)
            else:
                ok = _same(value, expected)
            hits[name] += ok
    return {name: (hits[name], totals[name]) for name in totals}


def score_scans() -> tuple[dict[str, tuple[int, int]], float, float]:
    """field → (correct, total) on rendered scans, and the word accuracy of the text layer."""
    from tests.capture.scans import SAMPLES, render, save, word_accuracy

    from vanthu.capture.pipeline import capture

    hits: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    accuracies, folded = [], []
    variants = [(200, 0.0, 0.0), (300, 0.8, 0.0005)]
    with tempfile.TemporaryDirectory() as tmp:
        for i, sample in enumerate(SAMPLES):
            for dpi, skew, noise in variants:
                path = save(
                    render(sample, dpi=dpi, skew=skew, noise=noise, seed=i),
                    Path(tmp) / f"{i}-{dpi}.png",
                    dpi=dpi,
                )
                result = capture(path, Path(tmp))
                accuracies.append(word_accuracy(sample.reference_text, result.text))
                folded.append(word_accuracy(sample.reference_text, result.text, folded=True))
                fields = result.suggested_fields
                truth = {
                    "number_symbol": sample.number_symbol,
                    "date": sample.date,
                    "document_type": sample.type_code,
                    "issuer": sample.issuer,
                    "summary": sample.summary,
                    "secrecy": sample.secrecy,
                    "urgency": sample.urgency,
                }
                for name, expected in truth.items():
                    totals[name] += 1
                    value = fields[name]["value"]
                    if name in ("secrecy", "urgency"):
                        value = value or ("none" if name == "secrecy" else "normal")
                    hits[name] += _same(value, expected)
    scores = {n: (hits[n], totals[n]) for n in totals}
    return scores, sum(accuracies) / len(accuracies), sum(folded) / len(folded)


def _print(title: str, scores: dict[str, tuple[int, int]]) -> None:
    print(title)
    for name, (ok, total) in scores.items():
        print(f"  {name:15s} {ok:4d}/{total:<4d} {100 * ok / total:5.1f} %")


def main() -> None:
    _setup()
    if VBPL.exists():
        _print("vbpl_2025_2026 (real text, first 40 lines):", score_vbpl())
    else:
        print(f"skipped: {VBPL} is absent (the shared data folder is outside the repository)")
    if "--ocr" in sys.argv:
        scores, accuracy, folded = score_scans()
        _print("rendered scans (OCR, 200 and 300 dpi):", scores)
        print(
            f"  word accuracy of the text layer: {100 * accuracy:.1f} % exact, "
            f"{100 * folded:.1f} % without diacritics"
        )


if __name__ == "__main__":
    main()
