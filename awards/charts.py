"""Charts drawn on the server as SVG with pygal: plain data in, an SVG document out, no database.

The pages show them with `<img>` from URLs of their own (`image/svg+xml`), not inline: pygal
styles its drawing with a `<style>` element inside the SVG, which an inline `<svg>` could not
carry under a strict Content-Security-Policy, while an image keeps its styles to itself, runs no
script and prints with the page. The numbers are always in a table beside the image too.

Each chart comes in two sizes: `wide` for a desktop column and print, `narrow` for a 375-px
phone, drawn at about the width it is shown at so its text stays readable.
"""

import re
from dataclasses import dataclass, field
from fractions import Fraction

import pygal
from django.utils.translation import gettext as _
from pygal.style import Style

from awards.rules import fraction_words
from emulation.text import nfc

WIDE, NARROW = "wide", "narrow"
SIZES = (WIDE, NARROW)
BARS, STACKED, LINES = "bars", "stacked", "lines"
HORIZONTAL, HORIZONTAL_STACKED = "horizontal", "horizontal_stacked"
KINDS = (BARS, STACKED, LINES, HORIZONTAL, HORIZONTAL_STACKED)
_SIDEWAYS = (HORIZONTAL, HORIZONTAL_STACKED)
_SUMMED = (STACKED, HORIZONTAL_STACKED)
# Past this many labels along the bottom, only every n-th is written.
_AXIS_LABELS = {WIDE: 12, NARROW: 6}

# The width each size is drawn at, the longest label a narrow chart keeps, a bar row's height.
_WIDTH = {WIDE: 760, NARROW: 360}
_LABEL_CHARS = {WIDE: 48, NARROW: 18}
_ROW_HEIGHT = 34
# The portal's red and amber first (collectives, individuals), then colours apart in print.
_COLOURS = ("#a4161a", "#e9a23b", "#1d3557", "#2a9d8f", "#6c757d", "#7b2cbf", "#8d6e63")
_HIGHLIGHT, _PLAIN = "#198754", "#6c8ebf"
# Characters XML 1.0 cannot hold (a NUL in a name would otherwise fail the whole drawing).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Series:
    """One coloured set of values, one per label of its chart."""

    name: str
    values: tuple[int, ...]


@dataclass(frozen=True)
class Chart:
    """What to draw. `guide` is a value marked by a labelled line (a poll's threshold);
    `highlighted` are the label positions drawn in the highlight colour (elected candidates)."""

    labels: tuple[str, ...]
    series: tuple[Series, ...]
    kind: str = BARS
    guide: tuple[float, str] | None = None
    highlighted: frozenset[int] = field(default_factory=frozenset)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown chart kind {self.kind!r}")
        if any(len(s.values) != len(self.labels) for s in self.series):
            raise ValueError("every series needs one value per label")

    @property
    def has_data(self) -> bool:
        """Something to draw: a positive value, or a guide (a counted poll where nobody got a
        vote still shows its threshold)."""
        if not self.labels or not self.series:
            return False
        return self.guide is not None or any(v > 0 for s in self.series for v in s.values)


def clean_label(value, limit: int | None = None) -> str:
    """NFC text XML can hold, cut to `limit` characters with an ellipsis."""
    text = _NOT_XML.sub(" ", nfc(str(value)))
    if limit and len(text) > limit:
        return text[: limit - 1].rstrip() + "…"
    return text


def _style(*, guide: bool) -> Style:
    """Light grid lines; the guide (a threshold) as the one dashed red line."""
    return Style(
        font_family='"Liberation Serif", "Times New Roman", serif',
        background="#ffffff",
        plot_background="#ffffff",
        foreground="#212529",
        foreground_strong="#212529",
        foreground_subtle="#adb5bd",
        colors=_COLOURS,
        label_font_size=14,
        major_label_font_size=14,
        value_font_size=13,
        legend_font_size=14,
        no_data_font_size=20,
        tooltip_font_size=12,
        guide_stroke_color="#ced4da",
        guide_stroke_dasharray="1,0",
        major_guide_stroke_color="#a4161a" if guide else "#ced4da",
        major_guide_stroke_dasharray="8,4" if guide else "1,0",
    )


def _legend_columns(chart: Chart, size: str) -> int:
    """As many legend columns as the longest name leaves room for (about 8 px a character),
    dividing the series evenly: pygal keeps room for only whole rows of its legend."""
    longest = max((len(s.name) for s in chart.series), default=1)
    fits = max(1, min(len(chart.series), (_WIDTH[size] - 80) // (longest * 8 + 40)))
    return next(n for n in range(fits, 0, -1) if len(chart.series) % n == 0)


def _height(chart: Chart, size: str) -> int:
    if not chart.has_data:
        return 120
    legend = 0
    if len(chart.series) > 1:
        legend = 26 * (len(chart.series) // _legend_columns(chart, size))
    if chart.kind in _SIDEWAYS:
        bars = len(chart.labels) * (len(chart.series) if chart.kind == HORIZONTAL else 1)
        return max(160, 70 + legend + _ROW_HEIGHT * bars)
    return (300 if size == WIDE else 260) + legend


def _options(chart: Chart, size: str) -> dict:
    along_bottom = chart.kind not in _SIDEWAYS
    rotate = size == NARROW and along_bottom and len(chart.labels) > 4
    every = -(-len(chart.labels) // _AXIS_LABELS[size]) if along_bottom and chart.has_data else 1
    return {
        "js": [],
        "disable_xml_declaration": True,
        "style": _style(guide=chart.guide is not None),
        "width": _WIDTH[size],
        "height": _height(chart, size),
        "show_legend": len(chart.series) > 1,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": _legend_columns(chart, size),
        "truncate_legend": -1,
        "truncate_label": -1,
        "x_label_rotation": 45 if rotate else 0,
        "x_labels_major_every": every if every > 1 else None,
        "show_minor_x_labels": every <= 1,
        "print_values": chart.kind in _SIDEWAYS,
        "print_zeroes": False,
        "tooltip_fancy_mode": False,
        "margin": 12,
        "no_data_text": _("Chưa có số liệu"),
        "min_scale": 1,
        "max_scale": 8,
    }


def _step(top: float) -> int:
    """The first of 1, 2, 5, 10, 20, 50… that covers `top` in at most six steps."""
    rank = 0
    while (1, 2, 5)[rank % 3] * 10 ** (rank // 3) * 6 < top:
        rank += 1
    return (1, 2, 5)[rank % 3] * 10 ** (rank // 3)


def _value_labels(chart: Chart) -> list:
    """Whole-number steps on the value axis, and the guide among them as the one major line."""
    top = max((v for s in chart.series for v in s.values), default=0)
    if chart.kind in _SUMMED:
        top = max(
            (sum(column) for column in zip(*(s.values for s in chart.series), strict=True)),
            default=0,
        )
    if chart.guide is not None:
        top = max(top, chart.guide[0])
    step = _step(top)
    labels: list = list(range(0, int(top) + step + 1, step))
    if chart.guide is not None:
        value, label = chart.guide
        labels = [v for v in labels if abs(v - value) >= step]
        labels.append({"label": clean_label(label, 24), "value": value})
        labels.sort(key=lambda v: v["value"] if isinstance(v, dict) else v)
    return labels


_CLASSES = {
    BARS: pygal.Bar,
    STACKED: pygal.StackedBar,
    LINES: pygal.Line,
    HORIZONTAL: pygal.HorizontalBar,
    HORIZONTAL_STACKED: pygal.HorizontalStackedBar,
}


def _without_scripts(root):
    """pygal writes its configuration as a `<script>` even with `js=[]`: an image needs none."""
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag in ("script", "{http://www.w3.org/2000/svg}script"):
                parent.remove(child)
    return root


def _drawing(kind: str, options: dict):
    drawing = _CLASSES[kind](**options)
    drawing.add_xml_filter(_without_scripts)
    return drawing


def render(chart: Chart, size: str = WIDE) -> str:
    """The chart as an SVG document (text); a chart without any value reads "Chưa có số liệu"."""
    if size not in SIZES:
        raise ValueError(f"unknown chart size {size!r}")
    if not chart.has_data:
        options = {**_options(chart, size), "show_y_labels": False, "show_y_guides": False}
        empty = _drawing(BARS, options)
        empty.add("", [])
        return empty.render(is_unicode=True)
    drawing = _drawing(chart.kind, _options(chart, size))
    # pygal stacks horizontal bars from the bottom up; the first label belongs on top.
    order = list(range(len(chart.labels)))
    if chart.kind in _SIDEWAYS:
        order.reverse()
    drawing.x_labels = [clean_label(chart.labels[i], _LABEL_CHARS[size]) for i in order]
    drawing.y_labels = _value_labels(chart)
    if chart.guide is not None:
        drawing.y_labels_major = [chart.guide[0]]
    for series in chart.series:
        values = [series.values[i] for i in order]
        if chart.highlighted:
            values = [
                {"value": v, "color": _HIGHLIGHT if i in chart.highlighted else _PLAIN}
                for i, v in zip(order, values, strict=True)
            ]
        drawing.add(clean_label(series.name, 40), values)
    return drawing.render(is_unicode=True)


def threshold_votes(result) -> Fraction | None:
    """The votes a poll's threshold stands at (50% of 9 members: 9/2), None without one."""
    if result.rule.threshold <= 0 or result.base_count <= 0:
        return None
    return result.rule.threshold * result.base_count


def votes_text(value: Fraction) -> str:
    """4.5 votes written the Vietnamese way: "4,5"; whole numbers without decimals."""
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):.2f}".rstrip("0").replace(".", ",")


def poll_chart(result) -> Chart:
    """A counted poll (`awards.tally.TallyResult`): votes per candidate in rank order, the elected
    in the highlight colour, the threshold as the guide."""
    votes = threshold_votes(result)
    guide = None
    if votes is not None:
        guide = (float(votes), _("Ngưỡng %(votes)s") % {"votes": votes_text(votes)})
    return Chart(
        labels=tuple(c.name for c in result.candidates),
        series=(Series(_("Phiếu đồng ý"), tuple(c.votes for c in result.candidates)),),
        kind=HORIZONTAL,
        guide=guide,
        highlighted=frozenset(i for i, c in enumerate(result.candidates) if c.elected),
    )


def threshold_note(result) -> dict | None:
    """The threshold in the caption's words: share ("50%"), votes ("4,5"), above (gt) or from."""
    votes = threshold_votes(result)
    if votes is None:
        return None
    return {
        "share": fraction_words(result.rule.threshold),
        "votes": votes_text(votes),
        "above": result.rule.comparator == "gt",
    }
