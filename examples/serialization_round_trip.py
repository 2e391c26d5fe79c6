"""Serialization: JSON and dicts both ways, equality, fingerprints, and errors.

The JSON is the reference implementation's wire format: every field written,
``null`` for unset ones, keys sorted, timestamps ISO 8601 with ``Z`` for UTC.
"""

import json
from datetime import datetime, timezone

import crucible_ir as ir

experiment = (
    ir.experiment("round_trip")
    .with_owner("ml-platform")
    .with_tags("demo", "serialization")
    .with_backend("gpt4", options={"temperature": 0.2, "stop": ["\n\n"]})
    .add_stage("inference")
    .with_stats(["ttest"], alpha=0.01)
    .with_model_version("gpt2", "1.0.0", metrics={"accuracy": 0.9})
    .build()
    .replace(created_at=datetime(2024, 3, 15, 9, 30, tzinfo=timezone.utc))
)

# JSON text and back: an equal object (equality is structural, field by field).
text = ir.to_json(experiment)
print("json round trip equal:", ir.from_json(text, "experiment") == experiment)
# Plain dicts and back (the type may be the class or its type name).
data = ir.to_dict(experiment)
print("dict round trip equal:", ir.from_dict(data, ir.Experiment) == experiment)
print("created_at:", data["created_at"], "| options:", data["backend"]["options"])

# The fingerprint hashes the canonical form: key order, whitespace, spelled-out
# defaults and timestamp offsets do not change it; any real change does.
reordered = json.dumps(dict(reversed(list(data.items()))), indent=4)
reordered = reordered.replace("2024-03-15T09:30:00Z", "2024-03-15T11:30:00+02:00")
same = ir.from_json(reordered, "experiment")
print("fingerprint:", ir.fingerprint(experiment)[:23] + "...")
print("same fingerprint after reformatting:", ir.fingerprint(same) == ir.fingerprint(experiment))
changed = experiment.replace(owner="someone-else")
print("changed owner, same fingerprint:", ir.fingerprint(changed) == ir.fingerprint(experiment))

# Strict decoding reports unknown keys (with a suggestion); the default ignores them.
typo = {"id": "x", "backend": {"id": "gpt4"}, "pipeline": [{"name": "run"}], "descripton": "?"}
print("lenient decode ok:", ir.from_dict(typo, "experiment").id)
try:
    ir.from_dict(typo, "experiment", strict=True)
except ir.DecodeError as exc:
    print("strict:", exc)

# Decoding reports EVERY structural problem, each at its path.
broken_json = """{
  "id": "broken",
  "backend": {"id": 42, "profile": null},
  "pipeline": [{"name": "run"}, {"enabled": "yes"}],
  "created_at": "2024-03-15 09:30"
}"""
try:
    ir.from_json(broken_json, "experiment")
except ir.DecodeError as exc:
    print(f"DecodeError, {len(exc.errors)} problems:")
    for issue in exc.errors:
        print(f"  {issue.path}: [{issue.code}] {issue.message}")

# Decoding checks shapes and types; value rules (ranges, vocabularies,
# cross-field) are for validate -- which also reports every problem.
shaped_ok = ir.from_dict(
    {
        "id": "",
        "backend": {"id": "gpt4", "endpoint_url": "not a url"},
        "pipeline": [{"name": "run"}, {"name": "run"}],
        "reliability": {"hedging": {"strategy": "sometimes"}, "stats": {"alpha": 2}},
    },
    "experiment",
)
try:
    ir.validate(shaped_ok)
except ir.ValidationError as exc:
    print(f"ValidationError, {len(exc.errors)} problems:")
    for issue in exc.errors:
        print(f"  {issue.path}: [{issue.code}] {issue.message}")
