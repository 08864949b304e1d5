"""A small SVG writer for the report's charts (the timing plot, the matrix).

SVG and not a plotting library: a chart is drawn at the end of every run,
and matplotlib cost about half a second to import and a quarter to draw,
time during which pytest-xdist's workers waited. SVG text costs a few
milliseconds, stays sharp at any zoom, and Allure and browsers show it; a
``<title>`` on a shape is the tooltip that names its case.
"""

from __future__ import annotations

import math
from pathlib import Path

FONT = "DejaVu Sans, Verdana, Arial, sans-serif"


def escape(text: str) -> str:
    """Text for an element's content or a double-quoted attribute. (Not
    xml.sax.saxutils: it imports urllib, 40 ms at the start of every run.)"""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


class Svg:
    """One drawing, built element by element, then written out."""

    def __init__(self, width: float, height: float, title: str = ""):
        self.width, self.height = width, height
        self.parts = [f'<rect width="{_number(width)}" height="{_number(height)}" fill="white"/>']
        if title:
            self.parts.insert(0, f"<title>{escape(title)}</title>")

    def rect(self, x: float, y: float, width: float, height: float, fill: str, stroke: str = "",
             tooltip: str = "") -> None:
        attrs = f'x="{_number(x)}" y="{_number(y)}" width="{_number(width)}" height="{_number(height)}" fill="{fill}"'
        if stroke:
            attrs += f' stroke="{stroke}" stroke-width="0.5"'
        self._shape("rect", attrs, tooltip)

    def line(self, x1: float, y1: float, x2: float, y2: float, stroke: str = "black", width: float = 1,
             dash: str = "", tooltip: str = "") -> None:
        attrs = (f'x1="{_number(x1)}" y1="{_number(y1)}" x2="{_number(x2)}" y2="{_number(y2)}" '
                 f'stroke="{stroke}" stroke-width="{_number(width)}"')
        if dash:
            attrs += f' stroke-dasharray="{dash}"'
        self._shape("line", attrs, tooltip)

    def circle(self, x: float, y: float, radius: float, fill: str, tooltip: str = "") -> None:
        self._shape("circle", f'cx="{_number(x)}" cy="{_number(y)}" r="{_number(radius)}" fill="{fill}"', tooltip)

    def cross(self, x: float, y: float, size: float, stroke: str, tooltip: str = "") -> None:
        d = (f"M{_number(x - size)},{_number(y - size)}L{_number(x + size)},{_number(y + size)}"
             f"M{_number(x - size)},{_number(y + size)}L{_number(x + size)},{_number(y - size)}")
        self._shape("path", f'd="{d}" stroke="{stroke}" stroke-width="1" fill="none"', tooltip)

    def text(self, x: float, y: float, text: str, size: float = 11, anchor: str = "start", weight: str = "",
             rotate: float = 0, fill: str = "black") -> None:
        attrs = f'x="{_number(x)}" y="{_number(y)}" font-size="{_number(size)}" text-anchor="{anchor}"'
        if weight:
            attrs += f' font-weight="{weight}"'
        if fill != "black":
            attrs += f' fill="{fill}"'
        if rotate:
            attrs += f' transform="rotate({_number(rotate)} {_number(x)} {_number(y)})"'
        self.parts.append(f"<text {attrs}>{escape(text)}</text>")

    def _shape(self, tag: str, attrs: str, tooltip: str) -> None:
        if tooltip:
            self.parts.append(f"<{tag} {attrs}><title>{escape(tooltip)}</title></{tag}>")
        else:
            self.parts.append(f"<{tag} {attrs}/>")

    def render(self) -> str:
        return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{_number(self.width)}" '
                f'height="{_number(self.height)}" viewBox="0 0 {_number(self.width)} {_number(self.height)}" '
                f'font-family="{escape(FONT)}">\n' + "\n".join(self.parts) + "\n</svg>\n")

    def save(self, path: Path) -> Path:
        path.write_text(self.render())
        return path


class Scale:
    """Maps data values onto a span of pixels, linearly or by logarithm, with ticks to label."""

    def __init__(self, low: float, high: float, start: float, end: float, log: bool = False):
        if log:
            low, high = max(low, 1e-12), max(high, 1e-12)
            low, high = 10 ** math.floor(math.log10(low)), 10 ** math.ceil(math.log10(high))
        else:
            step = _nice_step(low, high)
            low, high = math.floor(low / step) * step, math.ceil(high / step) * step
        if high <= low:
            high = low * 10 if log else low + 1
        self.low, self.high, self.start, self.end, self.log = low, high, start, end, log

    def __call__(self, value: float) -> float:
        if self.log:
            value = max(value, self.low)
            share = (math.log10(value) - math.log10(self.low)) / (math.log10(self.high) - math.log10(self.low))
        else:
            share = (value - self.low) / (self.high - self.low)
        return self.start + share * (self.end - self.start)

    def ticks(self) -> list[float]:
        if self.log:
            decades = range(round(math.log10(self.low)), round(math.log10(self.high)) + 1)
            # 2 and 5 between the powers of ten while there is room for them
            steps = (1, 2, 5) if len(decades) <= 4 else (1,)
            return [s * 10.0 ** e for e in decades for s in steps if s * 10.0 ** e <= self.high]
        step = _nice_step(self.low, self.high)
        count = round((self.high - self.low) / step)
        return [self.low + i * step for i in range(count + 1)]


def _nice_step(low: float, high: float, most: int = 6) -> float:
    """1, 2 or 5 times a power of ten, giving at most ``most`` steps from low to high."""
    span = max(high - low, 1e-12)
    power = 10 ** math.floor(math.log10(span / most))
    for factor in (1, 2, 5, 10):
        if span / (factor * power) <= most:
            return factor * power
    return 10 * power


def axis(chart: Svg, scale: Scale, left: float, right: float, label: str, base: float | None = None) -> None:
    """A vertical axis at ``left``: ticks, their grid lines and labels, its
    name, and a line across at ``base`` (the scale's start when None)."""
    for tick in scale.ticks():
        chart.line(left, scale(tick), right, scale(tick), "#e0e0e0", 1)
        chart.text(left - 6, scale(tick) + 4, tick_label(tick), size=10, anchor="end")
    chart.line(left, scale.start, left, scale.end, "black", 1)
    base = scale.start if base is None else base
    chart.line(left, base, right, base, "black", 1)
    middle = (scale.start + scale.end) / 2
    chart.text(18, middle, label, size=11, anchor="middle", rotate=-90)


def tick_label(value: float) -> str:
    if value < 0:
        return f"-{tick_label(-value)}"
    if value >= 1000 and value == int(value):
        return f"{int(value):,}"
    if value >= 1:
        return _number(value) if value != int(value) else str(int(value))
    return f"{value:g}"
