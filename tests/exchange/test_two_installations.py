"""Two real installations exchange signed documents and statuses exactly once across an outage."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.exchange.installations import all_sent, configure, pair, wait_for

pytestmark = [pytest.mark.once, pytest.mark.slow, pytest.mark.postgres_pass]

FEEDBACK = ["01", "03", "04", "05", "06"]
RETURNED = ["01", "02"]


def _statuses_back(report: dict[str, object], documents: int) -> bool:
    codes = sorted(report["statuses"].values())  # type: ignore[attr-defined]
    return len(codes) == documents and codes == sorted([RETURNED] + [FEEDBACK] * (documents - 1))


def test_documents_and_statuses_cross_once_while_the_receiver_restarts(tmp_path: Path) -> None:
    a, b = pair(tmp_path)
    a.start()
    b.start()
    try:
        a.ready()
        b.ready()
        configure(a, b)
        a.peer("send", count=3, prefix="Hà Nội gửi")
        b.peer("send", count=3, prefix="Hải Phòng gửi")
        wait_for(lambda: all_sent(a, 3), 120, "A's first documents sent")
        wait_for(lambda: all_sent(b, 3), 120, "B's first documents sent")

        # The receiver goes down; the sender keeps sending (and tells B what it did).
        b.stop()
        a.peer("send", count=3, prefix="Hà Nội gửi khi mất kết nối")
        a.peer("feedback")
        down = wait_for(
            lambda: (r := a.peer("report"))["attempts"] >= 2 and r, 120, "retries while B is down"
        )
        assert down["outbox"].get("pending", 0) >= 3, down
        assert "dead" not in down["outbox"], down
        assert any("refused" in e or "URLError" in e for e in down["errors"]), down

        b.start()
        b.ready()
        a_report = wait_for(lambda: all_sent(a, 6 + 4 * 2 + 1), 240, "A's outbox drained")
        b.peer("feedback")
        b_report = wait_for(lambda: all_sent(b, 3 + 4 * 5 + 1), 240, "B's outbox drained")
        wait_for(lambda: _statuses_back(a.peer("report"), 6), 120, "B's statuses back at A")
        a_report = a.peer("report")
    finally:
        a.close()
        b.close()

    # Exactly once: every document arrived, none twice, on both sides.
    assert len(b_report["received"]) == len(set(b_report["received"])) == 6
    assert len(b_report["incoming"]) == len(set(b_report["incoming"])) == 6
    assert len(a_report["received"]) == len(set(a_report["received"])) == 3
    assert len(a_report["incoming"]) == 3
    # Everything travelled signed, and was verified against the sender's certificate.
    assert a_report["signed"] == 6 + 4 * 2 + 1 and b_report["signed"] == 3 + 4 * 5 + 1
    # Every status came back: 01 on receipt, then 03–06, or 02 with its reason.
    assert _statuses_back(a_report, 6), a_report["statuses"]
    assert _statuses_back(b_report, 3), b_report["statuses"]
    assert a_report["recipients"] == {"done": 5, "returned": 1}
    assert b_report["recipients"] == {"done": 2, "returned": 1}
