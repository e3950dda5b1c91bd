"""The handbook pages, and the handbook reachable from every form page."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.guide.conftest import client_for
from vanthu.guide import pages, rules
from vanthu.orgs.models import DocumentType
from vanthu.registry import numbering
from vanthu.registry.models import Direction

pytestmark = pytest.mark.django_db

# Web UI namespaces whose pages extend base.html.
WEB_NAMESPACES = ("registry", "capture", "archive", "reports", "web", "guide", "notify", "suggest")
# Pages a signed-in user never sees as a form (sign-in steps, htmx fragments, files).
NOT_PAGES = {"web:login", "web:logout", "web:otp-verify", "web:otp-enrol", "web:org-lookup"}


def _named(patterns: Any, ns: str = "") -> list[tuple[str, URLPattern]]:
    found: list[tuple[str, URLPattern]] = []
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = f"{ns}{p.namespace}:" if p.namespace else ns
            found += _named(p.url_patterns, inner)
        elif isinstance(p, URLPattern) and p.name:
            found.append((ns + p.name, p))
    return found


def _form_pages_without_args() -> list[str]:
    names = []
    for name, p in _named(get_resolver().url_patterns):
        if name.split(":")[0] not in WEB_NAMESPACES or name in NOT_PAGES:
            continue
        if p.pattern.regex.groups == 0:
            names.append(name)
    return sorted(set(names))


@pytest.fixture
def admin(people: Any, settings: Any) -> Any:
    settings.VANTHU_OTP_REQUIRED_CLEARANCE = ""
    user = people.clerk
    user.is_superuser = True
    user.save(update_fields=["is_superuser"])
    return user


def test_every_page_with_a_form_links_to_the_handbook(admin: Any) -> None:
    client = client_for(admin)
    checked = 0
    for name in _form_pages_without_args():
        response = client.get(reverse(name))
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        html = response.content.decode()
        if "<form" not in html or "<html" not in html:
            continue
        checked += 1
        assert 'href="/huong-dan/"' in html, name
        if pages.rules_for_page(name):
            assert "Quy định áp dụng" in html, name
            first = rules.RULES[pages.rules_for_page(name)[0]]
            assert rules.anchor(first.code) in html, name
    assert checked >= 10


def test_detail_pages_show_their_rules(admin: Any, register: Any) -> None:
    document = register()
    html = client_for(admin).get(reverse("registry:incoming-detail", args=[document.pk]))
    text = html.content.decode()
    assert html.status_code == 200
    assert "Quy định áp dụng" in text
    assert rules.anchor("den-trinh") in text


def test_handbook_index_topics_and_search(people: Any) -> None:
    client = client_for(people.specialist)
    index = client.get("/huong-dan/").content.decode()
    for topic in rules.TOPICS:
        assert reverse("guide:topic", args=[topic.slug]) in index
    page = client.get(reverse("guide:topic", args=["van-ban-den"])).content.decode()
    assert 'id="so-den"' in page
    assert "Nghị định 30/2020/NĐ-CP" in page and "Điều 22" in page
    found = client.get("/huong-dan/", {"q": "so den"}).content.decode()
    assert "/huong-dan/van-ban-den/#so-den" in found
    none = client.get("/huong-dan/", {"q": "khongcotuday"}).content.decode()
    assert "Không tìm thấy quy định nào." in none


def test_unknown_topic_is_404_and_the_handbook_needs_sign_in(people: Any) -> None:
    assert client_for(people.specialist).get("/huong-dan/khong-co/").status_code == 404
    from django.test import Client

    anonymous = Client().get("/huong-dan/")
    assert anonymous.status_code == 302 and "/dang-nhap/" in anonymous["Location"]


def test_shortcuts_are_listed_on_every_page_and_in_the_handbook(people: Any) -> None:
    client = client_for(people.clerk)
    home = client.get("/van-ban/den/").content.decode()
    assert 'data-shortcut="g d"' in home and 'id="phim-tat"' in home
    assert "guide/shortcuts" in home  # the script is loaded from base.html
    listing = client.get(reverse("guide:shortcuts")).content.decode()
    assert "<kbd>g i</kbd>" in listing and "/van-ban/den/#cho-vao-so" in listing


def test_numbering_messages_name_the_rule(people: Any) -> None:
    org = people.clerk.organization
    register = numbering.default_register(
        organization=org, direction=Direction.OUTGOING, series="ordinary"
    )
    with pytest.raises(ValidationError) as err:
        numbering.reserve_number(
            actor=people.clerk,
            register=register,
            document_type=DocumentType.objects.get(code="CV"),
            reason="  ",
        )
    assert err.value.message_dict["reason"] == [
        "Phải ghi lý do lấy số trước. (" + rules.cite("so-di-nam") + ")"
    ]
    assert "NĐ 30/2020 Điều 15" in err.value.message_dict["reason"][0]
    assert not register.number_events.exists()
