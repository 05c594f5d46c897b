"""The model layer: what the workbook's records mean, independent of how they are checked or
written — bodies, memberships on a date, periods, relevance, recommendations, and the build
context every output receives."""
