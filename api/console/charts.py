"""Bar charts drawn on the server as SVG: no script, readable when printed, scaled to a phone's width."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

PALETTE = ("#2f6f9f", "#e0a030", "#5a9f4a", "#b04a4a", "#7a5aa0", "#3a9a9a", "#a07a3a", "#606060",
           "#c06090", "#4060c0", "#90a040", "#d07040", "#308060", "#804040", "#405080", "#a0a0a0",
           "#609030", "#c0a060")
ROW, LABEL_W, WIDTH = 26, 120, 640


@dataclass(frozen=True)
class Bar:
    label: str
    parts: Sequence[tuple[str, float]]   # (series name, value), stacked left to right


def stacked_bars(bars: Sequence[Bar], series: Sequence[str], *, title: str, scale_max: float | None = None,
                 unit: str = "") -> str:
    """Horizontal stacked bars, one row per bar, with a legend of ``series`` (colours in that order)."""
    colours = {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(series)}
    top = max([scale_max or 0.0] + [sum(v for _, v in b.parts) for b in bars]) or 1.0
    plot = WIDTH - LABEL_W - 60
    legend_rows = (len(series) + 3) // 4 if len(series) > 1 else 0
    height = 30 + ROW * max(len(bars), 1) + 10 + 20 * legend_rows
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
           f'class="chart" aria-label="{escape(title)}">', f'<title>{escape(title)}</title>',
           f'<text x="0" y="16" font-size="14" font-weight="bold">{escape(title)}</text>']
    for i, bar in enumerate(bars):
        y = 30 + i * ROW
        out.append(f'<text x="{LABEL_W - 6}" y="{y + 15}" font-size="12" text-anchor="end">'
                   f'{escape(bar.label[:10])}</text>')
        x = float(LABEL_W)
        total = 0.0
        for name, value in bar.parts:
            if value <= 0:
                continue
            w = plot * value / top
            out.append(f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{ROW - 8}" fill="{colours[name]}">'
                       f'<title>{escape(name)}: {value:g}{escape(unit)}</title></rect>')
            x += w
            total += value
        out.append(f'<text x="{x + 4:.1f}" y="{y + 15}" font-size="12">{total:g}{escape(unit)}</text>')
    if not bars:
        out.append('<text x="0" y="48" font-size="12">—</text>')
    base = 30 + ROW * max(len(bars), 1) + 10
    if len(series) > 1:
        for i, name in enumerate(series):
            x, y = (i % 4) * (WIDTH // 4), base + (i // 4) * 20
            out.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{colours[name]}"/>'
                       f'<text x="{x + 16}" y="{y + 11}" font-size="12">{escape(name)}</text>')
    out.append("</svg>")
    return "".join(out)
