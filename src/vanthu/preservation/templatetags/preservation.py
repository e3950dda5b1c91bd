"""``{% fixity_status file %}``: the last integrity check of a stored file, for its page."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from vanthu.preservation.models import FixityCheck, Outcome

register = template.Library()


@register.simple_tag
def fixity_status(file: object) -> SafeString:
    sha = getattr(file, "sha256", "")
    last = FixityCheck.objects.filter(sha256=sha).order_by("-checked_at", "-pk").first()
    if last is None:
        return format_html('<span class="app-fixity">· {}</span>', "chưa kiểm tra toàn vẹn")
    if last.outcome == Outcome.PASS:
        return format_html(
            '<span class="app-fixity">· toàn vẹn ✓ {}</span>', last.checked_at.strftime("%d/%m/%Y")
        )
    return format_html(
        '<span class="app-fixity text-danger">· LỖI TOÀN VẸN {} ({})</span>',
        last.checked_at.strftime("%d/%m/%Y"),
        last.get_outcome_display(),
    )
