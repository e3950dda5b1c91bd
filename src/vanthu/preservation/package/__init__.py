"""Archival information packages: E-ARK CSIP layout (TT 05/2025) wrapped in BagIt (RFC 8493)."""

from __future__ import annotations


class PackageError(Exception):
    """A package that cannot be taken as it is; ``problems`` says exactly why, in Vietnamese."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems
