"""The 8-week bar chart of a team's digest as PNG bytes (matplotlib, Agg, imported only here)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ChartText:
    """The localized words on the chart."""

    title: str
    people: str
    succeeded: str


def weekly_chart(
    labels: Sequence[str], people: Sequence[int], succeeded: Sequence[int], words: ChartText
) -> bytes:
    """Draw people helped (bars) and successes (inner bars) per week; return a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(6.4, 3.2), dpi=90)
    FigureCanvasAgg(figure)
    figure.subplots_adjust(left=0.08, right=0.98, top=0.88, bottom=0.12)
    axes = figure.add_subplot()
    positions = list(range(len(labels)))
    axes.bar(positions, list(people), width=0.7, color="#9ecae1", label=words.people)
    axes.bar(positions, list(succeeded), width=0.4, color="#3182bd", label=words.succeeded)
    axes.set_xticks(positions, list(labels))
    axes.set_title(words.title, fontsize=11)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(loc="upper left", fontsize=8, frameon=False)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
