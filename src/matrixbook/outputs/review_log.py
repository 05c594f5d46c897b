"""The review log (internal): out/review_log.xlsx, the comments matrix of the review round.

The comments of the Review sheet grouped by deliverable (in the order of the deliverables
list), each with its response beside it and its status in colour; above them the counts of
Open, Addressed and Declined comments, in all and by deliverable. Internal only: it names the
reviewers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from matrixbook import xlsx
from matrixbook.model import language
from matrixbook.model.context import BuildContext
from matrixbook.outputs import Output
from matrixbook.values import is_blank

TITLE = "Review log"
FILE = "review_log.xlsx"
# One colour per status, light tints behind dark text (xlsx.TINTS): still to do, done, not done.
STATUS_FILL = {"Open": xlsx.TINTS["vermillion"], "Addressed": xlsx.TINTS["green"],
               "Declined": xlsx.TINTS["grey"]}
COLUMNS = (("Comment ID", 11), ("Body", 14), ("Section", 22), ("Reviewer", 18), ("Date", 12),
           ("Comment", 48), ("Response", 48), ("Status", 11))


CONTEXT = "review_log"  # the msgctxt of the review log's texts


def say(ctx: BuildContext, text: str) -> str:
    """A fixed text of the review log in the build's language."""
    return xlsx.say(ctx.texts, text, CONTEXT)


def _text(value: Any) -> str | None:
    if is_blank(value):
        return None
    return str(value).strip() or None


def grouped(ctx: BuildContext) -> list[tuple[str, list[dict[str, Any]]]]:
    """(deliverable, its comments by Comment ID) for every deliverable that has comments, in
    the order of the deliverables list; a deliverable outside the list comes last."""
    t = ctx.tables[ctx.schema.names.review]
    if t.empty:
        return []
    texts = ctx.texts
    acronyms = {str(b["body_id"]): (_text(b.get("acronym")) if texts.english
                                    else language.named(texts.body_acronym(b))
                                    or _text(b.get("acronym")))
                or str(b["body_id"])
                for b in ctx.bodies().to_dict("records") if not is_blank(b.get("body_id"))}
    order = list(ctx.schema.vocabulary("deliverables").codes)
    groups: dict[str, list[dict[str, Any]]] = {}
    for rec in t.to_dict("records"):
        if is_blank(rec.get("comment_id")):
            continue
        body = _text(rec.get("body_id"))
        groups.setdefault(_text(rec.get("deliverable")) or say(ctx, "Not stated"), []).append({
            "Comment ID": _text(rec.get("comment_id")),
            "Body": acronyms.get(body, body) if body else None,
            "Section": _text(rec.get("section")),
            "Reviewer": _text(rec.get("reviewer")),
            "Date": (pd.Timestamp(rec["date"]).to_pydatetime()
                     if not is_blank(rec.get("date")) else None),
            "Comment": _text(rec.get("comment")),
            "Response": _text(rec.get("response")),
            "Status": _text(rec.get("status")),
        })
    for rows in groups.values():
        rows.sort(key=lambda r: r["Comment ID"])
    ordered = sorted(groups.items(), key=lambda g: (order.index(g[0]) if g[0] in order
                                                    else len(order), g[0]))
    if texts.english:
        return ordered
    for rows in groups.values():  # free text in English marked, terms by their labels
        for row in rows:
            for name in ("Comment", "Response"):
                row[name] = language.marked(row[name], True) if row[name] else row[name]
            if row["Status"]:
                row["Status"] = texts.term("comment_status", row["Status"])
    return [(texts.term("deliverables", d) if d in order else d, rows) for d, rows in ordered]


def write(ctx: BuildContext) -> list[Path]:
    import xlsxwriter

    groups = grouped(ctx)
    statuses = list(ctx.schema.vocabulary("comment_status").codes)
    texts = ctx.texts
    codes = {texts.term("comment_status", s): s for s in statuses}
    if not texts.english:  # the rows carry the labels of the statuses
        statuses = [texts.term("comment_status", s) for s in statuses]
        fill_of = {texts.term("comment_status", s): c for s, c in STATUS_FILL.items()}
    else:
        fill_of = STATUS_FILL
    title = say(ctx, TITLE)
    with ctx.writing(FILE) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), xlsx.workbook_options())
        xlsx.set_properties(wb, title, say(ctx, "Comments from IOM and stakeholders on the "
                                                "deliverables, with the responses"), texts)
        edge = xlsx.EDGE
        kit = xlsx.Formats(wb)
        f = kit.named({
            "title": xlsx.TITLE,
            "header": xlsx.HEADER,
            "group": {"bold": True, "bg_color": xlsx.BAND, "border": 1, "border_color": xlsx.GRID},
            "text": {**edge, "text_wrap": True},
            "date": {**edge, "num_format": xlsx.DATE_FORMAT},
            "number": {**edge, "align": "center"},
            "total": {**edge, "bold": True, "align": "center", "bg_color": xlsx.BAND},
            "total_label": {**edge, "bold": True, "bg_color": xlsx.BAND},
        })
        fills = {s: kit.exact({**edge, "bold": True, "bg_color": fill_of.get(s, "#FFFFFF")})
                 for s in statuses}
        counts_fills = {s: kit.exact({**edge, "bold": True, "align": "center",
                                      "bg_color": fill_of.get(s, "#FFFFFF")})
                        for s in statuses}
        _counts_sheet(wb, ctx, groups, statuses, f, counts_fills)
        ws = wb.add_worksheet(say(ctx, "Comments"))
        widths = [w for _, w in COLUMNS]
        for c, (_name, width) in enumerate(COLUMNS):
            ws.set_column(c, c, width)
        ws.write_string(0, 0, title + say(ctx, ": the comments by deliverable, each with its "
                                               "response"), f["title"])
        # The comments, one block per deliverable, under one header row.
        head = r = 2
        for c, (name, _) in enumerate(COLUMNS):
            ws.write_string(r, c, say(ctx, name), f["header"])
        for deliverable, rows in groups:
            r += 1
            if texts.english:
                counted = ", ".join(f"{n} {s}" for s in statuses
                                    if (n := sum(1 for row in rows if row["Status"] == s)))
                heading = (f"{deliverable}: {len(rows)} comment{'s' if len(rows) != 1 else ''}"
                           f" ({counted})")
            else:
                counted = ", ".join(
                    texts.counted_term(n, "comment_status", codes.get(s, s)) for s in statuses
                    if (n := sum(1 for row in rows if row["Status"] == s)))
                heading = texts.plural(len(rows), "{deliverable}: {n} comment ({counted})",
                                       "{deliverable}: {n} comments ({counted})", CONTEXT,
                                       deliverable=deliverable, counted=counted)
            ws.merge_range(r, 0, r, len(COLUMNS) - 1, heading, f["group"])
            for row in rows:
                r += 1
                values = [row[name] for name, _ in COLUMNS]
                ws.set_row(r, xlsx.row_height(values, widths))
                for c, (name, _) in enumerate(COLUMNS):
                    value = row[name]
                    if name == "Status" and value in fills:
                        ws.write_string(r, c, value, fills[value])
                    elif name == "Date":
                        xlsx.write_value(ws, r, c, value, f["date"], f["date"])
                    else:
                        xlsx.write_value(ws, r, c, value, f["text"])
        if not groups:
            r += 1
            ws.merge_range(r, 0, r, len(COLUMNS) - 1,
                           say(ctx, "No comment has been recorded yet."), f["text"])
        ws.freeze_panes(head + 1, 1)
        xlsx.print_setup(ws, header_rows=0, audience=ctx.audience, title=title, repeat_row=head,
                         texts=texts)
        wb.close()
    return [ctx.path(FILE)]


def _counts_sheet(wb: Any, ctx: BuildContext, groups: list[tuple[str, list[dict[str, Any]]]],
                  statuses: list[str], f: dict[str, Any], fills: dict[str, Any]) -> None:
    """Open, Addressed and Declined comments by deliverable, and in all: the first sheet."""
    ws = wb.add_worksheet(say(ctx, "Summary"))
    ws.set_column(0, 0, 32)
    ws.set_column(1, len(statuses) + 1, 12)
    ws.write_string(0, 0, say(ctx, TITLE) + say(ctx, ": comments by deliverable and status"),
                    f["title"])
    r = 2
    ws.write_string(r, 0, say(ctx, "Deliverable"), f["header"])
    for c, status in enumerate(statuses, start=1):
        ws.write_string(r, c, status, f["header"])
    ws.write_string(r, len(statuses) + 1, say(ctx, "Total"), f["header"])
    totals = [0] * len(statuses)
    for deliverable, rows in groups:
        r += 1
        ws.write_string(r, 0, deliverable, f["text"])
        for i, status in enumerate(statuses):
            n = sum(1 for row in rows if row["Status"] == status)
            totals[i] += n
            ws.write_number(r, 1 + i, n, fills[status] if n else f["number"])
        ws.write_number(r, len(statuses) + 1, len(rows), f["number"])
    r += 1
    ws.write_string(r, 0, say(ctx, "All deliverables"), f["total_label"])
    for i, n in enumerate(totals):
        ws.write_number(r, 1 + i, n, f["total"])
    ws.write_number(r, len(statuses) + 1, sum(totals), f["total"])
    xlsx.print_setup(ws, header_rows=0, audience=ctx.audience, title=say(ctx, TITLE),
                     landscape=False, texts=ctx.texts)


OUTPUT = Output(
    name="review_log",
    audience="internal",
    description="The review log: comments by deliverable with their responses and status "
                "(review_log.xlsx; internal only).",
    write=write,
    order=55,
    languages=("en", "fr"),
)
