"""The files part of ``vanthu verify`` (architecture.md invariant 2).

Every DocumentFile row whose blob is missing (except files an approved disposal destroyed),
and every blob whose bytes no longer hash to its name, original or PDF/A copy. Encrypted blobs
are addressed by the SHA-256 of the ciphertext, so the same check holds for them without a key.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

from vanthu.preservation.fixity import check_blob, destroyed_file_ids
from vanthu.preservation.models import Outcome
from vanthu.registry.models import DocumentFile


def verify_files(sample: float | None = None, organization: Any = None) -> Iterator[str]:
    """One line per problem. ``sample`` (0–1] checks that share of blobs, chosen at random."""
    if sample is not None and not 0 < sample <= 1:
        raise ValueError("sample must be in (0, 1]")
    rows = (
        DocumentFile.objects.select_related("document")
        .exclude(pk__in=destroyed_file_ids())
        .order_by("pk")
    )
    if organization is not None:
        rows = rows.filter(organization.subtree_q("document__organization"))
    results: dict[str, str | None] = {}
    picker = random.SystemRandom()
    for file in rows.iterator(chunk_size=500):
        for label, sha in (("tệp gốc", file.sha256), ("bản PDF/A", file.pdfa_sha256)):
            if not sha:
                continue
            if sha not in results:
                if sample is not None and picker.random() >= sample:
                    results[sha] = None
                    continue
                result = check_blob(sha)
                results[sha] = (
                    None
                    if result.outcome == Outcome.PASS
                    else (f"{Outcome(result.outcome).label}: {result.detail}")
                )
            problem = results[sha]
            if problem:
                yield (
                    f"{label} #{file.pk} «{file.original_name}» của văn bản "
                    f"#{file.document_id}, blob {sha}: {problem}"
                )
