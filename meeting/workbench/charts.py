"""Charts drawn on the server as inline SVG: no script, no library, nothing from outside.

Each chart is an `<svg role="img">` with an aria-label and a `<title>` naming what it shows,
a `<desc>` with every figure in words, and the numbers printed beside the marks, so it reads
aloud, prints in black and white, and is understood without its colours.
"""

from dataclasses import dataclass

from markupsafe import Markup, escape

FONT = 12  # px, in the chart's own units (the chart scales with its box)
ROW = 24
INK, MUTED, GRID = "#212529", "#6c757d", "#dee2e6"


def text_width(text: str, size: float = FONT) -> float:
    """About how wide TEXT is drawn: a CJK character is a square, Latin ones narrower."""
    return sum(size if ord(c) >= 0x2E80 else size * 0.6 for c in str(text))


def _svg(
    width: float, height: float, title: str, desc: str, body: list[str], css_class: str
) -> Markup:
    label = escape(title)
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css_class}" role="img" '
        f'aria-label="{label}" viewBox="0 0 {width:.0f} {height:.0f}" width="100%" '
        f'style="max-width:{width:.0f}px" font-size="{FONT}" font-family="inherit">'
        f"<title>{label}</title><desc>{escape(desc)}</desc>{''.join(body)}</svg>"
    )


def _text(
    x: float,
    y: float,
    text,
    anchor: str = "start",
    fill: str = INK,
    weight: str = "normal",
    size: float = FONT,
) -> str:
    bold = ' font-weight="bold"' if weight != "normal" else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{fill}"'
        f' font-size="{size}"{bold}>{escape(str(text))}</text>'
    )


def _rect(x: float, y: float, width: float, height: float, fill: str, title: str = "") -> str:
    tip = f"<title>{escape(title)}</title>" if title else ""
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(width, 0):.1f}" height="{height:.1f}"'
        f' fill="{fill}">{tip}</rect>'
    )


def _label_width(labels, limit: float = 190) -> float:
    return min(max([text_width(label) for label in labels] or [0]) + 10, limit)


def _fit(text: str, width: float) -> str:
    """TEXT cut with an ellipsis to fit WIDTH."""
    if text_width(text) <= width:
        return text
    while text and text_width(text + "…") > width:
        text = text[:-1]
    return text + "…"


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    colour: str = "#0d6efd"


def bar_chart(title: str, bars: list[Bar], width: int = 520, empty: str = "—") -> Markup:
    """A horizontal bar per BARS entry: its label, the bar, its number."""
    left = _label_width(bar.label for bar in bars)
    number = text_width(str(max([bar.value for bar in bars] or [0]))) + 12
    area = width - left - number
    top = max([bar.value for bar in bars] or [0]) or 1
    body = []
    for n, bar in enumerate(bars):
        y = 4 + n * ROW
        length = area * bar.value / top
        body.append(_text(left - 6, y + ROW / 2 + 4, _fit(bar.label, left - 8), "end"))
        body.append(_rect(left, y + 4, length, ROW - 8, bar.colour, f"{bar.label}: {bar.value}"))
        body.append(_text(left + length + 4, y + ROW / 2 + 4, bar.value, weight="bold"))
    if not bars:
        body.append(_text(width / 2, ROW / 2 + 6, empty, "middle", MUTED))
    height = max(len(bars), 1) * ROW + 8
    desc = "; ".join(f"{bar.label}: {bar.value}" for bar in bars) or empty
    return _svg(width, height, title, desc, body, "bar-chart")


@dataclass(frozen=True)
class Series:
    name: str
    colour: str
    text: str = "#fff"  # the colour of a number drawn inside the segment


@dataclass(frozen=True)
class Stack:
    label: str
    values: list[int]
    note: str = ""  # printed after the bar (rates)


def stacked_bars(
    title: str,
    series: list[Series],
    stacks: list[Stack],
    width: int = 640,
    empty: str = "—",
) -> Markup:
    """A horizontal bar per STACKS entry, one segment per SERIES (a legend above), each
    segment's number inside it when it fits, its total after it, the stack's NOTE at the
    right edge."""
    left = _label_width(stack.label for stack in stacks)
    top = max([sum(stack.values) for stack in stacks] or [0]) or 1
    notes = max([text_width(stack.note) for stack in stacks] or [0])
    area = max(width - left - notes - text_width(str(top)) - 16, 40)
    body, x = [], left
    for entry in series:  # the legend
        body.append(_rect(x, 6, 12, 12, entry.colour))
        body.append(_text(x + 16, 16, entry.name))
        x += 16 + text_width(entry.name) + 14
    offset = 26
    for n, stack in enumerate(stacks):
        y = offset + n * ROW
        body.append(_text(left - 6, y + ROW / 2 + 4, _fit(stack.label, left - 8), "end"))
        x = left
        for entry, value in zip(series, stack.values, strict=True):
            length = area * value / top
            if value:
                body.append(
                    _rect(
                        x,
                        y + 3,
                        length,
                        ROW - 6,
                        entry.colour,
                        f"{stack.label} · {entry.name}: {value}",
                    )
                )
                if text_width(str(value)) + 4 <= length:
                    body.append(_text(x + length / 2, y + ROW / 2 + 4, value, "middle", entry.text))
            x += length
        total = sum(stack.values)
        body.append(_text(x + 4, y + ROW / 2 + 4, total, weight="bold"))
        if stack.note:
            body.append(_text(width - 2, y + ROW / 2 + 4, stack.note, "end", MUTED))
    if not stacks:
        body.append(_text(width / 2, offset + ROW / 2 + 4, empty, "middle", MUTED))
    height = offset + max(len(stacks), 1) * ROW + 6
    desc = "; ".join(
        f"{stack.label}: "
        + ", ".join(f"{s.name} {v}" for s, v in zip(series, stack.values, strict=True))
        + (f" ({stack.note})" if stack.note else "")
        for stack in stacks
    )
    return _svg(width, height, title, desc or empty, body, "stacked-bars")


def line_chart(
    title: str,
    points: list[tuple[str, int]],
    width: int = 520,
    height: int = 200,
    colour: str = "#dc3545",
    descriptions: list[str] | None = None,
) -> Markup:
    """A line through POINTS (label, value) left to right, each value printed above its
    point, the labels below; DESCRIPTIONS (one per point) say them in full for `<desc>`."""
    left, right, top_margin, bottom = 34, 14, 22, 24
    plot_w, plot_h = width - left - right, height - top_margin - bottom
    top = max([value for _, value in points] or [0])
    scale = _nice(top)
    body = []
    for step in range(5):  # the grid and its values
        value = scale * step / 4
        y = top_margin + plot_h - plot_h * step / 4
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        shown = f"{value:.0f}" if value == int(value) else f"{value:.1f}"
        body.append(_text(left - 4, y + 4, shown, "end", MUTED, size=FONT - 2))
    count = max(len(points), 1)
    xs = [left + plot_w * (n + 0.5) / count for n in range(len(points))]
    ys = [top_margin + plot_h - plot_h * value / scale for _, value in points]
    if points:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys, strict=True))
        body.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
    for (label, value), x, y in zip(points, xs, ys, strict=True):
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>')
        body.append(_text(x, y - 7, value, "middle", weight="bold"))
        body.append(_text(x, height - 8, label, "middle", MUTED, size=FONT - 1))
    said = descriptions or [label for label, _ in points]
    desc = "; ".join(f"{name}: {value}" for name, (_, value) in zip(said, points, strict=True))
    return _svg(width, height, title, desc or "—", body, "line-chart")


def _nice(top: int) -> float:
    """The axis' top: TOP rounded up to 4 steps of 1, 2, 2.5 or 5 times a power of ten."""
    if top <= 0:
        return 4
    step = top / 4
    power = 10 ** (len(str(int(step))) - 1)
    for factor in (1, 2, 2.5, 5, 10):
        if step <= factor * power:
            return 4 * factor * power
    return 4 * 10 * power
