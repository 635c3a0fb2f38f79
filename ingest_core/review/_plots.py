"""Bar charts as SVG markup, drawn on the server: the overview needs no script and no
plotting library, and every label is escaped (a source or an error code is page data)."""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

WIDTH = 460
BAR = 18
GAP = 6
LABEL = 150


def _number(n: float) -> str:
    return f"{n:,.0f}" if float(n).is_integer() else f"{n:,.2f}"


def bar_chart(title: str, items: Sequence[tuple[str, float]], *, unit: str = "",
              max_bars: int = 14) -> str:
    """A horizontal bar chart: one labelled bar per item, longest scaled to the width.

    Items beyond ``max_bars`` are summed into one "other" bar, so a chart stays readable
    whatever the store holds.
    """
    shown = list(items[:max_bars])
    if len(items) > max_bars:
        shown.append((f"{len(items) - max_bars} more", sum(v for _, v in items[max_bars:])))
    height = 28 + len(shown) * (BAR + GAP) + 4
    top = max((v for _, v in shown), default=0) or 1
    span = WIDTH - LABEL - 70
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
             f'width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}">',
             f"<title>{escape(title)}</title>",
             f'<text x="0" y="16" class="chart-title">{escape(title)}</text>']
    if not shown:
        parts.append('<text x="0" y="44" class="chart-empty">nothing yet</text>')
    for k, (label, value) in enumerate(shown):
        y = 28 + k * (BAR + GAP)
        w = max(1.0, span * value / top) if value else 0.0
        parts.append(f'<text x="{LABEL - 6}" y="{y + BAR - 5}" text-anchor="end" '
                     f'class="chart-label">{escape(label[:24])}</text>')
        parts.append(f'<rect x="{LABEL}" y="{y}" width="{w:.1f}" height="{BAR}" '
                     f'class="chart-bar"><title>{escape(label)}: {_number(value)}{unit}'
                     f'</title></rect>')
        parts.append(f'<text x="{LABEL + w + 4:.1f}" y="{y + BAR - 5}" '
                     f'class="chart-value">{_number(value)}{unit}</text>')
    parts.append("</svg>")
    return "".join(parts)


def size_buckets(histogram: Sequence[tuple[int, int]]) -> list[tuple[str, float]]:
    """Cluster sizes folded into buckets that stay few on any store: 1, 2, 3, 4, 5-9,
    10-19, 20-49, 50-99, 100+."""
    edges = [(1, 1), (2, 2), (3, 3), (4, 4), (5, 9), (10, 19), (20, 49), (50, 99),
             (100, 10**12)]
    out: list[tuple[str, float]] = []
    for lo, hi in edges:
        n = sum(count for size, count in histogram if lo <= size <= hi)
        if n:
            out.append((str(lo) if lo == hi else f"{lo}+" if hi > 10**9 else f"{lo}-{hi}", n))
    return out
