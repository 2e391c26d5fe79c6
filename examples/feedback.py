"""Feedback: a `feedback.Config`, and events written to JSON Lines and read back.

One `feedback.Event` per line is the natural format for a feedback log;
`ir.iter_jsonl` decodes and validates such a file lazily, record by record.
"""

import tempfile
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import crucible_ir as ir
from crucible_ir import feedback

config = feedback.Config(
    enabled=True,
    sampling_rate=0.1,  # collect feedback on 10% of requests
    feedback_types=["thumbs", "rating", "correction"],
    storage="s3",
    retention_days=90,
    anonymize_pii=True,
    drift_detection={"method": "psi", "threshold": 0.2},  # opaque map
)
ir.validate(config)
print(f"collecting {config.feedback_types} on {config.sampling_rate:.0%} of requests")

start = datetime(2024, 3, 16, 12, 0, tzinfo=timezone.utc)
events = [
    feedback.Event(
        id=f"evt_{i:03d}",
        deployment_id="sentiment_prod",
        model_version="1.1.0",
        input={"text": f"review #{i}"},
        output={"label": "positive" if i % 3 else "negative"},
        feedback_type="thumbs",
        feedback_value="up" if i % 4 else "down",  # any JSON value
        user_id=f"user_{i % 3}",
        latency_ms=120 + 7 * i,
        timestamp=start + timedelta(minutes=i),
    )
    for i in range(1, 9)
]
events.append(
    feedback.Event(
        id="evt_009",
        feedback_type="correction",
        feedback_value={"label": "negative"},
        output={"label": "positive"},
        timestamp=start + timedelta(minutes=9),
    )
)

with tempfile.TemporaryDirectory() as tmp:
    path = Path(tmp) / "events.jsonl"
    # Write: one compact JSON object per line.
    path.write_text("".join(ir.to_json(event) + "\n" for event in events), encoding="utf-8")

    # Read back: each line is decoded into a feedback.Event and validated.
    loaded = list(ir.iter_jsonl(path, "feedback.event"))
    print("read back", len(loaded), "events; identical:", loaded == events)
    votes = Counter(e.feedback_value for e in loaded if e.feedback_type == "thumbs")
    print("thumbs:", dict(sorted(votes.items())))
    latencies = [e.latency_ms for e in loaded if e.latency_ms is not None]
    print(f"mean latency: {sum(latencies) / len(latencies):.1f} ms")

    # A bad record stops the iteration after the good ones before it, and the
    # error tells which line it was on.
    with path.open("a", encoding="utf-8") as out:
        out.write('{"id": "evt_010", "latency_ms": -3}\n')
    count = 0
    try:
        for _event in ir.iter_jsonl(path, "feedback.event"):
            count += 1
    except ir.IRError as exc:  # DecodeError or ValidationError
        issue = exc.errors[0]
        print(f"after {count} good events: line {issue.line}: {issue.path}: {issue.message}")

# The feedback log shipped next to this script (also checked by
# `crucible-ir validate --type feedback.event examples/events.jsonl`).
shipped = Path(__file__).with_name("events.jsonl")
kinds = Counter(event.feedback_type for event in ir.iter_jsonl(shipped, feedback.Event))
print("events.jsonl:", dict(sorted(kinds.items())))
