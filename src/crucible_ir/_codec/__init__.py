"""The codec: IR objects to and from JSON, dicts, JSON Lines and JSON Schema.

``_json`` reads and writes the wire format (``_convert`` is its lenient
decoder); ``_jsonl`` streams JSON Lines; ``_canonical`` writes the canonical
form behind `fingerprint`; ``_schema`` writes JSON Schema; ``_limits`` holds
the limits of what travels as JSON and the checks of plain values;
``_overloads`` types the readers for mypy. This file imports nothing, so that
a reader needing only ``_limits`` stays light.
"""
