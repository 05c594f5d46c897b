"""Findings, the rule catalogue and the report that holds them; rendered as text or JSON
(`render`, also for the change records of diff)."""

from matrixbook.report import catalogue
from matrixbook.report.catalogue import CANNOT_RUN
from matrixbook.report.model import (
    ERROR,
    WARNING,
    Finding,
    Report,
    Rule,
    Severity,
    all_rules,
    json_value,
    plural,
    rule_of,
)
from matrixbook.report.render import (
    Entry,
    Section,
    Wrap,
    cannot_run_json,
    findings_text,
    text_report,
    to_json,
)

__all__ = ["CANNOT_RUN", "ERROR", "WARNING", "Entry", "Finding", "Report", "Rule", "Section",
           "Severity", "Wrap", "all_rules", "catalogue", "cannot_run_json", "findings_text",
           "json_value", "plural", "rule_of", "text_report", "to_json"]
