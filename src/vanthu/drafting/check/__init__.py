"""The format check (kiểm tra thể thức) of a draft, DOCX or PDF: margins, typeface and sizes,
the mandatory elements, the number and symbol and the date line. Each finding cites the rule
it breaks (drafting.layouts)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Finding:
    code: str
    rule: str
    message: str
    location: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class UnreadableFile(ValueError):
    """The upload is not a DOCX or PDF we can read; the message is for the user."""
