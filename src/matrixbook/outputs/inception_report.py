"""The inception report (deliverable 1): out/inception_report.docx and .html.

Methodology, the entities and dialogues covered, the workplan in summary (phases and
deliverables), the interview calendar in summary (counts by body and status: no names) and the
data-collection plan (sources by due date and collection status). External: partners read it.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd

from matrixbook.documents import (
    as_text,
    common_context,
    day,
    document_properties,
    is_blank,
    write_pair,
)
from matrixbook.model import interviews as calendar
from matrixbook.model.context import BuildContext
from matrixbook.model.periods import collection_period
from matrixbook.outputs import Output
from matrixbook.schema import Meaning, Schema

NO_DUE_DATE = "No due date"


def _body_rows(schema: Schema, frame: pd.DataFrame, key: str, type_field: str) -> list[dict]:
    if frame is None or frame.empty:
        return []
    return [{"id": as_text(r[key]), "acronym": as_text(r.get("acronym")),
             "name": as_text(r.get("name_en")), "type": as_text(r.get(type_field)),
             "focus": as_text(r.get("geographic_focus"), ", ")}
            for _, r in frame.iterrows() if not is_blank(r[key])]


def _phases(schema: Schema, plan: pd.DataFrame) -> list[dict[str, str]]:
    if plan is None or plan.empty:
        return []
    statuses = list(schema.vocabulary("workplan_status").codes)
    out = []
    for phase in schema.vocabulary("workplan_phases").codes:
        rows = plan[plan["phase"] == phase]
        if rows.empty:
            continue
        counts = rows["status"].value_counts()
        progress = ", ".join(f"{counts[s]} {s.lower()}" for s in statuses if s in counts)
        out.append({"phase": phase, "start": day(rows["start_date"].min()),
                    "end": day(rows["end_date"].max()), "tasks": str(len(rows)),
                    "progress": progress})
    return out


def _deliverables(schema: Schema, plan: pd.DataFrame) -> list[dict[str, str]]:
    if plan is None or plan.empty:
        return []
    deliverable = schema.codes("workplan_item_types", Meaning.DELIVERABLE)
    rows = plan[plan["item_type"].isin(deliverable)].sort_values(["end_date", "task_id"])
    return [{"id": as_text(r.task_id), "task": as_text(r.task), "due": day(r.end_date),
             "status": as_text(r.status), "approved": day(r.get("approval_date")) or "–"}
            for _, r in rows.iterrows()]


def _this_deliverable(deliverables: list[dict[str, str]]) -> dict[str, str] | None:
    """The deliverable the inception report is part of: the one whose task names the inception
    report, else the first due; with its number (1 = first due) and version."""
    if not deliverables:
        return None
    numbered = [dict(d, number=str(i), of=str(len(deliverables)))
                for i, d in enumerate(deliverables, start=1)]
    chosen = next((d for d in numbered if "inception" in d["task"].lower()), numbered[0])
    approved = chosen["approved"] != "–"
    chosen["version"] = (f"Final, approved by IOM on {chosen['approved']}" if approved
                         else f"Draft for review by IOM ({chosen['status'].lower()})")
    return chosen


def _calendar(ctx: BuildContext, bodies: pd.DataFrame) -> dict[str, Any]:
    """The interview calendar: per week and body (count, modes) for everyone; every interview
    (date, time, body, organisation, mode, status, and who) in an internal build only."""
    table = ctx.tables.get(ctx.schema.names.interviews)
    schema = ctx.schema
    ids = [str(b) for b in bodies["body_id"]]
    acronyms = {str(b["body_id"]): as_text(b.get("acronym")) or str(b["body_id"])
                for b in bodies.to_dict("records")}
    weeks = calendar.per_week(table, ids, schema.vocabulary("interview_modes").codes,
                              schema.vocabulary("interview_status").codes)
    rows = [{"week": f"Week of {day(w.week)}" if w.week else "Not yet scheduled",
             "body": acronyms.get(w.body_id, w.body_id or "–"), "count": str(w.count),
             "modes": w.modes_text(), "statuses": w.statuses_text()} for w in weeks]
    listed: list[dict[str, str]] = []
    if ctx.audience == "internal" and table is not None and not table.empty:
        ordered = table.sort_values(["starts_at", "interview_id"], na_position="last",
                                    kind="stable")
        for r in ordered.to_dict("records"):
            start = r.get("starts_at")
            who = ", ".join(as_text(r.get(k)) for k in ("interviewee", "role")
                            if as_text(r.get(k)))
            listed.append({
                "date": day(start) if not is_blank(start) else "Not yet scheduled",
                "time": "" if is_blank(start) else f"{pd.Timestamp(start):%H:%M}",
                "body": acronyms.get(str(r.get("body_id")), as_text(r.get("body_id"))),
                "organisation": as_text(r.get("organisation")), "who": who,
                "mode": as_text(r.get("mode")), "status": as_text(r.get("status"))})
    return {"calendar_weeks": rows, "calendar_interviews": listed}


def _count_table(frame: pd.DataFrame, keys: list[Any], rows: list[tuple[str, Any]],
                 column: str, statuses: list[str]) -> dict[str, Any]:
    """Rows of counts by status (only the statuses that occur, in vocabulary order), a Total
    column and a Total row; zero shows as a dash so the figures stand out.

    `keys` gives each row of `frame` the key of the table row it is counted in, `rows` the
    table rows as (label, key), in order; a key no row of `frame` has gives no table row. One
    pass over the frame: a global workbook has a thousand bodies and ten thousand sources."""
    tally: dict[Any, Counter[Any]] = {}
    for key, value in zip(keys, frame[column].tolist(), strict=True):
        tally.setdefault(key, Counter())[value] += 1
    overall: Counter[Any] = sum(tally.values(), Counter())
    present = [s for s in statuses if overall[s]]
    table = []
    for label, key in rows:
        counts = tally.get(key)
        if not counts:
            continue
        table.append({"label": label, "cells": [str(counts[s]) if counts[s] else "–"
                                                for s in present]
                      + [str(sum(counts.values()))]})
    return {"rows": table, "columns": present + ["Total"],
            "totals": {"label": "Total", "cells": [str(overall[s]) if overall[s] else "–"
                                                   for s in present] + [str(len(frame))]}}


_OTHER = object()  # the key of rows counted under "Other" / "No due date"


def _interviews(schema: Schema, tables: dict[str, pd.DataFrame],
                bodies: pd.DataFrame) -> dict[str, Any]:
    t = tables.get(schema.names.interviews)
    if t is None or t.empty:
        return {"rows": [], "columns": [], "totals": None}
    rows = [(as_text(b.get("acronym")) or as_text(b["body_id"]), b["body_id"])
            for b in bodies.to_dict("records")]
    known = set(bodies["body_id"].astype(str))
    keys = [body if str(body) in known else _OTHER for body in t["body_id"].tolist()]
    rows.append(("Other", _OTHER))
    return _count_table(t, keys, rows, "status",
                        list(schema.vocabulary("interview_status").codes))


def _collection(schema: Schema, tables: dict[str, pd.DataFrame]) -> dict[str, Any]:
    t = tables.get(schema.names.sources)
    if t is None or t.empty:
        return {"rows": [], "columns": [], "totals": None}
    keys: list[Any] = [_OTHER if is_blank(d) else pd.Timestamp(d) for d in t["due_date"].tolist()]
    dates = sorted({k for k in keys if k is not _OTHER})
    rows = [(day(d), d) for d in dates] + [(NO_DUE_DATE, _OTHER)]
    return _count_table(t, keys, rows, "status",
                        list(schema.vocabulary("collection_status").codes))


def report_content(ctx: BuildContext) -> dict[str, Any]:
    schema, tables, names = ctx.schema, ctx.tables, ctx.schema.names
    bodies = ctx.bodies()
    bodies = bodies.loc[bodies["body_id"].map(lambda v: not is_blank(v)).astype(bool)]
    sources = tables.get(names.sources)
    interviews = tables.get(names.interviews)
    period = collection_period(ctx)  # the same data-collection period validation checks
    entities = _body_rows(schema, tables.get(names.entities), "entity_id", "entity_type")
    dialogues = _body_rows(schema, tables.get(names.dialogues), "dialogue_id", "dialogue_type")
    interview_counts = _interviews(schema, tables, bodies)
    deliverables = _deliverables(schema, tables.get(names.workplan))
    collection_counts = _collection(schema, tables)
    return {
        "counts": {
            "entities": len(entities),
            "dialogues": len(dialogues),
            "themes": len(schema.vocabulary("themes").codes),
            "sources": 0 if sources is None else len(sources),
            "sources_done": 0 if sources is None else int(sources["status"].isin(
                schema.codes("collection_status", Meaning.DONE)).sum()),
            "interviews": 0 if interviews is None else len(interviews),
        },
        "period": {"start": day(period[0]), "end": day(period[1])} if period else None,
        "entities": entities,
        "dialogues": dialogues,
        "phases": _phases(schema, tables.get(names.workplan)),
        "deliverables": deliverables,
        "deliverable": _this_deliverable(deliverables),
        **_calendar(ctx, bodies),
        "interviews": interview_counts["rows"],
        "interview_statuses": interview_counts["columns"],
        "interview_totals": interview_counts["totals"],
        "collection": collection_counts["rows"],
        "collection_statuses": collection_counts["columns"],
        "collection_totals": collection_counts["totals"],
    }


def write(ctx: BuildContext) -> list[Path]:
    title = "Inception report"
    context = common_context(ctx, title)
    context["properties"] = document_properties(
        ctx, "Inception report (deliverable 1) of the mapping of regional entities and "
             "inter-regional migration dialogues: methodology, scope, workplan, interview "
             "calendar and data-collection plan.", ["inception report"], "Inception report")
    context.update(report_content(ctx))
    return write_pair(ctx, "inception_report", "inception_report", context, title)


OUTPUT = Output(
    name="inception_report",
    audience="external",
    description="Inception report: methodology, scope, workplan, calendars (.docx, .html).",
    write=write,
    order=45,
)
