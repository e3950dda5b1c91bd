"""The model behind the suggestions: TF-IDF over folded Vietnamese text, nearest neighbours.

Pure computation, no database: ``history`` builds the examples, ``services`` trains and stores,
``selectors`` asks, and the benchmark measures with the same code.

Why nearest neighbours (cosine over TF-IDF) and not a linear classifier per target: one index
serves every target (leader, lead, support, deadline, dossier), retraining is one vectoriser
fit (seconds for ten thousand documents), a label seen only a few times is still suggested,
and the explanation is the vote itself: "14 of 15 similar documents from Ban Tổ chức went to
đồng chí X". The benchmark compares it with logistic regression on the same features.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from vanthu.core.text import fold, tokenize

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix
    from sklearn.feature_extraction.text import TfidfVectorizer

# What a model can suggest for an incoming document. ``support`` has several labels per
# document; the others one.
TARGETS = ("leader", "lead", "support", "deadline", "dossier")
# How much of the extracted text joins the summary: the opening carries the subject.
TEXT_CHARS = 2000
NEIGHBOURS = 15
# How many times the issuer and the type count among the words (they route most mail).
HEAD_WEIGHT = 2
# Below this cosine similarity a document is not "similar" and does not vote.
MIN_SIMILARITY = 0.05


def load_libraries() -> None:
    """Import scikit-learn, SciPy and NumPy, which only a model's training and use need.

    The model's methods import them, not this module: 0.9 s of CPU that every process importing
    the URLconf (``vanthu check``, every management command, every Celery worker, every test
    process) paid for nothing. The web processes import them ahead instead (``vanthu.wsgi``),
    so that no user's first suggestion pays it (docs/benchmarks.md, "Load on the production
    stack").
    """
    import numpy  # noqa: F401
    import scipy.sparse  # noqa: F401
    import sklearn.feature_extraction.text  # noqa: F401


def features(*, sender: str, document_type: str, summary: str, text: str = "") -> str:
    """One string of tokens: the issuer and the type as whole tokens (counted twice, they
    route most mail), then folded words and adjacent word pairs of summary and text."""
    words = [w for w in tokenize(fold(f"{summary} {text[:TEXT_CHARS]}")) if len(w) > 1]
    pairs = [f"{a}_{b}" for a, b in itertools.pairwise(words)]
    issuer = "from:" + "_".join(tokenize(fold(sender))) if sender.strip() else ""
    kind = f"type:{fold(document_type)}" if document_type else ""
    head = [t for t in (issuer, kind) if t] * HEAD_WEIGHT
    return " ".join(head + words + pairs)


def _split(doc: str) -> list[str]:
    # A module-level function, so that a stored vectoriser can be loaded again (pickle).
    return doc.split()


@dataclass
class Example:
    """One handled document of the history: its features and what was done with it."""

    ref: int
    sender: str
    text: str
    labels: dict[str, tuple[str, ...]]


@dataclass
class Vote:
    label: str
    score: float
    count: int


@dataclass
class Prediction:
    """What the neighbours say about one target, best first."""

    target: str
    ranked: list[Vote]
    # Neighbours that carried a label for this target, and the sum of their weights.
    voters: int
    weight: float
    # Issuer most common among the neighbours that voted for the winner (the explanation).
    sender: str = ""
    examples: list[int] = field(default_factory=list)

    @property
    def confidence(self) -> float:
        if not self.ranked or self.weight <= 0:
            return 0.0
        return min(1.0, self.ranked[0].score / self.weight)

    def top(self, n: int = 3) -> list[str]:
        return [v.label for v in self.ranked[:n]]


class NeighbourModel:
    """A fitted vectoriser and the history it indexes. Small: a sparse matrix and labels."""

    def __init__(self, examples: Sequence[Example], *, neighbours: int = NEIGHBOURS) -> None:
        if not examples:
            raise ValueError("no examples to learn from")
        import numpy as np
        from scipy import sparse
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.neighbours = neighbours
        self.vectorizer: TfidfVectorizer = TfidfVectorizer(
            analyzer=_split, sublinear_tf=True, dtype=np.float32
        )
        self.matrix: csr_matrix = sparse.csr_matrix(
            self.vectorizer.fit_transform([e.text for e in examples])
        )
        self.refs = [e.ref for e in examples]
        self.senders = [e.sender for e in examples]
        self.labels = [e.labels for e in examples]

    def __len__(self) -> int:
        return len(self.refs)

    def nearest(self, text: str, exclude: int | None = None) -> list[tuple[int, float]]:
        """(row, similarity) of the most similar documents of the history; ``exclude`` is the
        document asked about, when the history already holds it."""
        import numpy as np  # loaded already: unpickling the model imported scikit-learn

        vector = self.vectorizer.transform([text])
        if vector.nnz == 0:
            return []
        sims = np.asarray((self.matrix @ vector.T).todense()).ravel()
        k = min(self.neighbours + 1, len(sims))
        rows = np.argpartition(-sims, k - 1)[:k]
        ranked = sorted(((int(r), float(sims[r])) for r in rows), key=lambda rs: (-rs[1], rs[0]))
        kept = [(r, s) for r, s in ranked if s >= MIN_SIMILARITY and self.refs[r] != exclude]
        return kept[: self.neighbours]

    def predict(
        self, text: str, targets: Iterable[str] = TARGETS, exclude: int | None = None
    ) -> dict[str, Prediction]:
        near = self.nearest(text, exclude)
        return {t: self._vote(t, near) for t in targets}

    def _vote(self, target: str, near: list[tuple[int, float]]) -> Prediction:
        scores: dict[str, float] = defaultdict(float)
        counts: Counter[str] = Counter()
        voters, weight = 0, 0.0
        by_label: dict[str, list[int]] = defaultdict(list)
        for row, sim in near:
            labels = self.labels[row].get(target) or ()
            if not labels:
                continue
            voters += 1
            weight += sim
            for label in labels:
                scores[label] += sim
                counts[label] += 1
                by_label[label].append(row)
        ranked = [Vote(label, scores[label], counts[label]) for label in scores]
        ranked.sort(key=lambda v: (-v.score, v.label))
        prediction = Prediction(target=target, ranked=ranked, voters=voters, weight=weight)
        if ranked:
            rows = by_label[ranked[0].label]
            senders = Counter(self.senders[r] for r in rows if self.senders[r])
            prediction.sender = senders.most_common(1)[0][0] if senders else ""
            prediction.examples = [self.refs[r] for r in rows]
        return prediction


def evaluate(
    model_factory: Any, train: Sequence[Example], test: Sequence[Example], targets: Sequence[str]
) -> dict[str, dict[str, float]]:
    """Top-1 and top-3 accuracy per target on ``test`` (a hit: the top label is one of the
    document's labels), plus accuracy and coverage among suggestions confident enough to show
    at thresholds 0.5 and 0.7. Used by the benchmark and by the model's own metrics."""
    model = model_factory(train)
    tally: dict[str, Counter[str]] = {t: Counter() for t in targets}
    for example in test:
        predictions = model.predict(example.text, targets)
        for target in targets:
            truth = set(example.labels.get(target) or ())
            if not truth:
                continue
            c = tally[target]
            c["n"] += 1
            p = predictions[target]
            top = p.top(3)
            c["top1"] += bool(top[:1] and top[0] in truth)
            c["top3"] += bool(truth & set(top))
            for cut in ("0.5", "0.7"):
                if top and p.confidence >= float(cut):
                    c[f"shown@{cut}"] += 1
                    c[f"right@{cut}"] += top[0] in truth
    out: dict[str, dict[str, float]] = {}
    for target, c in tally.items():
        n = c["n"] or 1
        row = {"n": float(c["n"]), "top1": c["top1"] / n, "top3": c["top3"] / n}
        for cut in ("0.5", "0.7"):
            shown = c[f"shown@{cut}"]
            row[f"coverage@{cut}"] = shown / n
            row[f"precision@{cut}"] = c[f"right@{cut}"] / shown if shown else 0.0
        out[target] = row
    return out
