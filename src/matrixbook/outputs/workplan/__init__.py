"""`out/workplan.xlsx`: the workplan of deliverable 1, with its two calendars.

- *Schedule*: a Gantt chart drawn in cells, so it prints and can be edited without a charting
  tool. Tasks are grouped by phase (in the order of the phase list); one column per day (or per
  week when the plan is longer than twelve weeks). Bars take the colour of the task's status,
  milestones (◆) and deliverable deadlines (★) are markers on their day, weekends are shaded and
  narrow (their day number in a smaller font, so the day sequence reads without gaps), and a
  vermilion line marks today when the build is given `--today` and it falls in the plan.
  Without `--today` there is no today line and no late flag, and the header says so and how to
  get them: the file never depends on the clock, so two builds of the same workbook are
  byte-identical.
- *Interviews*: the interview calendar by date and time; *Interviews by body*: counts per body
  and per status, with the bodies that have no interview planned or held flagged.
- *Data collection*: per body, the sources of the documentary review to collect, due dates and
  status, overdue ones flagged.

Each sheet's header line names its dates: the facts about the bodies were checked up to the
latest 'Checked on' (often long after the plan), the schedule is shown as at `--today`.
Dates and times are centred and text sits one indent in from its column's edge, so a printed
cell never runs into the next one.

Column headers come from the schemas; the tables are already filtered for the audience, so the
interviewees' names and contacts appear only in an internal build.
"""


from __future__ import annotations

from pathlib import Path

import xlsxwriter

from matrixbook import xlsx
from matrixbook.model.context import BuildContext
from matrixbook.outputs import Output
from matrixbook.outputs.workplan.common import formats, say
from matrixbook.outputs.workplan.interviews import (
    INTERVIEW_HEADER_ROWS,
    NONE_SCHEDULED,
    write_interview_counts,
    write_interviews,
)
from matrixbook.outputs.workplan.schedule import (
    SCHEDULE_FIELDS,
    SCHEDULE_HEADER_ROWS,
    write_schedule,
)
from matrixbook.outputs.workplan.sources import SOURCE_HEADER_ROWS, write_data_collection

FILE_NAME = "workplan.xlsx"

__all__ = ["INTERVIEW_HEADER_ROWS", "NONE_SCHEDULED", "OUTPUT", "SCHEDULE_FIELDS",
           "SCHEDULE_HEADER_ROWS", "SOURCE_HEADER_ROWS"]


def write(ctx: BuildContext) -> list[Path]:
    with ctx.writing(FILE_NAME) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), xlsx.workbook_options())
        xlsx.set_properties(wb, say(ctx, "Workplan, interview calendar and data-collection "
                                         "calendar"),
                            say(ctx, "{audience} version, from {source}").format(
                                audience=say(ctx, ctx.audience_label), source=ctx.source_name),
                            ctx.texts)
        f = formats(wb)
        write_schedule(wb, f, ctx)
        write_interviews(wb, f, ctx)
        write_interview_counts(wb, f, ctx)
        write_data_collection(wb, f, ctx)
        wb.close()
    return [ctx.path(FILE_NAME)]


OUTPUT = Output(
    name="workplan",
    audience="external",
    description="Workplan schedule (Gantt chart), interview calendar and data-collection "
                "calendar (workplan.xlsx)",
    write=write,
    order=20,
    languages=("en", "fr"),
)
