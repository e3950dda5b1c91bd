"""The signed daily digest: a chain rewritten with every hash recomputed is still detected."""

from __future__ import annotations

import datetime
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests.audit.test_chain import _events, _tamper
from vanthu.audit.digest import folder, make_digest, signature_holds
from vanthu.audit.integrity import check_digests
from vanthu.audit.models import AuditDigest, Chain, Event
from vanthu.audit.services import event_hash
from vanthu.audit.tasks import daily_digest
from vanthu.audit.verify import verify_all


@pytest.fixture(autouse=True)
def own_digest_folder(settings: Any, tmp_path: Path) -> Path:
    settings.VANTHU_AUDIT_DIGEST_DIR = str(tmp_path / "digests")
    return tmp_path / "digests"


def _verify(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("verify", "--only", "audit", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def _rewrite_chain(key: str) -> None:
    """Rewrite a whole chain behind the triggers' back and recompute every hash and the head,
    as an attacker with full database access (but not the installation key) would."""
    prev = "0" * 64
    for event in Event.objects.filter(chain=key).order_by("seq"):
        event.details = {**event.details, "i": 1000 + event.seq}
        event.prev_hash = prev
        new_hash = event_hash(event)
        _tamper(
            "UPDATE audit_event SET details = %s, prev_hash = %s, hash = %s WHERE id = %s",
            [json.dumps(event.details), prev, new_hash, event.pk],
        )
        prev = new_hash
    Chain.objects.filter(key=key).update(last_hash=prev)


def test_digest_signs_every_chain_head_and_is_idempotent_per_day(city: Any) -> None:
    _events(city.du1, 3)
    _events(city.du2, 1)
    digest = make_digest()
    assert digest.heads[f"org:{city.du1.pk}"][0] == 3
    assert digest.heads[f"org:{city.du2.pk}"][0] == 1
    assert signature_holds(digest) is True
    assert make_digest().pk == digest.pk  # the beat may fire twice a day
    assert daily_digest() == digest.pk
    kept = json.loads((folder() / f"{digest.day.isoformat()}.json").read_text())
    assert kept["signature"] == digest.signature
    assert Event.objects.filter(action="audit.digest", object_id=str(digest.pk)).count() == 1
    assert _verify()[0] == 0


def test_rewritten_chain_with_recomputed_hashes_is_detected(city: Any) -> None:
    _events(city.du1, 4)
    make_digest()
    key = f"org:{city.du1.pk}"
    _rewrite_chain(key)
    assert verify_all() == []  # the chain alone cannot tell: it is consistent again
    code, _out, err = _verify()
    assert code == 1
    assert f"chuỗi {key}: sự kiện #4 khác với bản đã ký" in err and "viết lại" in err


def test_edited_digest_fails_its_signature(city: Any) -> None:
    _events(city.du1, 2)
    digest = make_digest()
    forged = {**digest.heads, f"org:{city.du1.pk}": [2, "f" * 64]}
    AuditDigest.objects.filter(pk=digest.pk).update(heads=forged)
    problems, _warnings = check_digests()
    assert any("chữ ký không đúng" in p for p in problems)


def test_removed_digests_are_detected(city: Any) -> None:
    _events(city.du1, 1)
    today = timezone.localdate()
    first = make_digest(day=today - datetime.timedelta(days=2))
    make_digest(day=today - datetime.timedelta(days=1))
    last = make_digest(day=today)
    AuditDigest.objects.filter(day=today - datetime.timedelta(days=1)).delete()
    problems, _ = check_digests()
    assert any("không nối tiếp" in p for p in problems)
    AuditDigest.objects.filter(pk=last.pk).delete()  # the newest one: its kept copy tells
    problems, _ = check_digests()
    assert any(f"ngày {today.isoformat()} có trong tệp lưu riêng" in p for p in problems)
    assert first.pk


def test_digest_signed_with_a_key_we_do_not_hold_is_reported(city: Any) -> None:
    _events(city.du1, 1)
    digest = make_digest()
    AuditDigest.objects.filter(pk=digest.pk).update(key_id="0" * 16)
    problems, _ = check_digests()
    assert any("không có khóa 0000000000000000" in p for p in problems)


def test_no_recent_digest_is_a_warning_not_a_failure(city: Any) -> None:
    (event,) = _events(city.du1, 1)
    # An installation whose events are days old (rehashed, so that the chain itself holds).
    event.created_at = timezone.now() - datetime.timedelta(days=5)
    new_hash = event_hash(event)
    _tamper(
        "UPDATE audit_event SET created_at = %s, hash = %s WHERE id = %s",
        [event.created_at, new_hash, event.pk],
    )
    Chain.objects.filter(key=event.chain).update(last_hash=new_hash)
    problems, warnings = check_digests()
    assert problems == [] and any("không có bản tóm tắt" in w for w in warnings)
    code, out, _err = _verify()
    assert code == 0 and "CẢNH BÁO" in out
    assert _verify("--strict")[0] == 1


def test_digest_link_edited_fails_its_signature(city: Any) -> None:
    # Digests are plain rows (an attacker can edit them): what protects them is the key.
    _events(city.du1, 1)
    digest = make_digest()
    AuditDigest.objects.filter(pk=digest.pk).update(previous="x" * 64)
    problems = check_digests()[0]
    assert any("chữ ký không đúng" in p for p in problems)
    assert any("không nối tiếp" in p for p in problems)
