"""Stored XSS: hostile markup in every text field that is shown back comes out escaped in the
HTML pages, and the pages carry no inline script a payload could join (issue 11)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from tests.hostile.conftest import api_client, draft_outgoing, register, upload
from vanthu.registry.models import DocumentFile

PAYLOAD = "<script>alert('xss')</script><img src=x onerror=alert(1)>\"'&"
RAW = ("<script>alert('xss')", "<img src=x onerror", '<img src="x"')


def assert_escaped(html: str, where: str) -> None:
    for raw in RAW:
        assert raw not in html, (where, raw)


@pytest.fixture
def hostile(world: Any, make_org: Any, make_user: Any) -> Any:
    """Documents, people and organisations whose every text field is a payload."""
    world.clerk.full_name = f"Nguyễn {PAYLOAD}"
    world.clerk.save(update_fields=["full_name"])
    world.city.cb1.name = f"Chi bộ {PAYLOAD}"
    world.city.cb1.save(update_fields=["name"])
    incoming = register(
        world.clerk,
        sender=f"Ban {PAYLOAD}",
        number_symbol=f"1-CV/{PAYLOAD}"[:50],
        summary=f"V/v {PAYLOAD}",
        signer=f"Ông {PAYLOAD}",
    )
    stored = upload(world.clerk, incoming["id"], b"noi dung", "bao-cao.pdf")
    # Uploads sanitise names (no "<" is ever stored now); an import or an older version could
    # have stored one, and every page must still escape it.
    DocumentFile.objects.filter(pk=stored["id"]).update(
        original_name="bao-cao<img src=x onerror=alert(1)>.pdf"
    )
    note = api_client(world.admin).post(
        f"/api/v1/incoming/{incoming['id']}/assign/",
        {"lead": world.clerk.pk, "note": f"Ý kiến {PAYLOAD}"},
        format="json",
    )
    outgoing = draft_outgoing(
        world.clerk,
        summary=f"V/v {PAYLOAD}",
        signer=f"Bà {PAYLOAD}",
        recipients=[{"name": f"Nơi nhận {PAYLOAD}"}],
    )
    return type(
        "Hostile",
        (),
        {"incoming": incoming, "outgoing": outgoing, "assigned": note.status_code == 200},
    )


def pages(world: Any, hostile: Any) -> list[str]:
    return [
        "/",
        "/van-ban/den/",
        f"/van-ban/den/{hostile.incoming['id']}/",
        "/van-ban/di/",
        f"/van-ban/di/{hostile.outgoing['id']}/",
        "/van-ban/cua-toi/",
        f"/tra-cuu/?q={PAYLOAD}",
        "/quan-tri/to-chuc/",
        f"/quan-tri/to-chuc/{world.city.cb1.pk}/",
        f"/quan-tri/to-chuc/{world.city.du1.pk}/con/",
        "/quan-tri/nguoi-dung/",
        f"/quan-tri/nguoi-dung/{world.clerk.pk}/",
        f"/bao-cao/phieu-giai-quyet/{hostile.incoming['id']}/",
        "/bao-cao/",
    ]


def test_hostile_text_is_escaped_on_every_page(world: Any, hostile: Any) -> None:
    client = Client()
    client.force_login(world.admin)
    shown = 0
    for page in pages(world, hostile):
        answer = client.get(page)
        assert answer.status_code in (200, 404), (page, answer.status_code)
        if answer.status_code != 200 or not answer["Content-Type"].startswith("text/html"):
            continue
        html = answer.content.decode()
        assert_escaped(html, page)
        shown += html.count("&lt;script&gt;alert(")
    # The payload really was shown back (escaped), not merely left out.
    assert shown >= 5


def test_detail_page_shows_escaped_file_name_and_note(world: Any, hostile: Any) -> None:
    client = Client()
    client.force_login(world.admin)
    html = client.get(f"/van-ban/den/{hostile.incoming['id']}/").content.decode()
    html += client.get(f"/van-ban/{hostile.incoming['id']}/tep/").content.decode()
    assert_escaped(html, "detail")
    assert "bao-cao&lt;img src=x onerror=alert(1)&gt;.pdf" in html
    assert hostile.assigned
    assert "Ý kiến &lt;script&gt;" in html


def test_htmx_fragments_escape_hostile_text(world: Any, hostile: Any) -> None:
    client = Client()
    client.force_login(world.admin)
    for page in (
        "/van-ban/den/goi-y/sender/?q=Ban",
        f"/van-ban/di/noi-nhan/?q={PAYLOAD}",
        f"/quan-tri/to-chuc/tim/?q={PAYLOAD}",
        "/quan-tri/to-chuc/tim/?q=Chi",
    ):
        answer = client.get(page, headers={"HX-Request": "true"})
        assert answer.status_code in (200, 400), page
        assert_escaped(answer.content.decode(), page)


def test_pages_carry_no_inline_script_or_handler(world: Any, hostile: Any) -> None:
    """The CSP forbids inline code; a page that relied on it would break, so none does."""
    client = Client()
    client.force_login(world.admin)
    for page in pages(world, hostile):
        answer = client.get(page)
        if answer.status_code != 200 or not answer["Content-Type"].startswith("text/html"):
            continue
        html = answer.content.decode()
        for tag in re.findall(r"<[a-z][^>]*>", html, flags=re.I):
            # Attribute values are text (escaped user data among them), not markup.
            bare = re.sub(r"\"[^\"]*\"|'[^']*'", '""', tag)
            assert not re.search(r"\son[a-z]+\s*=|\sstyle\s*=", bare, flags=re.I), (page, tag)
            if tag.lower().startswith("<script"):
                assert "src=" in tag, (page, tag)
            assert 'href="javascript:' not in tag.lower(), (page, tag)
