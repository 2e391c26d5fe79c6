"""Shared helpers of the Arrow and Parquet tests."""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import crucible_ir as ir
from crucible_ir import feedback

REPO = Path(__file__).resolve().parents[2]
COLUMNAR_EXAMPLES = REPO / "examples" / "columnar"
UTC = dt.timezone.utc


def sample_events() -> list[feedback.Event]:
    """A few events that touch every column kind: nulls, unicode, escapes, offsets, JSON values."""
    return [
        feedback.Event(
            id="evt_1",
            deployment_id="prod",
            model_version="2.1.0",
            feedback_value="up",
            latency_ms=120,
            timestamp=dt.datetime(2024, 3, 1, 12, 0, 0, 123456, tzinfo=UTC),
            input={"prompt": 'say "hi"\n', "params": {"temperature": 0.2, "big": 2**70}},
            output={"text": "héllo 🚀", "tokens": 3},
            metadata={"ab": [1, 2.0, None, True, {"deep": []}]},
            user_id="user_1",
            session_id="",
        ),
        feedback.Event(
            id='evt_"2"\\',
            feedback_type="rating",
            feedback_value=4,
            timestamp=dt.datetime(2024, 3, 2, 1, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
        ),
        feedback.Event(id="evt_3", feedback_type="label", feedback_value=None, latency_ms=0),
        feedback.Event(id="evt_4", feedback_value=1.5e300, metadata={}),
    ]


def resolve(root: Any, path: str) -> Any:
    """The value at an issue path (``[1].config.seed``, ``pipeline[0].options``) under ``root``."""
    value = root
    for index, name in re.findall(r"\[(\d+)\]|\.?([A-Za-z_][A-Za-z0-9_]*)", path):
        value = value[int(index)] if index else getattr(value, name)
    return value


def load_example(name: str) -> ModuleType:
    """A script of ``examples/columnar`` imported from its path (it imports its neighbours)."""
    if name in sys.modules:
        return sys.modules[name]
    sys.path.insert(0, str(COLUMNAR_EXAMPLES))
    try:
        spec = importlib.util.spec_from_file_location(name, COLUMNAR_EXAMPLES / f"{name}.py")
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(COLUMNAR_EXAMPLES))
    return module


@pytest.fixture
def events() -> list[feedback.Event]:
    """`sample_events`, all valid."""
    result = sample_events()
    assert all(ir.is_valid(e) for e in result)
    return result


SMALL_BATCH = 16


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches (and row groups) of `SMALL_BATCH` rows: many of them, quickly."""
    from crucible_ir._arrow import _parquet, _read

    monkeypatch.setattr(_read, "ROWS_PER_BATCH", SMALL_BATCH)
    monkeypatch.setattr(_parquet, "ROWS_PER_BATCH", SMALL_BATCH)


def quantile(values: list[int], p: float) -> float:
    """The p-quantile with linear interpolation between order statistics (R's type 7)."""
    ordered = sorted(values)
    h = (len(ordered) - 1) * p
    low = int(h)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (h - low) * (ordered[high] - ordered[low])


def expected_report(events: list[feedback.Event]) -> Any:
    """The answers of ``examples/columnar/feedback_analytics.py``, computed here in plain Python."""
    analytics = load_example("feedback_analytics")
    counts: dict[tuple[str, str | None], int] = {}
    for e in events:
        key = (e.feedback_type, e.model_version)
        counts[key] = counts.get(key, 0) + 1
    latencies: dict[str | None, list[int]] = {}
    for e in events:
        if e.latency_ms is not None:
            latencies.setdefault(e.deployment_id, []).append(e.latency_ms)
    thumbs: dict[dt.date, list[bool]] = {}
    for e in events:
        if e.feedback_type == "thumbs" and e.timestamp is not None:
            thumbs.setdefault(e.timestamp.astimezone(UTC).date(), []).append(
                e.feedback_value == "up"
            )
    dated = [e for e in events if e.timestamp is not None]
    last = max(e.timestamp.astimezone(UTC).date() for e in dated if e.timestamp)
    span = dt.timedelta(days=analytics.WINDOW_DAYS)

    def window(first: dt.date, end: dt.date) -> list[feedback.Event]:
        return [
            e for e in dated if e.timestamp and first <= e.timestamp.astimezone(UTC).date() <= end
        ]

    def mean(values: list[float]) -> float | None:
        return sum(values) / len(values) if values else None

    current = window(last - span + dt.timedelta(days=1), last)
    previous = window(last - 2 * span + dt.timedelta(days=1), last - span)

    def rate(group: list[feedback.Event]) -> float | None:
        return mean([float(e.feedback_value == "up") for e in group if e.feedback_type == "thumbs"])

    def latency(group: list[feedback.Event]) -> float | None:
        return mean([float(e.latency_ms) for e in group if e.latency_ms is not None])

    def none_first(value: str | None) -> tuple[bool, str]:
        return (value is not None, value or "")

    return analytics.Report(
        counts=[
            (kind, version, n)
            for (kind, version), n in sorted(
                counts.items(), key=lambda item: (item[0][0], none_first(item[0][1]))
            )
        ],
        latency=[
            (d, len(values), quantile(values, 0.5), quantile(values, 0.95))
            for d, values in sorted(latencies.items(), key=lambda item: none_first(item[0]))
        ],
        daily_thumbs_up=[
            (day, len(ups), sum(ups) / len(ups)) for day, ups in sorted(thumbs.items())
        ],
        drift=analytics.Drift(
            current=(last - span + dt.timedelta(days=1), last),
            previous=(last - 2 * span + dt.timedelta(days=1), last - span),
            thumbs_up_rate=(rate(current), rate(previous)),
            mean_latency_ms=(latency(current), latency(previous)),
            events=(len(current), len(previous)),
        ),
    )


def assert_same_report(got: Any, expected: Any) -> None:
    """Equal answers: counts exactly, figures to floating-point rounding."""
    assert got.counts == expected.counts
    assert [row[:2] for row in got.latency] == [row[:2] for row in expected.latency]
    assert [x for row in got.latency for x in row[2:]] == pytest.approx(
        [x for row in expected.latency for x in row[2:]]
    )
    assert [row[:2] for row in got.daily_thumbs_up] == [row[:2] for row in expected.daily_thumbs_up]
    assert [row[2] for row in got.daily_thumbs_up] == pytest.approx(
        [row[2] for row in expected.daily_thumbs_up]
    )
    assert (got.drift.current, got.drift.previous, got.drift.events) == (
        expected.drift.current,
        expected.drift.previous,
        expected.drift.events,
    )
    assert got.drift.thumbs_up_rate == pytest.approx(expected.drift.thumbs_up_rate)
    assert got.drift.mean_latency_ms == pytest.approx(expected.drift.mean_latency_ms)
