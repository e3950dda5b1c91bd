"""Suggestion accuracy (issue 12): top-1/top-3 on the newest 20 % of a history, learnt from the
older 80 %, for leader, lead, support, deadline and dossier; and how many suggestions are
confident enough to show (coverage) and how often those are right (precision).

Two histories, both with a *synthetic but rule-driven* routing (no office's real routing is
available to us); docs/suggest.md states the rules:

1. demo — ``BENCH_SUGGEST_DEMO_DOCS`` (2,000) non-classified incoming entries from the same
   generator as ``vanthu demo`` (``orgs.demo_documents``), routed by sender, type and topic,
   with 10 % of the lead/support/dossier decisions made at random (offices are not perfectly
   consistent).
2. real — the 3,980 documents of ``../shared/data/phapdien`` (real trích yếu, issuer, type,
   date; the articles' text as the extracted text), routed by the Ministry of Justice's own
   classification of each document (chủ đề → department, đề mục → dossier) and by issuer and
   type. Skipped with a message when the folder is absent.

Runs in memory (the model code is the app's, ``vanthu.suggest.learning``); also compares the
nearest-neighbour model with a logistic regression on the same features.

Run: ``.venv/bin/python -m benchmarks bench_suggest``.
"""

from __future__ import annotations

import csv
import datetime
import gzip
import json
import os
import platform
import random
import resource
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

DEMO_DOCS = int(os.environ.get("BENCH_SUGGEST_DEMO_DOCS", "2000"))
DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "phapdien"
# The logistic-regression comparison; it needs several GB on the real history.
BASELINE = os.environ.get("BENCH_SUGGEST_BASELINE", "1") == "1"


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vanthu.settings")
    import django

    django.setup()


# --- 1. the demo history ---------------------------------------------------------------------


def demo_history() -> list[Any]:
    # The routing rules are the demo's own (``vanthu demo`` applies them to its history).
    from vanthu.orgs import demo_documents
    from vanthu.orgs import demo_history as rules
    from vanthu.suggest.learning import Example, features

    rng = random.Random(12)
    now = datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC)
    entries = demo_documents.incoming(DEMO_DOCS * 10 // 9 + 10, seed=12, now=now)
    out = []
    for i, e in enumerate(e for e in entries if e["secrecy"] == "none"):
        if len(out) >= DEMO_DOCS:
            break
        r = rules.route(e, rng)
        labels = {
            "leader": (r.leader,),
            "lead": (r.lead,),
            "deadline": (str(r.days),),
            "dossier": (r.dossier,),
        }
        if r.support:
            labels["support"] = (r.support,)
        text = features(sender=e["sender"], document_type=e["document_type"], summary=e["summary"])
        out.append(Example(ref=i, sender=e["sender"], text=text, labels=labels))
    return out


# --- 2. the history built from real documents ------------------------------------------------

DEPARTMENTS = ["cv.tochuc", "cv.kinhte", "cv.noichinh", "cv.vanxa", "cv.tonghop", "cv.phapche"]
TYPE_CODES = {
    "Luật": "L",
    "Pháp lệnh": "PL",
    "Nghị quyết": "NQ",
    "Nghị định": "NĐ",
    "Thông tư": "TT",
    "Thông tư liên tịch": "TTLT",
    "Quyết định": "QĐ",
    "Chỉ thị": "CT",
}
REAL_DEADLINES = {"L": 20, "PL": 20, "NQ": 20, "NĐ": 15, "TT": 10, "TTLT": 10, "QĐ": 7, "CT": 7}


def _issuer_leader(issuer: str) -> str:
    """Who the office presents a document to, by issuer (the rule of this synthetic history)."""
    low = issuer.lower()
    if "quốc hội" in low or "chủ tịch nước" in low:
        return "Bí thư"
    if "chính phủ" in low or "thủ tướng" in low:
        return "Phó Bí thư Thường trực"
    if "," in issuer or " và " in low:  # joint documents of several bodies
        return "Chánh Văn phòng"
    return "Phó Bí thư phụ trách chính quyền"


def real_history() -> list[Any] | None:
    from vanthu.suggest.learning import TEXT_CHARS, Example, features

    if not (DATA / "phapdien_documents.csv").exists():
        return None
    topics: dict[str, Counter[str]] = defaultdict(Counter)
    texts: dict[str, str] = defaultdict(str)
    with gzip.open(DATA / "phapdien_articles.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            a = json.loads(line)
            key = str(a["vbpl_item_id"])
            topics[key][a["de_muc"]] += 1
            if len(texts[key]) < TEXT_CHARS:
                texts[key] += " " + (a.get("noi_dung") or "")
    rows = []
    with open(DATA / "phapdien_documents.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            key = row["vbpl_item_id"]
            if key not in topics or not row["trich_yeu"].strip():
                continue
            try:
                issued = datetime.datetime.strptime(row["ngay_ban_hanh"], "%d/%m/%Y").date()
            except ValueError:
                continue
            rows.append((issued, key, row))
    rows.sort(key=lambda r: (r[0], r[1]))
    out = []
    for n, (_issued, key, row) in enumerate(rows):
        de_muc = topics[key].most_common(1)[0][0]
        chu_de = int(de_muc.split(".")[0])
        code = TYPE_CODES.get(row["loai_van_ban"], "K")
        labels = {
            "leader": (_issuer_leader(row["co_quan_ban_hanh"]),),
            "lead": (DEPARTMENTS[chu_de % len(DEPARTMENTS)],),
            "deadline": (str(REAL_DEADLINES.get(code, 5)),),
            "dossier": (de_muc,),
        }
        text = features(
            sender=row["co_quan_ban_hanh"],
            document_type=code,
            summary=row["trich_yeu"],
            text=texts[key],
        )
        out.append(Example(ref=n, sender=row["co_quan_ban_hanh"], text=text, labels=labels))
    return out


# --- a linear baseline on the same features --------------------------------------------------


class LinearModel:
    """Logistic regression per target (first label only), for comparison."""

    def __init__(self, examples: Sequence[Any]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        from vanthu.suggest.learning import TARGETS, _split

        self.vectorizer = TfidfVectorizer(analyzer=_split, sublinear_tf=True)
        matrix = self.vectorizer.fit_transform([e.text for e in examples])
        self.models: dict[str, Any] = {}
        for target in TARGETS:
            rows = [i for i, e in enumerate(examples) if e.labels.get(target)]
            y = [examples[i].labels[target][0] for i in rows]
            if len(set(y)) < 2:
                continue
            self.models[target] = LogisticRegression(max_iter=300).fit(matrix[rows], y)

    def predict(self, text: str, targets: Sequence[str]) -> dict[str, Any]:
        from vanthu.suggest.learning import Prediction, Vote

        x = self.vectorizer.transform([text])
        out = {}
        for target in targets:
            model = self.models.get(target)
            if model is None:
                out[target] = Prediction(target, [], 0, 0.0)
                continue
            probs = model.predict_proba(x)[0]
            order = probs.argsort()[::-1][:3]
            ranked = [Vote(str(model.classes_[i]), float(probs[i]), 0) for i in order]
            out[target] = Prediction(target, ranked, 1, 1.0)
        return out


# --- measuring --------------------------------------------------------------------------------


def measure(name: str, examples: list[Any]) -> dict[str, Any]:
    import joblib

    from vanthu.suggest.learning import TARGETS, NeighbourModel, evaluate

    cut = int(len(examples) * 0.8)
    train, test = examples[:cut], examples[cut:]
    started = time.monotonic()
    model = NeighbourModel(train)
    fit_seconds = time.monotonic() - started
    started = time.monotonic()
    for e in test[:200]:
        model.predict(e.text)
    per_doc_ms = (time.monotonic() - started) / max(1, min(200, len(test))) * 1000
    knn = evaluate(NeighbourModel, train, test, TARGETS)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.joblib"
        joblib.dump(model, path, compress=3)
        size_mb = path.stat().st_size / 1e6
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    empty = {"n": 0.0, "top1": 0.0, "top3": 0.0}
    linear = (
        evaluate(LinearModel, train, test, TARGETS) if BASELINE else {t: empty for t in TARGETS}
    )
    print(f"\n{name}: {len(train)} learnt, {len(test)} held back (newest 20 %)")
    print(f"  fit {fit_seconds:.2f} s, suggestion {per_doc_ms:.1f} ms per document")
    print(f"  model file {size_mb:.1f} MB (joblib, compressed); peak RSS so far {peak:.0f} MB")
    head = "  target     n    kNN top1 top3  shown@0.5 right@0.5  shown@0.7 right@0.7  LR top1 top3"
    print(head)
    for t in TARGETS:
        k, lr = knn[t], linear[t]
        if not k["n"]:
            continue
        print(
            f"  {t:9} {int(k['n']):4}  {k['top1']:8.1%} {k['top3']:5.1%}"
            f"  {k['coverage@0.5']:9.1%} {k['precision@0.5']:9.1%}"
            f"  {k['coverage@0.7']:9.1%} {k['precision@0.7']:9.1%}"
            f"  {lr['top1']:6.1%} {lr['top3']:5.1%}"
        )
    return {"knn": knn, "linear": linear, "fit_seconds": fit_seconds, "ms": per_doc_ms}


def main() -> None:
    _setup()
    print(
        f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {datetime.date.today():%d/%m/%Y}"
    )
    measure("demo history", demo_history())
    real = real_history()
    if real is None:
        print("\nreal history: skipped (../shared/data/phapdien is absent)")
    else:
        measure("real documents (phapdien)", real)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main()
