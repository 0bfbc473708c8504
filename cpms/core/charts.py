"""Geometry of the trend chart drawn as SVG by templates/_charts.html, in web pages and PDFs alike.

No chart library: a line of figures per period, the targets as a dashed line and the baseline as a dotted one, on
a y axis of round steps. The chart is bounded (at most MAX_PERIODS periods, the latest kept) so that its size does
not grow with the data, and it is drawn in a viewBox at width 100 %, so that it fits a 375 px phone.
"""
import math

MAX_PERIODS = 16


def nice_step(span, ticks=4):
    """A round step (1, 2, 2.5 or 5 times a power of ten) that cuts `span` into about `ticks` parts."""
    if span <= 0:
        return 1.0
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if factor * power >= raw:
            return factor * power
    return 10 * power


LABEL_CHAR_WIDTH, LABEL_GAP = 8.5, 10  # a period label's width per character in the drawing's units (font size 13, digits)


def trend_chart(labels, values, targets=(), baseline=None, fmt=str, width=480, height=220, max_labels=8):
    """The chart of `values` per period (None: no figure), with `targets` per period and the `baseline`.

    `labels` name the periods; `fmt` writes a figure in the user's language (axis and point labels); at most
    `max_labels` of them are written under the axis (fewer for long labels such as dates, so that they do not overlap
    on a phone; every point keeps its label in its tooltip). Returns None when there is nothing to draw."""
    labels, values = list(labels)[-MAX_PERIODS:], list(values)[-MAX_PERIODS:]
    targets = (list(targets) + [None] * len(values))[:len(values)] if targets else [None] * len(values)
    known = [v for v in values + targets + [baseline] if v is not None]
    if not values or not known:
        return None
    left, right, top, bottom = 62, 26, 12, 44  # room on the right for half of the last period label
    low = min(0.0, min(known))
    step = nice_step(max(known) - low)
    high = max(step, math.ceil(max(known) / step) * step)
    plot_w, plot_h = width - left - right, height - top - bottom
    slot = plot_w / len(values)

    def x(i):
        return round(left + slot * (i + 0.5), 1)

    def y(v):
        return round(top + plot_h - (v - low) / ((high - low) or 1.0) * plot_h, 1)

    def line(series):
        """Polylines of the series, broken where a period has no figure."""
        runs, current = [], []
        for i, v in enumerate(series):
            if v is None:
                current = []
                continue
            if not current:
                runs.append(current)
            current.append(f"{x(i)},{y(v)}")
        return [" ".join(run) for run in runs]

    ticks, v = [], low
    while v <= high + step / 1000:
        ticks.append({"y": y(v), "text": fmt(v)})
        v += step
    # so that the period labels do not overlap (on a phone the drawing is scaled down, text and all): at most
    # max_labels, and no more than fit side by side at the labels' size (13 units, about 8.5 units per digit)
    widest = max((len(str(label)) for label in labels), default=1) * LABEL_CHAR_WIDTH + LABEL_GAP
    every = max(1, math.ceil(len(values) / max_labels), math.ceil(widest / slot))
    return {
        "width": width, "height": height, "left": left, "right": width - right, "top": top,
        "axis_y": y(low), "ticks": ticks,
        "labels": [{"x": x(i), "text": label} for i, label in enumerate(labels) if (len(labels) - 1 - i) % every == 0],
        "label_y": height - bottom + 18,
        "actual_lines": line(values), "target_lines": line(targets),
        "dots": [{"x": x(i), "y": y(v), "label": labels[i], "text": fmt(v)} for i, v in enumerate(values)
                 if v is not None],
        "target_dots": [{"x": x(i), "y": y(v), "label": labels[i], "text": fmt(v)} for i, v in enumerate(targets)
                        if v is not None],
        "baseline": None if baseline is None else {"y": y(baseline), "text": fmt(baseline)},
        "legend_y": height - 6,
    }


def percent(value):
    """A percentage written in the user's language for a chart's axis and points ("87.5 %", "87,5 %")."""
    from flask_babel import format_decimal

    return f"{format_decimal(value, format='#,##0.#')} %"


def number(value):
    """A count or figure written in the user's language for a chart's axis and points."""
    from flask_babel import format_decimal

    return format_decimal(value, format="#,##0.#")
