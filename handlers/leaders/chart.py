"""The 8-week bar chart of a team's digest as PNG bytes (matplotlib, Agg, imported only here).

matplotlib is a default dependency; still, a slim or broken install must not cost the leader the
digest: `draw_weekly_chart` never raises, it returns no picture and the reason, and the digest
goes out without the chart and says why.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass

logger = logging.getLogger(__name__)

MISSING, FAILED = "missing", "failed"


@dataclass(frozen=True)
class ChartText:
    """The localized words on the chart."""

    title: str
    people: str
    succeeded: str


@dataclass(frozen=True)
class Chart:
    """A drawn chart, or why there is none ('missing': no matplotlib, 'failed': drawing failed)."""

    png: bytes | None
    problem: str = ""


def _plain(text: str) -> str:
    """Keep a typed '$' (a team name) from starting matplotlib's math mode."""
    return text.replace("$", r"\$")


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
    axes.bar(positions, list(people), width=0.7, color="#9ecae1", label=_plain(words.people))
    axes.bar(positions, list(succeeded), width=0.4, color="#3182bd", label=_plain(words.succeeded))
    axes.set_xticks(positions, list(labels))
    axes.set_title(_plain(words.title), fontsize=11)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(loc="upper left", fontsize=8, frameon=False)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def draw_weekly_chart(
    labels: Sequence[str], people: Sequence[int], succeeded: Sequence[int], words: ChartText
) -> Chart:
    """Draw the chart; on a missing library or a drawing error return no PNG and the reason."""
    try:
        return Chart(weekly_chart(labels, people, succeeded, words))
    except ImportError:
        logger.warning("Digest sent without its chart: matplotlib is not installed")
        return Chart(None, MISSING)
    except Exception:
        logger.exception("Digest sent without its chart: drawing failed")
        return Chart(None, FAILED)
