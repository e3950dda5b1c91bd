"""Server-side SVG bar charts: no JavaScript, crisp when printed (issue 10: readable on paper)."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 860, 300
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 28, 64
# Black-and-white printers: the two series differ by fill pattern as well as colour.
SERIES_STYLE = (("#1f4e79", "none"), ("#9dc3e6", "#1f4e79"))


TICKS = 4


def _nice_step(value: int) -> int:
    """The smallest 1, 2 or 5 × 10ⁿ step whose TICKS steps reach ``value`` (whole numbers)."""
    need = max(-(-value // TICKS), 1)
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            if factor * magnitude >= need:
                return factor * magnitude
        magnitude *= 10


def bar_chart(categories: list[str], series: list[tuple[str, list[int]]], title: str) -> SafeString:
    """Grouped vertical bars: one group per category, one bar per series."""
    step = _nice_step(max((v for _n, values in series for v in values), default=0))
    top = step * TICKS
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    group_w = plot_w / max(len(categories), 1)
    bar_w = max(group_w * 0.8 / max(len(series), 1), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-label="{escape(title)}" class="report-chart" '
        f'font-family="DejaVu Serif, Noto Serif, serif" font-size="11">',
        f"<title>{escape(title)}</title>",
        f'<text x="{WIDTH / 2}" y="16" text-anchor="middle" font-weight="bold">'
        f"{escape(title)}</text>",
    ]
    for i in range(TICKS + 1):
        value = step * i
        y = TOP + plot_h - plot_h * i / TICKS
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#bbb" stroke-width="0.5"/>'
            f'<text x="{LEFT - 4}" y="{y + 4:.1f}" text-anchor="end">{value}</text>'
        )
    for gi, category in enumerate(categories):
        x0 = LEFT + gi * group_w + group_w * 0.1
        for si, (name, values) in enumerate(series):
            value = values[gi] if gi < len(values) else 0
            h = plot_h * value / top if top else 0
            fill, stroke = SERIES_STYLE[si % len(SERIES_STYLE)]
            parts.append(
                f'<rect x="{x0 + si * bar_w:.1f}" y="{TOP + plot_h - h:.1f}" '
                f'width="{bar_w:.1f}" height="{h:.1f}" fill="{fill}" stroke="{stroke}">'
                f"<title>{escape(name)} — {escape(category)}: {value}</title></rect>"
            )
        cx = LEFT + gi * group_w + group_w / 2
        parts.append(
            f'<text x="{cx:.1f}" y="{TOP + plot_h + 14}" text-anchor="end" '
            f'transform="rotate(-35 {cx:.1f} {TOP + plot_h + 14})">{escape(category)}</text>'
        )
    for si, (name, _values) in enumerate(series):
        fill, stroke = SERIES_STYLE[si % len(SERIES_STYLE)]
        x = LEFT + si * 160
        parts.append(
            f'<rect x="{x}" y="{HEIGHT - 14}" width="12" height="10" fill="{fill}" '
            f'stroke="{stroke}"/><text x="{x + 16}" y="{HEIGHT - 5}">{escape(name)}</text>'
        )
    parts.append("</svg>")
    # Every piece of text above went through escape(); the rest is our own markup.
    return mark_safe("".join(parts))  # noqa: S308


# Stacked horizontal bars: a third style (white with a dark outline) for the third series.
STACK_STYLE = (("#1f4e79", "#1f4e79"), ("#9dc3e6", "#1f4e79"), ("#ffffff", "#1f4e79"))
ROW_H, LABEL_W, VALUE_W = 16, 230, 56


def stacked_bar_chart(
    categories: list[str], series: list[tuple[str, list[int]]], title: str
) -> SafeString:
    """One horizontal bar per category (e.g. 59 subordinate committees), its segments stacked
    by series, the total written at the end. Grows in height with the number of rows, so every
    name stays readable on screen and on paper; segments differ by fill and outline."""
    totals = [
        sum(values[i] if i < len(values) else 0 for _n, values in series)
        for i in range(len(categories))
    ]
    step = _nice_step(max(totals, default=0))
    top = step * TICKS
    plot_x, plot_w = LABEL_W, WIDTH - LABEL_W - VALUE_W
    plot_top = TOP + 8
    height = plot_top + ROW_H * max(len(categories), 1) + 44
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-label="{escape(title)}" class="report-chart report-chart-rows" '
        f'font-family="DejaVu Serif, Noto Serif, serif" font-size="11">',
        f"<title>{escape(title)}</title>",
        f'<text x="{WIDTH / 2}" y="16" text-anchor="middle" font-weight="bold">'
        f"{escape(title)}</text>",
    ]
    bottom = plot_top + ROW_H * max(len(categories), 1)
    for i in range(TICKS + 1):
        x = plot_x + plot_w * i / TICKS
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{plot_top}" y2="{bottom}" '
            f'stroke="#bbb" stroke-width="0.5"/>'
            f'<text x="{x:.1f}" y="{bottom + 12}" text-anchor="middle">{step * i}</text>'
        )
    for ri, category in enumerate(categories):
        y = plot_top + ri * ROW_H
        label = category if len(category) <= 38 else category[:37] + "…"
        parts.append(
            f'<text x="{plot_x - 6}" y="{y + ROW_H - 4}" text-anchor="end">{escape(label)}'
            f"<title>{escape(category)}</title></text>"
        )
        x = float(plot_x)
        for si, (name, values) in enumerate(series):
            value = values[ri] if ri < len(values) else 0
            w = plot_w * value / top if top else 0
            fill, stroke = STACK_STYLE[si % len(STACK_STYLE)]
            if value:
                parts.append(
                    f'<rect x="{x:.1f}" y="{y + 2}" width="{w:.1f}" height="{ROW_H - 4}" '
                    f'fill="{fill}" stroke="{stroke}" stroke-width="0.8">'
                    f"<title>{escape(name)} — {escape(category)}: {value}</title></rect>"
                )
            x += w
        parts.append(f'<text x="{x + 4:.1f}" y="{y + ROW_H - 4}">{totals[ri]}</text>')
    for si, (name, _values) in enumerate(series):
        fill, stroke = STACK_STYLE[si % len(STACK_STYLE)]
        x = LEFT + si * 200
        parts.append(
            f'<rect x="{x}" y="{height - 14}" width="12" height="10" fill="{fill}" '
            f'stroke="{stroke}"/><text x="{x + 16}" y="{height - 5}">{escape(name)}</text>'
        )
    parts.append("</svg>")
    # Every piece of text above went through escape(); the rest is our own markup.
    return mark_safe("".join(parts))  # noqa: S308
