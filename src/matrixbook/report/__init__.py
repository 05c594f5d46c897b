"""Findings, the rule catalogue and the report that holds them; rendered as text or JSON."""

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
    rule_of,
)
from matrixbook.report.render import cannot_run_json, findings_text

__all__ = ["CANNOT_RUN", "ERROR", "WARNING", "Finding", "Report", "Rule", "Severity",
           "all_rules", "catalogue", "cannot_run_json", "findings_text", "json_value", "rule_of"]
