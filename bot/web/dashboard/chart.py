"""The 12-week trend as inline SVG drawn on the server (no script, no image request).

Colours come from the page's stylesheet through classes, so the policy needs no inline style.
The chart carries a title and a description listing every value for screen readers.
"""

from __future__ import annotations

from html import escape

from markupsafe import Markup

from domain.periods import Week

WIDTH, HEIGHT = 600, 260
TOP, BOTTOM, LEFT, RIGHT = 28, 34, 6, 6


def trend_svg(trend: list[tuple[Week, int]], *, title: str, describe: str, chart_id: str) -> Markup:
    """Return an SVG bar chart of sessions per week; `describe` is the text of the values."""
    count = max(len(trend), 1)
    slot = (WIDTH - LEFT - RIGHT) / count
    highest = max((n for _w, n in trend), default=0) or 1
    usable = HEIGHT - TOP - BOTTOM
    parts = [
        f'<svg class="trend" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" preserveAspectRatio="xMidYMid meet">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(describe)}</desc>',
        f'<line class="axis" x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - RIGHT}" '
        f'y2="{HEIGHT - BOTTOM}"/>',
    ]
    for index, (week, n) in enumerate(trend):
        height = round(usable * n / highest, 1)
        x = LEFT + index * slot + slot * 0.15
        y = HEIGHT - BOTTOM - height
        middle = round(LEFT + index * slot + slot / 2, 1)
        latest = " latest" if index == len(trend) - 1 else ""
        parts.append(
            f'<rect class="bar{latest}" x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" '
            f'height="{height}" rx="2"/>'
        )
        parts.append(
            f'<text class="value" x="{middle}" y="{y - 6:.1f}" text-anchor="middle">{n}</text>'
        )
        parts.append(
            f'<text class="label" x="{middle}" y="{HEIGHT - 12}" text-anchor="middle">'
            f"{week.start.strftime('%d/%m')}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
