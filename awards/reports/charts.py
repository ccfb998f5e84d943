"""Charts drawn on the server as SVG: no JavaScript, no network, allowed by the CSP (presentation
attributes only, no style attributes), printable and readable offline."""
from __future__ import annotations

from typing import Callable, Sequence

from flask_babel import gettext
from markupsafe import Markup, escape

PALETTE = ("#adb5bd", "#a4161a", "#e85d04", "#1d3557")


def _fmt(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    return f"{value:,.1f}".replace(",", "X").replace(".", ",").replace("X", ".")


def _short(text: str, limit: int = 34) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def bar_chart(title: str, rows: Sequence[tuple[str, Sequence[float]]], series: Sequence[str], *,
              width: int = 720, fmt: Callable[[float], str] = _fmt) -> Markup:
    """Horizontal bars, one group per row, one bar per series, with a legend.

    ``rows`` = [(label, [value per series]), ...]."""
    label_w, right_pad, bar_h, gap, top = 240, 70, 14, 10, 30
    n_series = max(1, len(series))
    group_h = n_series * bar_h + gap
    legend_h = 22 if len(series) > 1 else 0
    height = top + max(1, len(rows)) * group_h + legend_h + 6
    plot_w = width - label_w - right_pad
    top_value = max((v for _, vals in rows for v in vals), default=0) or 1
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="16" font-size="14" font-weight="bold" fill="#212529">{escape(title)}</text>',
    ]
    if not rows:
        empty = escape(gettext("Chưa có số liệu"))
        out.append(f'<text x="0" y="{top + 14}" font-size="12" fill="#6c757d">{empty}</text>')
    for i, (label, values) in enumerate(rows):
        y0 = top + i * group_h
        out.append(
            f'<text x="{label_w - 8}" y="{y0 + n_series * bar_h / 2 + 4:.0f}" font-size="12" text-anchor="end" '
            f'fill="#212529"><title>{escape(label)}</title>{escape(_short(label))}</text>'
        )
        for j, value in enumerate(values):
            w = plot_w * (value / top_value) if value > 0 else 0
            y = y0 + j * bar_h
            colour = PALETTE[(j + (1 if n_series == 1 else 0)) % len(PALETTE)]
            out.append(
                f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h - 2}" fill="{colour}">'
                f"<title>{escape(label)} – {escape(series[j] if j < len(series) else '')}: {escape(fmt(value))}</title></rect>"
            )
            out.append(f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h - 4}" font-size="11" fill="#212529">'
                       f"{escape(fmt(value))}</text>")
    if len(series) > 1:
        y = height - legend_h + 10
        x = label_w
        for j, name in enumerate(series):
            out.append(f'<rect x="{x}" y="{y - 9}" width="12" height="10" fill="{PALETTE[j % len(PALETTE)]}"></rect>')
            out.append(f'<text x="{x + 16}" y="{y}" font-size="12" fill="#212529">{escape(name)}</text>')
            x += 24 + 7 * len(name)
    out.append("</svg>")
    return Markup("".join(out))
