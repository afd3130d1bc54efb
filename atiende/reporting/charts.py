"""Charts as server-rendered SVG: no script, no CDN, the same in print as on screen.

Each chart is a <figure>: the drawing (hidden from screen readers, which get the numbers
instead), its caption, and a table of every number it shows behind "Show the numbers". Every
label is escaped here, so a team or channel named `<script>` stays text. The SVG keeps a minimum
width inside a scrolling box (`.chart-scroll` in staffing.css), so its text stays readable on a
phone (the box takes the keyboard, so it scrolls without a mouse); series differ by dash pattern as well as colour, so they survive a grey-scale printer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

PALETTE = ("#1f5fa8", "#b3471d", "#2e7d32", "#6a3d9a", "#7a5c00", "#00707a", "#a4235b", "#444444")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2", "10 4", "4 2 1 2", "3 3")
INK = "#222222"
GRID = "#d0d0d0"
# Sequential blues, light to dark: each step darker, so the order survives grey-scale printing.
HEAT = ("#f3f7fc", "#d4e3f3", "#a9c9e6", "#74a7d4", "#4584bf", "#1f5fa8", "#0b3c78")


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float]


def _number(value: float, decimals: int = 1) -> str:
    return number_format(round(value, decimals), decimal_pos=decimals if decimals and value % 1 else 0)


def _at(coordinate: float) -> str:
    return f"{coordinate:.1f}"


def _figure(chart_id: str, title: str, svg: SafeString, table: SafeString, note: str = "") -> SafeString:
    return format_html(
        '<figure class="chart" id="{}" aria-labelledby="{}-caption">'
        '<figcaption id="{}-caption">{}</figcaption>{}'
        '<div class="chart-scroll" tabindex="0" role="region" aria-labelledby="{}-caption">{}</div>'
        '<details class="chart-numbers"><summary>{}</summary>{}</details></figure>',
        chart_id, chart_id, chart_id, title, format_html('<p class="hint">{}</p>', note) if note else "", chart_id, svg,
        _("Show the numbers"), table)


def _table(caption: str, head: Sequence[str], rows: Sequence[Sequence[str]]) -> SafeString:
    header = format_html_join("", '<th scope="col">{}</th>', ((cell,) for cell in head))
    body = mark_safe("".join(
        format_html("<tr><th scope=\"row\">{}</th>{}</tr>", row[0], format_html_join("", "<td>{}</td>", ((c,) for c in row[1:])))
        for row in rows))
    return format_html('<table class="chart-table"><caption>{}</caption><thead><tr>{}</tr></thead><tbody>{}</tbody></table>',
                       caption, header, body)


def _nice_max(value: float) -> float:
    """A round number at or above `value` for the top of an axis."""
    if value <= 0:
        return 1.0
    step = 10 ** (len(str(int(value))) - 1)
    for factor in (1, 2, 2.5, 5, 10):
        if value <= factor * step:
            return float(factor * step)
    return float(10 * step)


def line_chart(*, chart_id: str, title: str, x_labels: Sequence[str], series: Sequence[Series], tick_every: int = 24,
               y_title: str = "", note: str = "") -> SafeString:
    """Lines over time: one per series, x_labels naming each point (every `tick_every`th shown)."""
    width, height, left, right, top, bottom = 760, 300, 48, 12, 16, 64
    points = max((len(s.values) for s in series), default=0)
    top_value = _nice_max(max((max(s.values, default=0) for s in series), default=0))
    plot_w, plot_h = width - left - right, height - top - bottom

    def x(i: int) -> float:
        return left + (plot_w * i / max(1, points - 1))

    def y(v: float) -> float:
        return top + plot_h - plot_h * v / top_value

    parts = [format_html('<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"/>'
                         '<text x="{}" y="{}" text-anchor="end" font-size="13" fill="{}">{}</text>',
                         left, _at(y(top_value * k / 4)), width - right, _at(y(top_value * k / 4)), GRID, left - 6,
                         _at(y(top_value * k / 4) + 4), INK, _number(top_value * k / 4)) for k in range(5)]
    for i in range(0, points, tick_every):
        parts.append(format_html('<text x="{}" y="{}" font-size="13" fill="{}">{}</text>', _at(x(i) + 2), height - bottom + 18,
                                 INK, x_labels[i]))
    for n, item in enumerate(series):
        path = " ".join(f"{'M' if i == 0 else 'L'}{x(i):.1f},{y(v):.1f}" for i, v in enumerate(item.values))
        parts.append(format_html('<path d="{}" fill="none" stroke="{}" stroke-width="2" stroke-dasharray="{}"/>', path,
                                 PALETTE[n % len(PALETTE)], DASHES[n % len(DASHES)]))
        lx = left + 150 * n
        parts.append(format_html('<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="3" stroke-dasharray="{}"/>'
                                 '<text x="{}" y="{}" font-size="13" fill="{}">{}</text>',
                                 lx, height - 14, lx + 24, height - 14, PALETTE[n % len(PALETTE)], DASHES[n % len(DASHES)],
                                 lx + 30, height - 10, INK, item.label))
    if y_title:
        parts.append(format_html('<text x="{}" y="12" font-size="13" fill="{}">{}</text>', left, INK, y_title))
    svg = format_html('<svg viewBox="0 0 {} {}" aria-hidden="true" focusable="false" class="chart-svg">{}</svg>',
                      width, height, mark_safe("".join(parts)))
    rows = [[x_labels[i], *(_number(s.values[i]) for s in series)] for i in range(points)]
    return _figure(chart_id, title, svg, _table(title, ["", *(s.label for s in series)], rows), note)


def bar_chart(*, chart_id: str, title: str, groups: Sequence[tuple[str, float]], value_title: str,
              fmt: Callable[[float], str] = _number) -> SafeString:
    """Bars by group, horizontal so that long names fit on a phone."""
    bar, gap, left, width = 26, 10, 170, 760
    height = max(1, len(groups)) * (bar + gap) + 10
    top_value = _nice_max(max((v for _, v in groups), default=0))
    parts = []
    for n, (label, value) in enumerate(groups):
        y = 5 + n * (bar + gap)
        length = (width - left - 90) * value / top_value
        parts.append(format_html(
            '<text x="{}" y="{}" text-anchor="end" font-size="14" fill="{}">{}</text>'
            '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>'
            '<text x="{}" y="{}" font-size="14" fill="{}">{}</text>',
            left - 8, y + bar - 8, INK, label, left, y, _at(length), bar, PALETTE[0], _at(left + length + 6), y + bar - 8, INK,
            fmt(value)))
    svg = format_html('<svg viewBox="0 0 {} {}" aria-hidden="true" focusable="false" class="chart-svg">{}</svg>',
                      width, height, mark_safe("".join(parts)))
    return _figure(chart_id, title, svg, _table(title, ["", value_title], [[label, fmt(v)] for label, v in groups]))


def heat_map(*, chart_id: str, title: str, row_labels: Sequence[str], column_labels: Sequence[str],
             values: Sequence[Sequence[float]], label_every: int = 3) -> SafeString:
    """A grid of cells shaded by value (an hour-of-week map: days by hours)."""
    cell_w, cell_h, left, top = 28, 26, 110, 24
    width = left + cell_w * len(column_labels) + 10
    height = top + cell_h * len(row_labels) + 44
    highest = max((max(row, default=0) for row in values), default=0)
    parts = []
    for c, label in enumerate(column_labels):
        if c % label_every == 0:
            parts.append(format_html('<text x="{}" y="{}" font-size="13" fill="{}">{}</text>', left + c * cell_w + 2, top - 8,
                                     INK, label))
    for r, label in enumerate(row_labels):
        y = top + r * cell_h
        parts.append(format_html('<text x="{}" y="{}" text-anchor="end" font-size="14" fill="{}">{}</text>', left - 8,
                                 y + cell_h - 8, INK, label))
        for c, value in enumerate(values[r]):
            shade = HEAT[min(len(HEAT) - 1, int(len(HEAT) * value / highest))] if highest > 0 else HEAT[0]
            parts.append(format_html('<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="#ffffff"/>',
                                     left + c * cell_w, y, cell_w, cell_h, shade))
    legend_y = top + cell_h * len(row_labels) + 14
    parts.append(format_html('<text x="{}" y="{}" text-anchor="end" font-size="13" fill="{}">{}</text>', left - 8,
                             legend_y + 14, INK, _("fewer")))
    for n, shade in enumerate(HEAT):
        parts.append(format_html('<rect x="{}" y="{}" width="{}" height="18" fill="{}" stroke="{}"/>', left + n * cell_w,
                                 legend_y, cell_w, shade, GRID))
    parts.append(format_html('<text x="{}" y="{}" font-size="13" fill="{}">{}</text>', left + len(HEAT) * cell_w + 6,
                             legend_y + 14, INK, _("more")))
    svg = format_html('<svg viewBox="0 0 {} {}" aria-hidden="true" focusable="false" class="chart-svg">{}</svg>',
                      width, height, mark_safe("".join(parts)))
    rows = [[label, *(_number(v) for v in values[r])] for r, label in enumerate(row_labels)]
    return _figure(chart_id, title, svg, _table(title, ["", *column_labels], rows))


__all__ = ["Series", "bar_chart", "heat_map", "line_chart"]
