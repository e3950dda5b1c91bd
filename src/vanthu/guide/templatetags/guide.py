"""Template tags of the handbook: ``{% rule_link "so-den" %}``, ``{% rules_for "page" %}``,
``{% page_rules %}`` (the rules of the current page, from ``guide.pages``) and
``{% saved_filters %}`` (the saved-filter box of a list page)."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import HttpRequest
from django.utils.html import format_html

from vanthu.guide import pages, rules, selectors, services
from vanthu.orgs.models import User

register = template.Library()


def _view_name(request: HttpRequest | None) -> str:
    match = getattr(request, "resolver_match", None)
    return (match.view_name if match is not None else "") or ""


@register.simple_tag
def rule_link(code: str) -> str:
    """A link to one rule in the handbook, its citation as text, the statement as title."""
    rule = rules.RULES[code]
    return format_html(
        '<a class="app-rule-link" href="{}" title="{}">{}</a>',
        rules.anchor(code),
        rule.statement,
        rule.citation,
    )


@register.inclusion_tag("guide/_rules_box.html", takes_context=True)
def rules_for(context: template.Context, page: str) -> dict[str, Any]:
    """The "Quy định áp dụng" box of the page named ``page`` (a URL name)."""
    codes = pages.rules_for_page(page)
    return {
        "rules": [rules.RULES[c] for c in codes],
        "request": context.get("request"),
    }


@register.inclusion_tag("guide/_rules_box.html", takes_context=True)
def page_rules(context: template.Context) -> dict[str, Any]:
    """The box for the page being rendered (base.html); nothing for a page with no rules."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"rules": []}
    return rules_for(context, _view_name(request))


@register.inclusion_tag("guide/_saved_filters.html", takes_context=True)
def saved_filters(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    page = _view_name(request)
    user = getattr(request, "user", None)
    if not isinstance(user, User) or page not in services.FILTER_PAGES or request is None:
        return {"show": False}
    query = services.clean_query(request.GET.urlencode())
    return {
        "show": True,
        "page": page,
        "query": query,
        "filters": selectors.saved_filters(user, page),
        "here": request.path,
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag
def shortcut_list() -> list[dict[str, str]]:
    """The keyboard shortcuts with their addresses (names that do not resolve are left out)."""
    from django.urls import NoReverseMatch, reverse

    found = []
    for keys, name, fragment, label in pages.SHORTCUTS:
        try:
            url = reverse(name) + fragment
        except NoReverseMatch:
            continue
        found.append({"keys": keys, "url": url, "label": label})
    return found
