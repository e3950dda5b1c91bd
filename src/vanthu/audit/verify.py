"""Walking the audit chains: the first broken link of each chain, if any."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from vanthu.audit.models import Chain, Event
from vanthu.audit.services import event_hash


@dataclass(frozen=True)
class Break:
    chain: str
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"chuỗi {self.chain}, sự kiện #{self.seq}: {self.reason}"


def verify_chain(key: str) -> Break | None:
    prev = "0" * 64
    expected_seq = 1
    events: Iterator[Event] = Event.objects.filter(chain=key).order_by("seq").iterator(2000)
    for event in events:
        if event.seq != expected_seq:
            return Break(key, expected_seq, "thiếu sự kiện (mất mắt xích)")
        if event.prev_hash != prev:
            return Break(key, event.seq, "mã băm của sự kiện trước không khớp")
        if event_hash(event) != event.hash:
            return Break(key, event.seq, "nội dung sự kiện đã bị sửa")
        prev = event.hash
        expected_seq += 1
    head = Chain.objects.filter(key=key).first()
    if head is not None and (head.last_seq != expected_seq - 1 or head.last_hash != prev):
        return Break(key, expected_seq - 1, "đầu chuỗi không khớp với sự kiện cuối")
    return None


def verify_all() -> list[Break]:
    keys = set(Chain.objects.values_list("key", flat=True))
    keys |= set(Event.objects.values_list("chain", flat=True).distinct())
    return [b for key in sorted(keys) if (b := verify_chain(key)) is not None]
