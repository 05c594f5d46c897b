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
from matrixbook.i18n import Texts
from matrixbook.model import interviews as calendar
from matrixbook.model import language
from matrixbook.model.context import BuildContext
from matrixbook.model.periods import collection_period
from matrixbook.outputs import Output, figures
from matrixbook.schema import Meaning, Schema

NO_DUE_DATE = "No due date"
CONTEXT = "inception_report"  # the msgctxt of the report's texts (its templates': "documents")


class _Words:
    """The report's words in the build's language (English: as written here)."""

    def __init__(self, texts: Texts | None) -> None:
        self.texts = texts if texts is not None and not texts.english else None

    def __call__(self, text: str) -> str:
        return text if self.texts is None else str(self.texts.t(text, CONTEXT))

    def term(self, vocabulary: str, value: str) -> str:
        return value if self.texts is None or not value else self.texts.term(vocabulary, value)

    def counted(self, n: int, vocabulary: str, value: str) -> str:
        """'2 not started' / '2 non commencées'."""
        if self.texts is None:
            return f"{n} {value.lower()}"
        return self.texts.counted_term(n, vocabulary, value)

    def day(self, value: Any) -> str:
        return day(value, self.texts)

    def acronym(self, row: Any) -> str:
        """A body's acronym or short name in the language, marked if English."""
        if self.texts is None:
            return as_text(row.get("acronym"))
        return language.named(self.texts.body_acronym(row))

    def name(self, row: Any) -> str:
        """A body's name in the language, marked if English."""
        if self.texts is None:
            return as_text(row.get("name_en"))
        return language.named(self.texts.body_name(row))


def _body_rows(schema: Schema, frame: pd.DataFrame, key: str, type_field: str,
               say: _Words | None = None) -> list[dict]:
    if frame is None or frame.empty:
        return []
    say = say or _Words(None)
    names = schema.names
    vocabulary = schema.sheet(names.entities if key == "entity_id" else names.dialogues).by_field[
        type_field].vocabulary or ""
    return [{"id": as_text(r[key]), "acronym": say.acronym(r), "name": say.name(r),
             "type": say.term(vocabulary, as_text(r.get(type_field))),
             "focus": (as_text(r.get("geographic_focus"), ", ") if say.texts is None else
                       ", ".join(say.term("geographic_focus", str(v))
                                 for v in (r.get("geographic_focus") or [])
                                 if not is_blank(v)))}
            for _, r in frame.iterrows() if not is_blank(r[key])]


def _phases(schema: Schema, plan: pd.DataFrame, say: _Words | None = None) -> list[dict[str, str]]:
    if plan is None or plan.empty:
        return []
    say = say or _Words(None)
    statuses = list(schema.vocabulary("workplan_status").codes)
    out = []
    for phase in schema.vocabulary("workplan_phases").codes:
        rows = plan[plan["phase"] == phase]
        if rows.empty:
            continue
        counts = rows["status"].value_counts()
        progress = ", ".join(say.counted(int(counts[s]), "workplan_status", s)
                             for s in statuses if s in counts)
        out.append({"phase": say.term("workplan_phases", phase),
                    "start": say.day(rows["start_date"].min()),
                    "end": say.day(rows["end_date"].max()), "tasks": str(len(rows)),
                    "progress": progress})
    return out


def _deliverables(schema: Schema, plan: pd.DataFrame,
                  say: _Words | None = None) -> list[dict[str, str]]:
    if plan is None or plan.empty:
        return []
    say = say or _Words(None)
    deliverable = schema.codes("workplan_item_types", Meaning.DELIVERABLE)
    rows = plan[plan["item_type"].isin(deliverable)].sort_values(["end_date", "task_id"])
    return [{"id": as_text(r.task_id), "task": _task(r, schema, say),
             "due": say.day(r.end_date), "status": say.term("workplan_status", as_text(r.status)),
             "english_task": as_text(r.task),
             "approved": say.day(r.get("approval_date")) or "–"}
            for _, r in rows.iterrows()]


def _task(row: Any, schema: Schema, say: _Words) -> str:
    """A task in the build's language (Task (French)), else in English, marked."""
    if say.texts is None:
        return as_text(row.task)
    found = say.texts.content(row, "task", schema.names.workplan)
    return language.marked(found.text, found.untranslated)


def _this_deliverable(deliverables: list[dict[str, str]],
                      say: _Words | None = None) -> dict[str, str] | None:
    """The deliverable the inception report is part of: the one whose task names the inception
    report, else the first due; with its number (1 = first due) and version."""
    if not deliverables:
        return None
    say = say or _Words(None)
    numbered = [dict(d, number=str(i), of=str(len(deliverables)))
                for i, d in enumerate(deliverables, start=1)]
    chosen = next((d for d in numbered if "inception" in d["english_task"].lower()),
                  numbered[0])
    approved = chosen["approved"] != "–"
    chosen["version"] = (say("Final, approved by IOM on {date}").format(date=chosen["approved"])
                         if approved else say("Draft for review by IOM ({status})").format(
                             status=chosen["status"].lower()))
    return chosen


def _calendar(ctx: BuildContext, bodies: pd.DataFrame) -> dict[str, Any]:
    """The interview calendar: per week and body (count, modes) for everyone; every interview
    (date, time, body, organisation, mode, status, and who) in an internal build only."""
    table = ctx.tables.get(ctx.schema.names.interviews)
    schema = ctx.schema
    say = _Words(ctx.texts)
    ids = [str(b) for b in bodies["body_id"]]
    acronyms = {str(b["body_id"]): say.acronym(b) or str(b["body_id"])
                for b in bodies.to_dict("records")}
    weeks = calendar.per_week(table, ids, schema.vocabulary("interview_modes").codes,
                              schema.vocabulary("interview_status").codes)
    rows = [{"week": say("Week of {date}").format(date=say.day(w.week)) if w.week
             else say("Not yet scheduled"),
             "body": acronyms.get(w.body_id, w.body_id or "–"), "count": str(w.count),
             "modes": w.modes_text(say.texts), "statuses": w.statuses_text(say.texts)}
            for w in weeks]
    listed: list[dict[str, str]] = []
    if ctx.audience == "internal" and table is not None and not table.empty:
        ordered = table.sort_values(["starts_at", "interview_id"], na_position="last",
                                    kind="stable")
        for r in ordered.to_dict("records"):
            start = r.get("starts_at")
            who = ", ".join(as_text(r.get(k)) for k in ("interviewee", "role")
                            if as_text(r.get(k)))
            listed.append({
                "date": say.day(start) if not is_blank(start) else say("Not yet scheduled"),
                "time": "" if is_blank(start) else f"{pd.Timestamp(start):%H:%M}",
                "body": acronyms.get(str(r.get("body_id")), as_text(r.get("body_id"))),
                "organisation": as_text(r.get("organisation")), "who": who,
                "mode": say.term("interview_modes", as_text(r.get("mode"))),
                "status": say.term("interview_status", as_text(r.get("status")))})
    return {"calendar_weeks": rows, "calendar_interviews": listed}


def _count_table(frame: pd.DataFrame, keys: list[Any], rows: list[tuple[str, Any]],
                 column: str, statuses: list[str],
                 say: _Words | None = None, vocabulary: str = "") -> dict[str, Any]:
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
    say = say or _Words(None)
    total = say("Total")
    return {"rows": table, "columns": [say.term(vocabulary, s) for s in present] + [total],
            "totals": {"label": total, "cells": [str(overall[s]) if overall[s] else "–"
                                                 for s in present] + [str(len(frame))]}}


_OTHER = object()  # the key of rows counted under "Other" / "No due date"


def _interviews(schema: Schema, tables: dict[str, pd.DataFrame],
                bodies: pd.DataFrame, say: _Words | None = None) -> dict[str, Any]:
    t = tables.get(schema.names.interviews)
    if t is None or t.empty:
        return {"rows": [], "columns": [], "totals": None}
    say = say or _Words(None)
    rows = [(say.acronym(b) or as_text(b["body_id"]), b["body_id"])
            for b in bodies.to_dict("records")]
    known = set(bodies["body_id"].astype(str))
    keys = [body if str(body) in known else _OTHER for body in t["body_id"].tolist()]
    rows.append((say("Other"), _OTHER))
    return _count_table(t, keys, rows, "status",
                        list(schema.vocabulary("interview_status").codes), say,
                        "interview_status")


def _collection(schema: Schema, tables: dict[str, pd.DataFrame],
                say: _Words | None = None) -> dict[str, Any]:
    t = tables.get(schema.names.sources)
    if t is None or t.empty:
        return {"rows": [], "columns": [], "totals": None}
    say = say or _Words(None)
    keys: list[Any] = [_OTHER if is_blank(d) else pd.Timestamp(d) for d in t["due_date"].tolist()]
    dates = sorted({k for k in keys if k is not _OTHER})
    rows = [(say.day(d), d) for d in dates] + [(say(NO_DUE_DATE), _OTHER)]
    return _count_table(t, keys, rows, "status",
                        list(schema.vocabulary("collection_status").codes), say,
                        "collection_status")


def report_content(ctx: BuildContext) -> dict[str, Any]:
    schema, tables, names = ctx.schema, ctx.tables, ctx.schema.names
    bodies = ctx.bodies()
    bodies = bodies.loc[bodies["body_id"].map(lambda v: not is_blank(v)).astype(bool)]
    sources = tables.get(names.sources)
    interviews = tables.get(names.interviews)
    period = collection_period(ctx)  # the same data-collection period validation checks
    say = _Words(ctx.texts)
    entities = _body_rows(schema, tables.get(names.entities), "entity_id", "entity_type", say)
    dialogues = _body_rows(schema, tables.get(names.dialogues), "dialogue_id", "dialogue_type",
                           say)
    interview_counts = _interviews(schema, tables, bodies, say)
    deliverables = _deliverables(schema, tables.get(names.workplan), say)
    collection_counts = _collection(schema, tables, say)
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
        "period": ({"start": say.day(period[0]), "end": say.day(period[1])} if period
                   else None),
        "entities": entities,
        "dialogues": dialogues,
        "phases": _phases(schema, tables.get(names.workplan), say),
        "deliverables": deliverables,
        "deliverable": _this_deliverable(deliverables, say),
        **_calendar(ctx, bodies),
        "interviews": interview_counts["rows"],
        "interview_statuses": interview_counts["columns"],
        "interview_totals": interview_counts["totals"],
        "collection": collection_counts["rows"],
        "collection_statuses": collection_counts["columns"],
        "collection_totals": collection_counts["totals"],
    }


def write(ctx: BuildContext) -> list[Path]:
    say = _Words(ctx.texts)
    title = say("Inception report")
    context = common_context(ctx, title)
    context["properties"] = document_properties(
        ctx, say("Inception report (deliverable 1) of the mapping of regional entities and "
                 "inter-regional migration dialogues: methodology, scope, workplan, interview "
                 "calendar and data-collection plan."), [say("inception report")], title)
    context.update(report_content(ctx))
    picture, caption = figures.gantt(ctx.schema, ctx.tables.get(ctx.schema.names.workplan),
                                     ctx.today, ctx.texts)
    context["pictures"] = {"gantt": picture}
    context["captions"] = {"gantt": caption}
    return write_pair(ctx, "inception_report", "inception_report", context, title)


OUTPUT = Output(
    name="inception_report",
    audience="external",
    description="Inception report: methodology, scope, workplan, calendars (.docx, .html).",
    write=write,
    order=45,
    apart="reports",
    languages=("en", "fr"),
)
