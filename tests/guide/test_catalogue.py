"""The rule catalogue: every code used anywhere exists, citations read as the issue asks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import NoReverseMatch, reverse

from vanthu.guide import pages, rules

SRC = Path(rules.__file__).resolve().parents[1]
CITE_CALL = re.compile(r"""cite\(\s*["']([a-z0-9-]+)["']""")
RULE_TAG = re.compile(r"""\{%\s*rule_link\s+["']([a-z0-9-]+)["']""")


def test_codes_are_unique_and_topics_and_sources_exist() -> None:
    assert len(rules.RULES) == len(rules.RULE_LIST)
    for rule in rules.RULE_LIST:
        assert rule.topic in rules.TOPIC_BY_SLUG, rule.code
        assert rule.refs, rule.code
        for key, _article in rule.refs:
            assert key in rules.SOURCES, (rule.code, key)
        assert rule.confidence in ("V", "S", "M")
    assert all(rules.rules_of_topic(t.slug) for t in rules.TOPICS)


def test_every_cited_code_in_the_code_base_exists() -> None:
    used: dict[str, str] = {}
    for path in SRC.rglob("*"):
        if path.suffix not in (".py", ".html"):
            continue
        text = path.read_text(encoding="utf-8")
        for code in CITE_CALL.findall(text) + RULE_TAG.findall(text):
            used[code] = str(path.relative_to(SRC))
    assert len(used) >= 10  # numbering, records and the guide itself cite rules
    missing = {code: where for code, where in used.items() if code not in rules.RULES}
    assert not missing


def test_every_page_mapping_names_a_real_page_and_real_rules() -> None:
    for name, codes in pages.PAGE_RULES.items():
        assert codes, name
        for code in codes:
            assert code in rules.RULES, (name, code)
        for args in ([], [1], ["sender"]):
            try:
                reverse(name, args=args)
                break
            except NoReverseMatch:
                continue
        else:
            pytest.fail(f"{name} is not a URL name any more")


def test_cite_names_the_rule_like_the_issue_example() -> None:
    assert rules.cite("so-den") == "NĐ 30/2020 Điều 22: số đến được lấy liên tiếp trong năm"
    assert rules.cite("so-den", "Sai số đến.") == (
        "Sai số đến. (NĐ 30/2020 Điều 22: số đến được lấy liên tiếp trong năm)"
    )
    assert rules.cite("ky-hieu-dang").startswith("HD 36-HD/VPTW: ")
    assert rules.cite("khai-thac").startswith("Luật Lưu trữ 2024 Điều 23: ")


def test_cite_of_an_unknown_code_is_an_error() -> None:
    with pytest.raises(KeyError):
        rules.cite("khong-co-quy-dinh-nay")


def test_search_matches_without_diacritics_and_by_article() -> None:
    assert "so-den" in [r.code for r in rules.search("so den lien tiep")]
    assert "so-den" in [r.code for r in rules.search("Điều 22")]
    assert "nop-luu-han" in [r.code for r in rules.search("nộp lưu")]
    assert rules.search("khongcotuday") == []
    assert rules.search("   ") == []
