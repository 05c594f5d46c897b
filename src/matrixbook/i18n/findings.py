"""Findings in the language of `validate --lang`: each finding whose rule gave its message as
a template (report.message) is written again with the French template of the catalogue
(`locale/fr/LC_MESSAGES/findings.po`, msgctxt = the rule's code); the report's own words
(summary, headings) come from the same catalogue (msgctxt 'report').

What the user must type stays as the workbook has it: headers, list values, IDs, dates."""

from __future__ import annotations

from dataclasses import replace

from matrixbook.i18n.words import Texts
from matrixbook.report import Finding, Report
from matrixbook.report.message import Message


def localize_finding(finding: Finding, texts: Texts,
                     said: dict[int, str] | None = None) -> Finding:
    """The finding with its message (and grouped text) in the language of `texts`; a
    finding whose rule gave a plain text keeps it. `said`: the texts already rendered, by
    the id of their message (findings often share one message object)."""
    if texts.english or (finding.text is None and finding.group_text is None):
        return finding
    said = {} if said is None else said
    message = _said(finding.text, texts, said) if finding.text is not None else finding.message
    group = (_said(finding.group_text, texts, said) if finding.group_text is not None
             else finding.group)
    return replace(finding, message=message, group=group)


def _said(message: Message, texts: Texts, said: dict[int, str]) -> str:
    text = said.get(id(message))
    if text is None:
        text = said[id(message)] = message.render(texts)
    return text


def localize(report: Report, texts: Texts) -> Report:
    """A copy of `report` whose messages are in the language of `texts` (the same findings,
    cells and rules: the JSON contract does not change, only its `message` texts)."""
    if texts.english:
        return report
    said: dict[int, str] = {}  # (the findings keep their messages alive meanwhile)
    return Report(report.path, [localize_finding(f, texts, said) for f in report.findings])


def report_text(report: Report, texts: Texts, sheet_order: list[str] | None = None,
                width: int = 100) -> str:
    """The text `validate` prints, in the language of `texts`."""
    localized = localize(report, texts)
    return localized.to_text(sheet_order, width, None if texts.english else texts)
