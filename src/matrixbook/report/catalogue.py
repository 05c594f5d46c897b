"""Every rule matrixbook reports, one object each; docs/rules.md is generated from this list.

Add a rule here first, then emit it with `RULE.at(...)` (or `ctx.finding(RULE, ...)` in a
validation rule); tests/test_rules_doc.py fails if a rule is emitted but not declared here,
or declared but never emitted."""

from __future__ import annotations

from matrixbook.report.model import ERROR, WARNING, Rule

# -- the file and its sheets (reading) --
CANNOT_RUN = Rule("cannot-run", ERROR, "The workbook could not be read",
                  "The file is missing, locked, not an Excel workbook, or damaged; nothing else "
                  "was checked (exit status 2).", "{reason}")
MISSING_SHEET = Rule("missing-sheet", ERROR, "A sheet is missing",
                     "Every sheet the schema declares must be in the workbook; without it the "
                     "command stops (exit status 2) after saying what else it found.",
                     "The workbook has no sheet '{sheet}'. {hint}", stops=True)
SHEET_NAME = Rule("sheet-name", WARNING, "A sheet is named almost right",
                  "A sheet whose name differs only in case or spacing is read, but should be "
                  "renamed.", "The sheet '{title}' is read as '{sheet}'; rename it to '{sheet}' "
                  "exactly.")
HEADER_ROW = Rule("header-row", ERROR, "Headers in the wrong row",
                  "The headers must be in the sheet's header row; a moved header row stops the "
                  "sheet from being checked, and the command (exit status 2).",
                  "The headers of '{title}' are in row {row}, not row {header_row}. ...",
                  stops=True)
DUPLICATE_HEADER = Rule("duplicate-header", ERROR, "A header appears twice",
                        "Only the first of two columns with the same header is read.",
                        "The header '{name}' appears twice, in {first} and {cell}; ...")
HEADER_SPACING = Rule("header-spacing", WARNING, "A header typed with extra spaces or case",
                      "The header is read, but should be typed exactly.",
                      "The header '{text}' is read as '{name}'; type it exactly as '{name}'.")
MISSPELT_HEADER = Rule("misspelt-header", ERROR, "A header is misspelt",
                       "A header the workbook does not expect, close to one it does (a renamed "
                       "header: the command stops, exit status 2).",
                       "The header '{text}' is not one the workbook expects; it probably means "
                       "'{name}'. Rename it to '{name}' exactly.", stops=True)
MISSING_COLUMN = Rule("missing-column", ERROR, "A column is missing",
                      "Every column the schema declares must have a header; without it the "
                      "command stops (exit status 2).",
                      "The column '{name}' is missing from the header row. ...", stops=True)
BLANK_ROW = Rule("blank-row", WARNING, "A row of spaces only",
                 "A row whose cells hold only spaces looks like a record but is read as empty.",
                 "Row {row} holds only spaces, so it is read as an empty row. ...")
EXCEL_ERROR = Rule("excel-error", ERROR, "An Excel error in a cell",
                   "A cell shows #N/A, #REF! or another Excel error instead of a value.",
                   "The cell shows the Excel error {code}, not a value. ...")
FORMULA = Rule("formula", WARNING, "A formula in a data cell",
               "matrixbook reads the result Excel last saved for a formula, never the formula: "
               "a title typed as =1+1 is read as 2. Outputs show that result as text.",
               "The cell holds the formula {formula}; matrixbook reads its last saved result "
               "... Type the value itself.")
MERGED_CELLS = Rule("merged-cells", WARNING, "Merged cells",
                    "Only the first cell of a merged range holds a value.",
                    "The cells {first}:{last} are merged, so only {first} holds a value. ...")

# -- one cell against its column --
REQUIRED = Rule("required", ERROR, "A required cell is empty",
                "The column must be filled in on every row.",
                "{column} is required: {description}")
WRONG_TYPE = Rule("wrong-type", ERROR, "A value of the wrong type",
                  "A date, number, yes/no or list column holds something that cannot be read "
                  "as one; the cell is then treated as empty by the other rules.",
                  "{column} should be {what}: ...")
WHITESPACE = Rule("whitespace", WARNING, "Spaces around a value",
                  "Spaces or non-breaking spaces before or after the text.",
                  "The cell holds {what}; it is read as '{cleaned}'. Retype it as '{cleaned}'.")
CELL_TOO_LONG = Rule("cell-too-long", ERROR, "A cell over Excel's limit",
                     "Excel keeps at most 32,767 characters in a cell and cuts the rest.",
                     "The cell holds {size}; Excel keeps at most 32,767 in a cell ...")
DUPLICATE_KEY = Rule("duplicate-key", ERROR, "An ID used twice",
                     "The key column (an ID) must be unique.",
                     "'{value}' is used twice, in {first} and {cell}; each {column} must be "
                     "unique. ...")
VOCABULARY = Rule("vocabulary", ERROR, "A value not in the list",
                  "The column takes values from a drop-down list only.",
                  "'{value}' is not an allowed value for {column}. {hint}")
UNKNOWN_COUNTRY = Rule("unknown-country", ERROR, "Not a country code",
                       "Countries are ISO 3166-1 alpha-3 codes such as MAR, EGY or SAU.",
                       "'{value}' is not an ISO 3166-1 alpha-3 country code. ...")
PATTERN = Rule("pattern", ERROR, "A value in the wrong form",
               "The column's values follow a pattern (e.g. an ID such as POL-0001).",
               "'{value}' is not a valid {column}. {description}")
OUT_OF_RANGE = Rule("out-of-range", ERROR, "A value out of range",
                    "A date or number outside the range the column allows.",
                    "{value} is outside the range allowed for {column}: from {low} to {high}. "
                    "Check for a typing mistake.")
UNKNOWN_REFERENCE = Rule("unknown-reference", ERROR, "An ID that is not defined",
                         "A column that refers to another sheet names an ID defined there.",
                         "'{value}' is not an ID defined in the {sheet} sheet. ...")

# -- across rows and sheets --
END_BEFORE_START = Rule("end-before-start", ERROR, "End date before start date",
                        "A membership or task ends before it starts.",
                        "The end date {end} is before the start date {start}. Check both dates.")
NOT_A_DELIVERABLE = Rule("not-a-deliverable", ERROR, "A task under a non-deliverable",
                         "A task's Deliverable ID names a Workplan row that is not a "
                         "deliverable.", "{value} is not a deliverable ...")
AFTER_DEADLINE = Rule("after-deadline", ERROR, "A task ends after its deliverable",
                      "A task must end by the deadline of its deliverable.",
                      "The task ends on {end}, after the deadline of {deliverable} ...")
MISSING_INTERVIEW_DATE = Rule("missing-interview-date", ERROR, "A done interview without date",
                              "An interview marked done has its date and time.",
                              "The interview is marked done but has no date ...")
DONE_WITHOUT_CONSENT = Rule("done-without-consent", ERROR, "A done interview without consent",
                            "An interview marked done records the interviewee's consent.",
                            "The interview is marked done but consent is not recorded ...")
OUTSIDE_COLLECTION_PERIOD = Rule("outside-collection-period", ERROR,
                                 "An interview outside the collection period",
                                 "Interviews take place within the data-collection period.",
                                 "The interview on {day} is outside the data-collection period "
                                 "...")
INTERVIEWER_CLASH = Rule("interviewer-clash", ERROR, "Two interviews at once",
                         "One interviewer cannot hold two interviews at the same time.",
                         "{interviewer} has two interviews at the same time ...")
EMPTY_SECTION = Rule("empty-section", WARNING, "A brief section is empty",
                     "The sections of a body's briefing note are filled in (an error at "
                     "--stage final).", "{body}: the brief section '{section}' is empty ...",
                     final=True)
STALE_STATUS = Rule("stale-status", WARNING, "A status left behind",
                    "A status that the date says should have moved on (checked by validate, "
                    "which takes today's date).", "{status} since {day} ...")
NOTE_LENGTH = Rule("note-length", WARNING, "A note too long for its page",
                   "Text that would push a briefing note past its page.",
                   "{field} of {body} is too long for the briefing note ...")
NO_LISTS_SHEET = Rule("no-lists-sheet", WARNING, "The hidden Lists sheet is missing",
                      "Without it the drop-down lists show no choices; `matrixbook init "
                      "--repair-lists` rebuilds it.", "The hidden sheet 'Lists' is missing ...")

# -- review --
OPEN_COMMENT = Rule("open-comment", ERROR, "A review comment still open",
                    "At --stage final every review comment is resolved.",
                    "The review comment is still {status} ...")
DRAFT_IN_FINAL = Rule("draft-in-final", ERROR, "A draft row at the final stage",
                      "At --stage final no row is still marked draft.",
                      "{id} is still marked {status} ...")
NO_RECOMMENDATION = Rule("no-recommendation", WARNING, "A body without a recommendation",
                         "Every body of the mapping has at least one recommendation (an error "
                         "at --stage final).", "{body} has no recommendation ...", final=True)
RETIRED_COLUMN = Rule("retired-column", WARNING, "Text in a retired column",
                      "A column that is no longer read still holds text (an error at --stage "
                      "final).", "The column '{header}' is no longer read ...", final=True)

# -- the language of the outputs (validate --lang) --
UNTRANSLATED = Rule("untranslated", WARNING, "Text a build in another language shows in English",
                    "With `--stage final --lang fr`: a text whose French column is empty (a "
                    "brief section, a recommendation, a body's name); the French outputs show "
                    "the English text, marked as not translated.",
                    "{n} cells of '{column}' are empty, so a French build shows the English "
                    "text of '{english}' for them, marked as not translated: {items}.")

# -- CLIMB export --
CLIMB_NO_LANGUAGE = Rule("climb-no-language", WARNING, "CLIMB: no language",
                         "A policy that goes to CLIMB names the language of its text.",
                         "{policy} goes to CLIMB but its Language is empty ...")
CLIMB_NO_SOURCE = Rule("climb-no-source", WARNING, "CLIMB: no source link",
                       "A policy that goes to CLIMB has its source URL (an error at --stage "
                       "final).", "{policy} has a Climate context ... but '{column}' is empty "
                       "...", final=True)
CLIMB_NO_DATE_ACCESSED = Rule("climb-no-date-accessed", WARNING, "CLIMB: no date accessed",
                              "A policy that goes to CLIMB has the date its source was "
                              "accessed (an error at --stage final).",
                              "{policy} has a Climate context ... but '{column}' is empty ...",
                              final=True)
CLIMB_NO_PROVISIONS = Rule("climb-no-provisions", WARNING, "CLIMB: no provisions",
                           "A policy that goes to CLIMB has its provisions (an error at "
                           "--stage final).", "{policy} has a Climate context ... but "
                           "'{column}' is empty ...", final=True)
CLIMB_NO_MOBILITY_TYPE = Rule("climb-no-mobility-type", WARNING, "CLIMB: no mobility type",
                              "A policy that goes to CLIMB names its mobility types (an error "
                              "at --stage final).", "{policy} has a Climate context ... but "
                              "'{column}' is empty ...", final=True)
CLIMB_NO_COUNTRIES = Rule("climb-no-countries", WARNING, "CLIMB: no countries",
                          "A policy that goes to CLIMB lists its countries, or its body has "
                          "members on its date (an error at --stage final).",
                          "{policy} lists no countries and the Memberships sheet has no member "
                          "of {body} on {day} ...", final=True)
CLIMB_UNDATED_MEMBERSHIP = Rule("climb-undated-membership", WARNING,
                                "CLIMB: a membership without its dates",
                                "A suspension or ended membership without dates leaves CLIMB "
                                "unsure who was a member.", "This membership of {country} in "
                                "{body} is marked Ended but has no end date ...")
CLIMB_NO_CONTEXT = Rule("climb-no-context", WARNING, "CLIMB: hazards without a context",
                        "A policy that names hazards but no Climate context is left out of "
                        "CLIMB.", "{policy} names hazards ({hazards}) but its Climate context "
                        "is empty ...")
