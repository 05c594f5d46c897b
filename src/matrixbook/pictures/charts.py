"""Charts drawn with matplotlib: the matrix as a heat-map (bodies by themes, coloured by
relevance), the policies by body and year, and the workplan as a Gantt chart with the
deliverables' deadlines. Each takes plain data (the outputs read it from the model) and gives
a `Picture`: PNG for Word, SVG for the HTML twin, the same bytes for the same data."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from matrixbook.pictures import style

if TYPE_CHECKING:
    from matrixbook.i18n import Texts

HEATMAP_ROWS = 45  # bodies beyond which a heat-map is unreadable: the counts are drawn instead
GANTT_ROWS = 40  # workplan rows beyond which the Gantt chart shows the phases only
YEARS_BODIES = 20  # bodies named in the policies chart; the rest are summed in one row
LABEL = 34  # characters of a row label
LABELLED_DOTS = 150  # dots of the policies chart that carry their number


# The mark after a name left in English in another language's picture ('GHC [EN]'): a label
# cut short keeps it.
_TRAILING_MARK = re.compile(r"^(.*\S) (\[[A-Z]{2}\])$")


def _short(text: str, limit: int = LABEL) -> str:
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    marked = _TRAILING_MARK.match(text)
    if marked:
        mark = marked.group(2)
        return _short(marked.group(1), limit - len(mark) - 1) + " " + mark
    return text[:limit - 1].rstrip() + "…"


def _figure(width_cm: float, height_cm: float) -> Any:
    style.configure()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_cm / 2.54, height_cm / 2.54), dpi=style.DPI)
    FigureCanvasAgg(fig)
    return fig


def _picture(name: str, fig: Any, alt: str, width_cm: float) -> style.Picture:
    png, svg = style.figure_bytes(fig)
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{_attr(alt)}" ', 1)
    return style.Picture(name, alt, width_cm, png=png, svg=svg)


def _attr(text: str) -> str:
    from xml.sax.saxutils import escape

    return escape(text, {'"': "&quot;"})


def heatmap(rows: Sequence[str], themes: Sequence[str], cells: Sequence[Sequence[str]],
            levels: Sequence[tuple[str, str]], alt: str,
            texts: Texts | None = None) -> style.Picture:
    """Bodies (rows) by themes (columns), each cell in its relevance colour. `cells[i][j]` is
    the level code of body i and theme j ('' for no entry); `levels` the (code, "#RRGGBB") of
    each level in order, the legend (in the language of `texts`). Beyond HEATMAP_ROWS bodies,
    one bar per theme of how many bodies hold each level."""
    if len(rows) > HEATMAP_ROWS:
        return _level_bars(themes, cells, levels, alt, texts)
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    codes = [code for code, _ in levels] + [""]
    fills = [colour for _, colour in levels] + ["#FFFFFF"]
    grid = [[codes.index(c) if c in codes else len(codes) - 1 for c in row] for row in cells]
    height = 2.2 + 0.42 * len(rows) + 0.16 * max((len(t) for t in themes), default=0) ** 0.9
    fig = _figure(style.TEXT_WIDTH_CM, height)
    ax = fig.add_axes((0.2, 0.12, 0.78, 0.62 if len(rows) < 8 else 0.68))
    ax.pcolormesh(grid, cmap=ListedColormap(fills), vmin=-0.5, vmax=len(fills) - 0.5,
                  edgecolors="#FFFFFF", linewidth=1.2)
    ax.set_xlim(0, len(themes))
    ax.set_ylim(len(rows), 0)
    ax.set_yticks([i + 0.5 for i in range(len(rows))], [_short(r, 22) for r in rows],
                  fontsize=7)
    ax.set_xticks([j + 0.5 for j in range(len(themes))],
                  [_header(t) for t in themes], fontsize=6, rotation=90)
    ax.xaxis.tick_top()
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    from matplotlib.patches import Rectangle

    for i, row in enumerate(cells):
        for j, code in enumerate(row):
            if fills[grid[i][j]].upper() == "#FFFFFF":  # a white cell still shows its place
                ax.add_patch(Rectangle((j + 0.06, i + 0.08), 0.88, 0.84, fill=False,
                                       edgecolor="#BFBFBF", linewidth=0.5))
            if code == "Not assessed":
                ax.text(j + 0.5, i + 0.5, "?", ha="center", va="center", fontsize=6,
                        color=style.GREY_TEXT)
    handles = [Patch(facecolor=colour, edgecolor="#8C8C8C", linewidth=0.4)
               for _, colour in levels] + [Patch(facecolor="#FFFFFF", edgecolor="#8C8C8C",
                                                 linewidth=0.4)]
    labels = [style.term(texts, "relevance", code) + (" (?)" if code == "Not assessed" else "")
              for code, _ in levels]
    fig.legend(handles, [*labels, style.say(texts, "No entry")], loc="lower center",
               ncol=len(handles), frameon=False, fontsize=7, handlelength=1.4, borderaxespad=0.3)
    return _picture("heatmap", fig, alt, style.TEXT_WIDTH_CM)


def _level_bars(themes: Sequence[str], cells: Sequence[Sequence[str]],
                levels: Sequence[tuple[str, str]], alt: str,
                texts: Texts | None = None) -> style.Picture:
    """How many bodies hold each relevance level, one horizontal bar per theme."""
    fig = _figure(style.TEXT_WIDTH_CM, 2.5 + 0.55 * len(themes))
    ax = fig.add_axes((0.3, 0.16, 0.66, 0.8))
    left = [0] * len(themes)
    for code, colour in [*levels, ("", "#FFFFFF")]:
        counts = [sum(1 for row in cells if row[j] == code) for j in range(len(themes))]
        ax.barh(range(len(themes)), counts, left=left, color=colour, edgecolor="#8C8C8C",
                linewidth=0.4, label=style.term(texts, "relevance", code) if code
                else style.say(texts, "No entry"))
        left = [a + b for a, b in zip(left, counts, strict=True)]
    ax.set_yticks(range(len(themes)), [_short(t, 40) for t in themes], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel(style.say(texts, "Bodies"), fontsize=7)
    ax.tick_params(labelsize=7)
    fig.legend(loc="lower center", ncol=len(levels) + 1, frameon=False, fontsize=7)
    return _picture("heatmap", fig, alt, style.TEXT_WIDTH_CM)


def policies_by_year(counts: dict[str, dict[int, int]], order: Sequence[str],
                     alt: str, texts: Texts | None = None) -> style.Picture | None:
    """Instruments adopted by each body (rows) in each year (columns): a dot sized and labelled
    by the count. Bodies beyond YEARS_BODIES (the fewest instruments) are summed in one row;
    years are grouped in periods of five when they span more than 30. None without a year."""
    years = sorted({y for by_year in counts.values() for y in by_year})
    if not years:
        return None
    bodies = [b for b in order if counts.get(b)]
    if len(bodies) > YEARS_BODIES:
        ranked = sorted(bodies, key=lambda b: -sum(counts[b].values()))
        kept = set(ranked[:YEARS_BODIES - 1])
        rest: dict[int, int] = {}
        for b in bodies:
            if b not in kept:
                for y, n in counts[b].items():
                    rest[y] = rest.get(y, 0) + n
        bodies = [b for b in bodies if b in kept]
        other = style.say(texts, "Other bodies")
        counts = {**{b: counts[b] for b in bodies}, other: rest}
        bodies.append(other)
    step = 5 if years[-1] - years[0] > 30 else 1
    first = years[0] - years[0] % step if step > 1 else years[0]
    columns = list(range(first, years[-1] + 1, step))
    grid = [[sum(n for y, n in counts[b].items() if c <= y < c + step) for c in columns]
            for b in bodies]
    most = max(max(row) for row in grid) or 1
    fig = _figure(style.TEXT_WIDTH_CM, 2.6 + 0.5 * len(bodies))
    ax = fig.add_axes((0.2, 0.2 if len(bodies) < 6 else 0.12, 0.77,
                       0.7 if len(bodies) < 6 else 0.8))
    dots = [(j, i, n) for i, row in enumerate(grid) for j, n in enumerate(row) if n]
    ax.scatter([d[0] for d in dots], [d[1] for d in dots],
               s=[30 + 220 * d[2] / most for d in dots], color=style.BLUE, alpha=0.85,
               linewidths=0)
    if len(dots) <= LABELLED_DOTS:  # beyond, the numbers would be a blur: the sizes tell
        for j, i, n in dots:
            ax.text(j, i, str(n), ha="center", va="center", fontsize=5.5, color="#FFFFFF")
    ax.set_xlim(-0.7, len(columns) - 0.3)
    ax.set_ylim(len(bodies) - 0.5, -0.5)
    ax.set_yticks(range(len(bodies)), [_short(b, 22) for b in bodies], fontsize=7)
    every = max(1, len(columns) // 14)
    ax.set_xticks(range(0, len(columns), every),
                  [f"{c}–{str(c + step - 1)[-2:]}" if step > 1 else str(c)
                   for c in columns[::every]], fontsize=7, rotation=90 if every == 1 and
                  len(columns) > 10 else 0)
    ax.grid(color="#E6E6E6", linewidth=0.5)
    ax.set_axisbelow(True)
    ax.set_xlabel(style.say(texts, "Year adopted (periods of five years)" if step > 1
                            else "Year adopted"), fontsize=7)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return _picture("policies_by_year", fig, alt, style.TEXT_WIDTH_CM)


@dataclass(frozen=True)
class Bar:
    label: str
    phase: str
    start: date
    end: date
    kind: str  # Task, Milestone, Deliverable


PHASE_COLOURS = ("#0072B2", "#56B4E9", "#009E73", "#E69F00", "#CC79A7", "#D55E00")
DEADLINE = "#7F3C8D"


def gantt(bars: Sequence[Bar], phases: Sequence[str], deadlines: Sequence[tuple[str, date]],
          alt: str, today: date | None = None,
          texts: Texts | None = None) -> style.Picture | None:
    """The workplan: one bar per task from its start to its end day (milestones a diamond),
    coloured by phase, and a labelled line at each deliverable's deadline. Beyond GANTT_ROWS
    rows, one bar per phase. Phases, months and the legend in the language of `texts`."""
    if not bars:
        return None
    if len(bars) > GANTT_ROWS:
        bars = _phase_bars(bars, phases, texts)
    import matplotlib.dates as mdates
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    colours = {p: PHASE_COLOURS[i % len(PHASE_COLOURS)] for i, p in enumerate(phases)}
    start = min(b.start for b in bars)
    end = max([b.end for b in bars] + [d for _, d in deadlines])
    fig = _figure(style.TEXT_WIDTH_CM, 3.4 + 0.5 * len(bars))
    ax = fig.add_axes((0.36, 0.14 if len(bars) > 10 else 0.2, 0.6,
                       0.74 if len(bars) > 10 else 0.62))
    for i, b in enumerate(bars):
        colour = colours.get(b.phase, "#8C8C8C")
        if b.kind == "Task" or b.end > b.start:
            ax.barh(i, (b.end - b.start).days + 1, left=mdates.date2num(b.start), height=0.6,
                    color=colour, edgecolor="none")
        else:
            ax.plot(mdates.date2num(b.start) + 0.5, i, marker="D", markersize=5, color=colour)
    for n, (label, when) in enumerate(deadlines):
        x = mdates.date2num(when) + 1  # the end of the deadline's day
        ax.axvline(x, color=DEADLINE, linewidth=1.2, linestyle="--")
        # left of its line, on white, so that no line runs through the words
        ax.text(x - 0.4, -0.9 - 0.9 * (n % 2),
                f"{label}{style.say(texts, ': ')}{_day(when, texts)}", color=DEADLINE,
                fontsize=6.5, ha="right", va="bottom", fontweight="bold", zorder=5,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.0})
    if today is not None and start <= today <= end:
        ax.axvline(mdates.date2num(today), color=style.INK, linewidth=0.6, linestyle=":")
    ax.set_ylim(len(bars) - 0.4, -1.2 - 0.9 * (len(deadlines) > 1))
    ax.set_xlim(mdates.date2num(start - timedelta(days=1)), mdates.date2num(end) + 2)
    ax.set_yticks(range(len(bars)), [_short(b.label, 44) for b in bars], fontsize=6.5)
    ax.xaxis.set_major_locator(mdates.WeekdayLocator(byweekday=mdates.MO))
    if texts is None or texts.english:
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))
    else:  # the months in the language (Babel), not the C locale's English
        from matplotlib.ticker import FuncFormatter

        ax.xaxis.set_major_formatter(FuncFormatter(
            lambda x, _: texts.date(mdates.num2date(x).date(), "dd MMM")))
    ax.tick_params(axis="x", labelsize=6.5)
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="x", color="#E6E6E6", linewidth=0.5)
    ax.set_axisbelow(True)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    handles: list[Any] = [Patch(color=colours[p]) for p in phases
                          if any(b.phase == p for b in bars)]
    labels = [style.term(texts, "workplan_phases", p) for p in phases
              if any(b.phase == p for b in bars)]
    handles.append(Line2D([], [], color=DEADLINE, linestyle="--", linewidth=1.2))
    labels.append(style.say(texts, "Deadline of a deliverable"))
    fig.legend(handles, labels, loc="lower center", ncol=min(len(handles), 4), frameon=False,
               fontsize=6.5, handlelength=1.6)
    return _picture("gantt", fig, alt, style.TEXT_WIDTH_CM)


def _header(theme: str) -> str:
    """A theme's column header, standing up: at most three lines, or the next column's header
    runs into it ('Réduction des risques de catastrophe et situations d'urgence')."""
    for width in (16, 20, 24, 28):
        text = textwrap.fill(theme, width)
        if text.count("\n") < 3:
            return text
    return textwrap.fill(theme, 28)


def _day(when: date, texts: Texts | None) -> str:
    """A deadline's day and month: '12 Sep', '12 sept.'."""
    if texts is None or texts.english:
        return f"{when.day} {when:%b}"
    return texts.date(when, "d MMM")


def _phase_bars(bars: Sequence[Bar], phases: Sequence[str],
                texts: Texts | None = None) -> list[Bar]:
    out = []
    for phase in [*phases, *sorted({b.phase for b in bars} - set(phases))]:
        held = [b for b in bars if b.phase == phase]
        if held:
            label = style.say(texts, "{phase} ({n} rows)").format(
                phase=style.term(texts, "workplan_phases", phase), n=len(held))
            out.append(Bar(label, phase, min(b.start for b in held),
                           max(b.end for b in held), "Task"))
    return out
