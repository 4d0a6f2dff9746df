"""The scenario's JSON Schema, for editors' YAML language servers (draft-7 compatible).

Generated from the models, so it cannot drift from what the loader accepts; a test fails
when the copy in ``scenarios/scenario.schema.json`` is stale.
"""

from __future__ import annotations

import json

from .models import Scenario

DRAFT_7 = "http://json-schema.org/draft-07/schema#"


def scenario_json_schema() -> dict:
    schema = Scenario.model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = DRAFT_7
    schema["title"] = "preparedness scenario"
    schema.setdefault("patternProperties", {})["^x-"] = {
        "description": "Extension keys, ignored by the loader: a home for YAML anchors."
    }
    return schema


def scenario_json_schema_text() -> str:
    return json.dumps(scenario_json_schema(), ensure_ascii=False, indent=2, sort_keys=False) + "\n"
