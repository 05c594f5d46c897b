"""Findings in the language of `validate --lang`: each finding whose rule gave its message as
a template (report.message) is written again with the French template of the catalogue
(`locale/fr/LC_MESSAGES/findings.po`, msgctxt = the rule's code); the report's own words
(summary, headings) come from the same catalogue (msgctxt 'report').

What the user must type stays as the workbook has it: headers, list values, IDs, dates."""

from __future__ import annotations

from dataclasses import replace

from matrixbook.i18n.words import Texts
from matrixbook.report import Finding, Report


def localize_finding(finding: Finding, texts: Texts) -> Finding:
    """The finding with its message (and grouped text) in the language of `texts`; a
    finding whose rule gave a plain text keeps it."""
    if texts.english or (finding.text is None and finding.group_text is None):
        return finding
    message = finding.text.render(texts) if finding.text is not None else finding.message
    group = (finding.group_text.render(texts) if finding.group_text is not None
             else finding.group)
    return replace(finding, message=message, group=group)


def localize(report: Report, texts: Texts) -> Report:
    """A copy of `report` whose messages are in the language of `texts` (the same findings,
    cells and rules: the JSON contract does not change, only its `message` texts)."""
    if texts.english:
        return report
    return Report(report.path, [localize_finding(f, texts) for f in report.findings])


def report_text(report: Report, texts: Texts, sheet_order: list[str] | None = None,
                width: int = 100) -> str:
    """The text `validate` prints, in the language of `texts`."""
    localized = localize(report, texts)
    return localized.to_text(sheet_order, width, None if texts.english else texts)
