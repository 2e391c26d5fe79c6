"""The codec: IR objects to and from JSON, dicts, JSON Lines and JSON Schema.

``_json`` reads and writes the wire format (msgspec's typed decoder first;
for a refused document the lenient walk of ``_convert``, which reports every
problem at its path); ``_jsonl`` streams JSON Lines record by record;
``_canonical`` writes the canonical form behind `fingerprint`; ``_schema``
writes JSON Schema; ``_limits`` holds the limits of what travels as JSON
(nesting depth, integer size) and the checks of plain JSON values;
``_overloads`` types the readers for mypy, by type name. This file
imports nothing, so that a reader needing only ``_limits`` stays light.
"""
