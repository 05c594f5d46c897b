"""The About sheet of the CLIMB workbook: where the records come from, how they are coded, and
which records still carry unconfirmed facts or gaps."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from matrixbook import xlsx
from matrixbook.model.climb import ClimbMapping
from matrixbook.model.context import BuildContext
from matrixbook.outputs.climb.records import IMPORT_ROW_LINES, records_note
from matrixbook.values import blank_mask
from matrixbook.values import is_blank as is_missing
from matrixbook.xlsx import row_height


def write_about(wb: Any, lines: list[tuple[str, str]], ctx: BuildContext) -> None:
    ws = wb.add_worksheet("About")
    title = wb.add_format({"bold": True, "font_size": 14, "font_color": xlsx.IOM_BLUE})
    bold = wb.add_format({"bold": True, "valign": "top"})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    ws.set_column(0, 0, 26)
    ws.set_column(1, 1, 100)
    ws.write_string(0, 0, "CLIMB import sheet: regional policies on human mobility in the "
                    "context of disasters, climate change and environmental degradation", title)
    for r, (label, text) in enumerate(lines, start=2):
        ws.set_row(r, row_height([label, text], [26, 100]))
        ws.write_string(r, 0, label, bold)
        ws.write_string(r, 1, text, wrap)
    xlsx.print_setup(ws, header_rows=0, audience=ctx.audience, title="CLIMB import sheet",
                     landscape=True)


def about_lines(ctx: BuildContext, frame: pd.DataFrame, rows: pd.DataFrame,
                mapping: ClimbMapping) -> list[tuple[str, str]]:
    """What a reader needs to trust the sheet: where it comes from, how it is coded, and which
    records still carry unconfirmed facts or gaps."""
    sep = mapping.separator
    n = len(frame)
    roles = " or ".join(mapping.member_roles)
    left_out = (f", leaving out those {' or '.join(mapping.excluded_roles)} on that date"
                if mapping.excluded_roles else "")
    return [
        ("Source", f"Master workbook {ctx.source_name}, sheet Policies: the {n:,} "
         f"record{'s' if n != 1 else ''} whose Climate context is not empty (human mobility in "
         "the context of disasters, climate change or environmental degradation)."),
        ("Date of data", ctx.data_date + " (the latest 'Checked on' date of the entities and "
         "dialogues)."),
        ("Audience", f"{ctx.audience_label}."),
        ("Separator", f"Cells holding several values separate them with '{sep}' (semicolon "
         f"and space), e.g. DZA{sep}LBY{sep}MAR."),
        ("Labels", "Column labels and values follow a mapping declared in matrixbook "
         "(schemas/climb.yaml), to be aligned with CLIMB's own labels: CLIMB has not published "
         "its import template. Stable codes stand beside display labels so the two can be "
         "matched: ISO 3166-1 alpha-3 country codes, GCM objective numbers, ISO 639-1 language "
         "codes, acronyms of the issuing bodies."),
        ("Countries covered", "As listed in the master workbook. When a policy lists none: the "
         f"countries whose role in its issuing body was {roles} on the Adoption date (else on "
         f"31 December of the Year adopted){left_out}, read by the same rule as the mapping "
         "matrix and the briefing notes (a role ends on its End date; one with no Start date "
         "dates from the founding). The column 'Countries covered (basis)' "
         "says which, and names any country counted although a suspension or a departure has no "
         "date in the workbook. Groupings without an ISO code (e.g. the European Union) are "
         "named but not given as ISO3. Countries are in the order of their names."),
        ("CSV file", f"{mapping.name}.csv holds the same rows, in UTF-8 with a byte-order mark. "
         "A cell that begins with =, +, -, @, a tab or a carriage return starts with a single "
         "quote ' there, so that no spreadsheet runs it as a formula; remove that quote if the "
         "text is imported elsewhere."),
        ("Unconfirmed facts", _unconfirmed_text(rows) + _unconfirmed_members_text(frame)),
        ("Required by CLIMB", _gaps_text(rows, mapping)),
        ("Optional, to complete", _to_complete_text(frame, mapping)),
        ("Printing", "Print the Records sheet: one block per policy, on A4 portrait. The "
         f"import sheet '{mapping.sheet_title}' is laid out for import; it prints "
         "several pages wide, the Record ID repeated on each, and shows the first "
         f"{IMPORT_ROW_LINES} lines of a long cell (the Records sheet shows all of it)."
         + (f" {note}" if (note := records_note(n, mapping)) else "")),
    ]


# The About sheet lists the records behind each of its remarks up to this many: it is read and
# printed, and a global workbook may have thousands of them (one cell holds at most 32,767
# characters). Beyond, it gives the count, the first ones and where to find the rest.
ABOUT_LIST_LIMIT = 20


def _listed(items: list[str], rest: str = "", limit: int = ABOUT_LIST_LIMIT) -> str:
    """`items` joined; past `limit`, the first ones, how many more and `rest`: where they are."""
    if len(items) <= limit:
        return "; ".join(items) + "."
    return f"{'; '.join(items[:limit])}; and {len(items) - limit:,} more: {rest}."


def _per_record(ids: list[Any], empty: dict[str, np.ndarray]) -> list[str]:
    """'POL-001 (Source URL, Relevant provisions)' for each record with an empty field, in
    order; `empty` maps each field's name to where it is empty."""
    if not empty or not ids:
        return []
    found = np.flatnonzero(np.logical_or.reduce(list(empty.values())))
    return [f"{ids[i]} ({', '.join(n for n, e in empty.items() if e[i])})" for i in found]


def _counted(counts: dict[str, int]) -> str:
    """'Language 1,200 records, Hazard types 1 record', in the order given."""
    return ", ".join(f"{name} {k:,} record{'s' if k != 1 else ''}"
                     for name, k in counts.items() if k)


def _unconfirmed_text(rows: pd.DataFrame) -> str:
    if "confirmed" not in rows:
        return "Every record is marked as confirmed by a source."
    found = [f"{pid} ({title})" for pid, title, confirmed
             in zip(rows["policy_id"], rows["title"], rows["confirmed"], strict=True)
             if not is_missing(confirmed) and not confirmed]
    what = ("whose title, year or status no source confirms yet (Confirmed = No in the master "
            "workbook)")
    if not found:
        return "Every record is marked as confirmed by a source."
    if len(found) <= ABOUT_LIST_LIMIT:
        return f"Records {what}: {_listed(found)}"
    return (f"{len(found):,} records {what}, the first {ABOUT_LIST_LIMIT}: "
            + _listed(found, "filter the Confirmed column of the Policies sheet on No to list "
                      "them all"))


def _unconfirmed_members_text(frame: pd.DataFrame) -> str:
    """The records whose countries covered include a member no source confirms (from the basis
    column, which names them), as a sentence to follow the unconfirmed records."""
    basis = "Countries covered (basis)"
    if basis not in frame or "Record ID" not in frame:
        return ""
    marker = "; membership not confirmed by a source: "
    found = [f"{rid} ({text.split(marker, 1)[1]})"
             for rid, text in zip(frame["Record ID"], frame[basis], strict=True)
             if isinstance(text, str) and marker in text]
    if not found:
        return ""
    return (" Countries covered that no source confirms as members, marked '(not confirmed)' "
            "in the list of names: " + _listed(found, "see the column 'Countries covered "
                                                      "(basis)'"))


def _gaps_text(rows: pd.DataFrame, mapping: ClimbMapping) -> str:
    """The records missing what CLIMB needs (climb.yaml's needs), each with the names of its
    gaps."""
    empty = {n.name: (blank_mask(rows[n.field]).to_numpy() if n.field in rows
                      else np.ones(len(rows), dtype=bool)) for n in mapping.needs}
    ids = rows["policy_id"].tolist() if "policy_id" in rows else [""] * len(rows)
    found = _per_record(ids, empty)
    if not found:
        names = [n.name for n in mapping.needs]
        return (f"Every record has {', '.join(names[:-1])} and {names[-1]}: what CLIMB cannot "
                "take a record without.")
    if len(found) <= ABOUT_LIST_LIMIT:
        return ("Records missing what CLIMB needs (also reported by matrixbook validate): "
                + _listed(found))
    counts = _counted({name: int(e.sum()) for name, e in empty.items()})
    return (f"{len(found):,} records miss what CLIMB needs ({counts}). The first "
            f"{ABOUT_LIST_LIMIT}: " + _listed(found, "matrixbook validate lists every one, at "
                                          "its cell"))


def _to_complete_text(frame: pd.DataFrame, mapping: ClimbMapping) -> str:
    """The optional export columns each record leaves empty, named once per code and label
    pair ("Language", not "Language code" and "Language"), leaving out what CLIMB cannot do
    without (listed under "Required by CLIMB")."""
    needed = {n.field for n in mapping.needs}
    empty: dict[str, np.ndarray] = {}
    for col in mapping.columns:
        if col.required or col.labels_of or col.source in needed or col.label not in frame:
            continue
        name = col.label.removesuffix(" code")
        mask = blank_mask(frame[col.label]).to_numpy()
        empty[name] = empty[name] | mask if name in empty else mask
    ids = frame[mapping.columns[0].label].tolist() if len(frame.columns) else []
    found = _per_record(ids, empty)
    if not found:
        return "Every optional CLIMB column is filled."
    if len(found) <= ABOUT_LIST_LIMIT:
        return ("Optional CLIMB columns left empty, to be completed before import, record by "
                "record (an empty Language is also a warning of matrixbook validate): "
                + _listed(found))
    counts = _counted({name: int(e.sum()) for name, e in empty.items()})
    return (f"{len(found):,} records leave optional CLIMB columns empty, to be completed before "
            f"import ({counts}; an empty Language is also a warning of matrixbook validate). "
            f"The first {ABOUT_LIST_LIMIT}: " + _listed(
                found, f"filter those columns of the import sheet '{mapping.sheet_title}' for "
                "empty cells to list them all"))


