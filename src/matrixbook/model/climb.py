"""What CLIMB needs of a policy: the export mapping declared in `schemas/climb.yaml` (typed and
checked by matrixbook.schema_climb), which policies go to CLIMB (a non-empty Climate context)
and the fields CLIMB cannot take a record without (`ClimbMapping.needs`). Read by the CLIMB
output and by the validation rules that say where a policy is not ready for CLIMB."""

from __future__ import annotations

import pandas as pd

from matrixbook.schema import Schema, SchemaError
from matrixbook.schema_climb import DERIVED, ClimbMapping, ExportColumn, Need
from matrixbook.values import blank_mask

__all__ = ["DERIVED", "ClimbMapping", "ExportColumn", "Need", "climate_policies", "load_mapping"]


def load_mapping(schema: Schema) -> ClimbMapping:
    """The CLIMB mapping the schema declares (schemas/climb.yaml)."""
    if schema.climb is None:
        raise SchemaError("schemas/climb.yaml is missing or empty")
    return schema.climb


def climate_policies(policies: pd.DataFrame, mapping: ClimbMapping) -> pd.DataFrame:
    """The Policies rows CLIMB is about: a non-empty Climate context (or the declared field)."""
    if policies.empty or mapping.select_field not in policies:
        return policies.iloc[0:0]
    return policies[~blank_mask(policies[mapping.select_field]).to_numpy()]
