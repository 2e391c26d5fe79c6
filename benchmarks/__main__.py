"""``python -m benchmarks``: crucible_ir against json, orjson, msgspec and pydantic v2.

Run from the repository root with the project's virtualenv::

    .venv/bin/python -m benchmarks            # full run (~2-3 minutes)
    .venv/bin/python -m benchmarks --quick    # smoke run (fewer repeats, 20,000 events)
    .venv/bin/python -m benchmarks --json results.json

Everything is measured in one process run. The Markdown report goes to stdout,
progress to stderr. A crucible_ir contender whose function is missing or fails is shown
as "n/a (reason)" and the rest still runs. The exit status is 1 when a correctness
check fails (for example ``errors(bad)`` finding fewer than 10 issues), else 0.
See benchmarks/README.md for what is measured and how to read the ratios.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import importlib
import json
import os
import platform
import shlex
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any

import msgspec
import orjson

from . import _data
from . import _msgspec_models as ms_models
from . import _pydantic_models as pd_models
from ._timing import PerItem, Samples, Timed, call_once, time_once, time_round_robin

REPO = Path(__file__).resolve().parents[1]
MIN_BAD_ISSUES = len(_data.INVALID_PROBLEMS)
TIMES = "\N{MULTIPLICATION SIGN}"
UNAVAILABLE = "crucible_ir could not be imported, see the header"

Call = Callable[[], object]
Loader = Callable[[], list[Any]]

_T0 = time.perf_counter()


def progress(message: str) -> None:
    print(f"[{time.perf_counter() - _T0:7.1f}s] {message}", file=sys.stderr, flush=True)


def first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    detail = text[0] if text else ""
    if len(text) > 1:
        detail += f" (+{len(text) - 1} more lines)"
    return f"{type(exc).__name__}: {detail}"[:160]


# --------------------------------------------------------------------------------------
# crucible_ir, as far as it exists
# --------------------------------------------------------------------------------------


def import_crucible() -> tuple[ModuleType | None, str]:
    """(module, where it was imported from), or (None, why not).

    Prefers an installed crucible_ir; falls back to the checkout's ``src/``.
    """
    try:
        return _imported(importlib.import_module("crucible_ir"))
    except ModuleNotFoundError as exc:
        if exc.name != "crucible_ir":
            return None, f"import failed: {first_line(exc)}"
    except Exception as exc:
        return None, f"import failed: {first_line(exc)}"
    src = REPO / "src"
    if not (src / "crucible_ir" / "__init__.py").is_file():
        return None, "crucible_ir is neither installed nor present as src/crucible_ir/__init__.py"
    sys.path.insert(0, str(src))
    try:
        return _imported(importlib.import_module("crucible_ir"))
    except Exception as exc:
        return None, f"import failed: {first_line(exc)}"


def _imported(module: ModuleType) -> tuple[ModuleType, str]:
    origin = getattr(module, "__file__", None)
    return module, str(Path(origin).parent) if origin else "<namespace package>"


def crucible_version(module: ModuleType | None) -> str:
    version = getattr(module, "__version__", None) if module else None
    if version is None:
        try:
            version = metadata.version("crucible-ir") + " (dist metadata)"
        except metadata.PackageNotFoundError:
            version = "unknown (not installed)"
    return str(version)


# --------------------------------------------------------------------------------------
# Contenders
# --------------------------------------------------------------------------------------


@dataclass
class Micro:
    """One µs-level operation on the experiment document."""

    key: str
    label: str
    section: str
    fn: Timed | None = None
    #: A short name, for "vs ..." comparisons.
    short: str = ""
    na: str | None = None
    goal_text: str = ""
    #: Goal as a maximum ratio: to orjson.loads, or to each row of ``goal_bases``.
    goal_ratio: float | None = None
    goal_bases: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list)
    samples: Samples | None = None


@dataclass
class Bulk:
    """One way of loading every line of the feedback-event JSONL into a list."""

    key: str
    label: str
    fn: Loader | None = None
    na: str | None = None
    min_speed_ratio: float | None = None
    max_memory_ratio: float | None = None
    #: Further speed goals: (the other loader's key, least ratio, collector on?).
    min_ratios_to: list[tuple[str, float, bool]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    runs_ns: list[int] = field(default_factory=list)
    """Load times with the cyclic garbage collector running, as programs run."""
    runs_gc_off_ns: list[int] = field(default_factory=list)
    """Load times with the collector disabled, timeit style."""
    retained_bytes: int | None = None
    peak_bytes: int | None = None


@dataclass
class Context:
    doc: bytes
    bad_doc: bytes
    events_path: Path
    events: int
    cir: ModuleType | None
    cir_reason: str
    failures: list[str] = field(default_factory=list)


def crucible_micro(
    ctx: Context, micro: Micro, names: tuple[str, ...], build: Callable[[ModuleType], Timed]
) -> Micro:
    """Fill ``micro.fn`` from ``build(crucible_ir)``, or ``micro.na`` with the reason."""
    cir = ctx.cir
    if cir is None:
        micro.na = UNAVAILABLE
        return micro
    missing = [name for name in names if not hasattr(cir, name)]
    if missing:
        micro.na = f"crucible_ir.{missing[0]} is missing"
        return micro
    try:
        micro.fn = build(cir)
        call_once(micro.fn)
    except Exception as exc:
        micro.fn = None
        micro.na = first_line(exc)
    return micro


def same_json(left: object, right: object) -> bool:
    """Equal JSON values, telling integers, floats and booleans apart (``1 != 1.0``)."""
    if type(left) is not type(right):
        return False
    if isinstance(left, dict):
        assert isinstance(right, dict)
        return left.keys() == right.keys() and all(same_json(left[k], right[k]) for k in left)
    if isinstance(left, list):
        assert isinstance(right, list)
        return len(left) == len(right) and all(map(same_json, left, right))
    return left == right


def _roundtrip_note(micro: Micro, original: bytes) -> None:
    """Note whether an encoder's output parses back to the same JSON value."""
    if micro.fn is None or isinstance(micro.fn, PerItem):
        return
    out = micro.fn()
    same = isinstance(out, str | bytes) and same_json(orjson.loads(out), orjson.loads(original))
    micro.notes.append("round-trips to the same JSON" if same else "output differs from input")


def micro_contenders(ctx: Context) -> list[Micro]:
    doc, bad_doc = ctx.doc, ctx.bad_doc
    plain = orjson.loads(doc)
    ms_decoder = msgspec.json.Decoder(ms_models.Experiment)
    ms_encoder = msgspec.json.Encoder()
    ms_exp = ms_decoder.decode(doc)
    py_exp = pd_models.Experiment.model_validate_json(doc)

    out: list[Micro] = [
        Micro("json.loads", "`json.loads(doc)`", "decode", partial(json.loads, doc)),
        Micro(
            "orjson.loads", "`orjson.loads(doc)` (baseline)", "decode", partial(orjson.loads, doc)
        ),
        Micro(
            "msgspec.decode",
            "msgspec typed: `Decoder(Experiment).decode(doc)`",
            "decode",
            partial(ms_decoder.decode, doc),
        ),
        Micro(
            "pydantic.model_validate_json",
            "pydantic v2: `Experiment.model_validate_json(doc)`",
            "decode",
            partial(pd_models.Experiment.model_validate_json, doc),
        ),
    ]

    out.append(
        crucible_micro(
            ctx,
            Micro("crucible.from_json", '`crucible_ir.from_json(doc, "experiment")`', "decode"),
            ("from_json",),
            lambda cir: partial(cir.from_json, doc, "experiment"),
        )
    )

    def build_validate(cir: ModuleType) -> Call:
        from_json, validate = cir.from_json, cir.validate

        def decode_and_validate() -> object:
            return validate(from_json(doc, "experiment"))

        return decode_and_validate

    out.append(
        crucible_micro(
            ctx,
            Micro(
                "crucible.validate_from_json",
                '`crucible_ir.validate(crucible_ir.from_json(doc, "experiment"))`',
                "decode",
                goal_text=f"≤ 1.4{TIMES} orjson.loads",
                goal_ratio=1.4,
            ),
            ("from_json", "validate"),
            build_validate,
        )
    )

    # ---- encoding ---------------------------------------------------------------------
    encoders = [
        Micro("json.dumps", "`json.dumps(dict)`", "encode", partial(json.dumps, plain)),
        Micro("orjson.dumps", "`orjson.dumps(dict)`", "encode", partial(orjson.dumps, plain)),
        Micro(
            "msgspec.encode",
            "msgspec: `Encoder().encode(struct)`",
            "encode",
            partial(ms_encoder.encode, ms_exp),
        ),
        Micro(
            "pydantic.model_dump_json",
            "pydantic v2: `exp.model_dump_json()`",
            "encode",
            py_exp.model_dump_json,
        ),
    ]

    def build_to_json(cir: ModuleType) -> Call:
        exp = cir.from_json(doc, "experiment")
        return partial(cir.to_json, exp)

    encoders.append(
        crucible_micro(
            ctx,
            Micro(
                "crucible.to_json",
                "`crucible_ir.to_json(exp)`",
                "encode",
                goal_text=f"≤ 0.5{TIMES} orjson.loads",
                goal_ratio=0.5,
            ),
            ("from_json", "to_json"),
            build_to_json,
        )
    )
    for micro in encoders:
        _roundtrip_note(micro, doc)
    out.extend(encoders)

    # ---- error collection -------------------------------------------------------------
    def build_errors_valid(cir: ModuleType) -> Call:
        exp = cir.from_json(doc, "experiment")
        issues = cir.errors(exp)
        if issues:
            shown = "; ".join(str(issue) for issue in issues[:3])
            ctx.failures.append(
                f"errors(exp) on the valid document returned {len(issues)} issues: {shown}"
            )
        return partial(cir.errors, exp)

    out.append(
        crucible_micro(
            ctx,
            Micro(
                "crucible.errors_valid",
                "`crucible_ir.errors(exp)` (valid, decoded; the same object every call)",
                "validate",
                short="`errors(exp)`, same object",
                goal_text=f"≤ 1.0{TIMES} orjson.loads",
                goal_ratio=1.0,
            ),
            ("from_json", "errors"),
            build_errors_valid,
        )
    )

    def build_errors_fresh(cir: ModuleType) -> Timed:
        exp = cir.from_json(doc, "experiment")
        replace = cir.replace

        def fresh_copies(count: int) -> list[Any]:
            return [replace(exp, id=exp.id) for _ in range(count)]

        return PerItem(fresh_copies, cir.errors)

    out.append(
        crucible_micro(
            ctx,
            Micro(
                "crucible.errors_fresh",
                "`crucible_ir.errors(x)`, x = `crucible_ir.replace(exp, id=exp.id)`: "
                "a new equal object each call, made outside the timing",
                "validate",
                short="`errors(x)`, new object",
                notes=[
                    "for information: an object built in Python, checked in full "
                    "(the goal is about decoded experiments, whose values the decoder checked)"
                ],
            ),
            ("from_json", "errors", "replace"),
            build_errors_fresh,
        )
    )

    bad_micro = Micro(
        "crucible.errors_invalid",
        f"`crucible_ir.errors(bad)` ({MIN_BAD_ISSUES} planted problems)",
        "validate",
        goal_text=f"≤ 20{TIMES} errors(exp)",
        goal_ratio=20.0,
        goal_bases=("crucible.errors_valid",),
    )

    def build_errors_invalid(cir: ModuleType) -> Call:
        bad = cir.from_json(bad_doc, "experiment")
        issues = cir.errors(bad)
        bad_micro.notes.append(f"{len(issues)} issues")
        if len(issues) < MIN_BAD_ISSUES:
            ctx.failures.append(
                f"errors(bad) returned {len(issues)} issues, expected at least {MIN_BAD_ISSUES}: "
                + "; ".join(str(issue) for issue in issues)
            )
        return partial(cir.errors, bad)

    out.append(crucible_micro(ctx, bad_micro, ("from_json", "errors"), build_errors_invalid))
    return out


def bulk_contenders(ctx: Context) -> list[Bulk]:
    path = ctx.events_path

    def per_line(loads: Callable[[bytes], Any]) -> Loader:
        def load() -> list[Any]:
            with path.open("rb") as fh:
                return list(map(loads, fh))

        return load

    ms_decoder = msgspec.json.Decoder(ms_models.Event)

    def ms_decode_lines() -> list[Any]:
        return ms_decoder.decode_lines(path.read_bytes())

    out = [
        Bulk("orjson", "`orjson.loads` per line (baseline)", per_line(orjson.loads)),
        Bulk("json", "`json.loads` per line", per_line(json.loads)),
        Bulk(
            "msgspec",
            "msgspec typed, `Decoder(Event).decode` per line",
            per_line(ms_decoder.decode),
        ),
        Bulk(
            "msgspec.lines",
            "msgspec typed, `Decoder(Event).decode_lines(file bytes)`",
            ms_decode_lines,
        ),
        Bulk(
            "pydantic",
            "pydantic v2, `Event.model_validate_json` per line",
            per_line(pd_models.Event.model_validate_json),
        ),
    ]

    crucible = Bulk(
        "crucible",
        '`list(crucible_ir.iter_jsonl(path, "feedback.event"))`',
        min_speed_ratio=2.0,
        max_memory_ratio=0.73,
        min_ratios_to=[("msgspec.lines", 0.9, False)],
    )
    validated = Bulk(
        "crucible.validate",
        '`[crucible_ir.validate(x) for x in crucible_ir.iter_jsonl(path, "feedback.event")]`',
        min_ratios_to=[("crucible", 0.5, True)],
    )
    cir = ctx.cir
    if cir is None:
        crucible.na = UNAVAILABLE
    elif not hasattr(cir, "iter_jsonl"):
        crucible.na = "crucible_ir.iter_jsonl is missing"
    else:
        iter_jsonl = cir.iter_jsonl
        event_type = getattr(getattr(cir, "feedback", None), "Event", None)

        def crucible_load() -> list[Any]:
            return list(iter_jsonl(path, "feedback.event"))

        validate = cir.validate

        def crucible_validated() -> list[Any]:
            return [validate(x) for x in iter_jsonl(path, "feedback.event")]

        try:  # smoke call on the first few lines, and a type check
            with path.open("rb") as fh:
                head = b"".join(fh.readline() for _ in range(5))
            sample = list(iter_jsonl(head, "feedback.event"))
            if len(sample) != 5:
                raise ValueError(f"iter_jsonl(bytes of 5 lines) yielded {len(sample)} objects")
            if event_type is not None and not isinstance(sample[0], event_type):
                raise TypeError(
                    f"iter_jsonl yielded {type(sample[0]).__qualname__}, not feedback.Event"
                )
            crucible.fn = crucible_load
            validated.fn = crucible_validated
        except Exception as exc:
            crucible.na = validated.na = first_line(exc)
    out += [crucible, validated]
    return out


# --------------------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------------------


def run_micro(micros: list[Micro], *, repeats: int, min_batch_ns: int) -> None:
    calls = [(m.key, m.fn) for m in micros if m.fn is not None]
    results = time_round_robin(calls, repeats=repeats, min_batch_ns=min_batch_ns, progress=progress)
    for micro in micros:
        micro.samples = results.get(micro.key)


def measure_retained(fn: Loader) -> tuple[int, int, int]:
    """(retained bytes, peak bytes above the baseline, len of the list) via tracemalloc."""
    gc.collect()
    tracemalloc.start()
    try:
        gc.collect()
        baseline, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        result = fn()
        gc.collect()
        current, peak = tracemalloc.get_traced_memory()
        count = len(result)
        del result
    finally:
        tracemalloc.stop()
    gc.collect()
    return current - baseline, peak - baseline, count


def run_bulk(ctx: Context, bulks: list[Bulk], *, runs: int) -> None:
    for bulk in bulks:  # one untimed warm-up run each, which also checks the result
        if bulk.fn is None:
            continue
        try:
            result = bulk.fn()
            count = len(result)
            del result
        except Exception as exc:
            bulk.fn, bulk.na = None, first_line(exc)
            continue
        finally:
            gc.collect()
        if count != ctx.events:
            ctx.failures.append(f"{bulk.key}: loaded {count} events, expected {ctx.events}")
        progress(f"bulk warm-up: {bulk.key}")
    active = [b for b in bulks if b.fn is not None]
    for run in range(runs):
        for offset in range(len(active)):
            bulk = active[(run + offset) % len(active)]
            assert bulk.fn is not None
            for collector, times_ns in ((True, bulk.runs_ns), (False, bulk.runs_gc_off_ns)):
                elapsed, result = time_once(bulk.fn, collector=collector)
                del result
                gc.collect()
                times_ns.append(elapsed)
                progress(
                    f"bulk run {run + 1}/{runs}: {bulk.key} {ctx.events / elapsed * 1e9:,.0f} "
                    f"events/s, collector {'on' if collector else 'off'}"
                )
    for bulk in active:
        assert bulk.fn is not None
        retained, peak, count = measure_retained(bulk.fn)
        bulk.retained_bytes, bulk.peak_bytes = retained, peak
        progress(f"memory: {bulk.key} {retained / count:,.0f} B/event retained")


# --------------------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------------------


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def dist_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def us(ns: float) -> str:
    value = ns / 1000
    if value < 10:
        return f"{value:.2f}"
    if value < 1000:
        return f"{value:.1f}"
    return f"{value:,.0f}"


def times(ratio: float, digits: int = 2) -> str:
    return f"{ratio:.{digits}f}{TIMES}"


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


@dataclass
class Goal:
    what: str
    target: str
    measured: str
    ok: bool | None


def header(ctx: Context, args: argparse.Namespace, where: str) -> list[str]:
    command = shlex.join(["python", "-m", "benchmarks", *sys.argv[1:]])
    cir_version = crucible_version(ctx.cir) if ctx.cir else f"n/a ({ctx.cir_reason})"
    return [
        "# crucible_ir benchmarks",
        "",
        f"- command: `{command}` (interpreter `{sys.executable}`)",
        f"- date: {dt.datetime.now(dt.timezone.utc).strftime('%Y-%m-%d %H:%M:%S UTC')}",
        f"- platform: {platform.platform()}",
        f"- CPU: {cpu_model()} ({os.cpu_count()} logical CPUs)",
        f"- Python: {platform.python_implementation()} {platform.python_version()}",
        f"- versions: msgspec {dist_version('msgspec')}, orjson {dist_version('orjson')}, "
        f"pydantic {dist_version('pydantic')} (pydantic-core {dist_version('pydantic-core')}), "
        f"crucible_ir {cir_version}" + (f" from `{where}`" if ctx.cir else ""),
        f"- mode: {'quick (smoke run)' if args.quick else 'full'}; "
        f"µs-level calls: timeit-style batches of ≥ {args.batch_ms} ms (autorange), "
        f"{args.repeats} interleaved repeats, per-call median / min / max; "
        f"bulk loads: 1 warm-up + {args.runs} interleaved runs, median",
        "- the cyclic garbage collector is disabled during every µs-level timed region "
        "(`gc.disable()` / `gc.enable()`, as timeit does); bulk loads are timed with it "
        "running (as programs run) and disabled; clock: `time.perf_counter_ns`",
        "- the machine is noisy: compare medians, and look at min/max for the spread",
        "",
    ]


def micro_table(ctx: Context, micros: list[Micro], goals: list[Goal]) -> list[str]:
    by_key = {m.key: m for m in micros}
    base = by_key["orjson.loads"].samples
    assert base is not None
    base_ns = base.median
    lines = [
        f"## Experiment document ({len(ctx.doc):,} bytes of compact JSON, sorted keys)",
        "",
        f"Time per call in µs; `{TIMES} orjson.loads` is the median divided by the median of "
        "`orjson.loads` on the same bytes (goals are judged on it); `min / min` is the same "
        "ratio of the fastest repeats, less sensitive to a busy machine.",
        "",
        f"| operation | median µs | min µs | max µs | {TIMES} orjson.loads "
        f"| {TIMES} (min / min) | goal | result | notes |",
        "|---|---:|---:|---:|---:|---:|---|---|---|",
    ]
    sections = {"decode": "decode", "encode": "encode", "validate": "validate"}
    current = ""
    for micro in micros:
        if micro.section != current:
            current = micro.section
            lines.append(f"| **{sections[current]}** | | | | | | | | |")
        notes = "; ".join(micro.notes)
        if micro.samples is None:
            reason = (micro.na or "not run").replace("|", "\\|")
            lines.append(
                f"| {micro.label} | n/a ({reason}) | | | | | {micro.goal_text} | n/a | {notes} |"
            )
            if micro.goal_text:
                goals.append(Goal(micro.label, micro.goal_text, f"n/a ({reason})", None))
            continue
        s = micro.samples
        ratio = s.median / base_ns
        result = ""
        if micro.goal_ratio is not None:
            if not micro.goal_bases:
                ok = ratio <= micro.goal_ratio
                result = verdict(ok)
                goals.append(Goal(micro.label, micro.goal_text, times(ratio, 3), ok))
            parts = []
            for base_key in micro.goal_bases:
                other = by_key[base_key]
                if other.samples is None:
                    continue
                measured = s.median / other.samples.median
                ok = measured <= micro.goal_ratio
                versus = f"vs {other.short or other.label}"
                parts.append(f"{versus}: {verdict(ok)} ({times(measured)})")
                goals.append(Goal(f"{micro.label} {versus}", micro.goal_text, times(measured), ok))
            if parts:
                result = "; ".join(parts)
        lines.append(
            f"| {micro.label} | {us(s.median)} | {us(s.min)} | {us(s.max)} | {times(ratio)} "
            f"| {times(s.min / base.min)} | {micro.goal_text} | {result} | {notes} |"
        )
    lines.append("")
    decode, checked = by_key["crucible.from_json"], by_key["crucible.validate_from_json"]
    if decode.samples and checked.samples:
        lines += [
            "Validation right after decoding costs about "
            f"{us(checked.samples.median - decode.samples.median)} µs "
            "(the `validate(from_json(...))` median minus the `from_json` median).",
            "",
        ]
    valid, fresh = by_key["crucible.errors_valid"], by_key["crucible.errors_fresh"]
    if valid.samples and fresh.samples and fresh.samples.median > 10 * valid.samples.median:
        lines += [
            "Note: repeated `errors(exp)` on one object is far cheaper than on a new equal "
            "object, so crucible_ir evidently remembers verdicts per object; the row with a "
            "new object each call shows the cost of the check itself.",
            "",
        ]
    return lines


def bulk_table(ctx: Context, bulks: list[Bulk], goals: list[Goal]) -> list[str]:
    n = ctx.events
    size = ctx.events_path.stat().st_size
    base = next(b for b in bulks if b.key == "orjson")
    base_eps = (
        statistics.median(n / ns * 1e9 for ns in base.runs_ns) if base.runs_ns else float("nan")
    )
    base_off = (
        statistics.median(n / ns * 1e9 for ns in base.runs_gc_off_ns)
        if base.runs_gc_off_ns
        else float("nan")
    )
    base_mem = base.retained_bytes / n if base.retained_bytes is not None else float("nan")
    lines = [
        f"## Feedback events: {n:,} JSONL lines ({size / 1e6:.1f} MB, "
        f"{size / n:.0f} bytes per line on average)",
        "",
        "Every contender reads the file and keeps all events in one list. Throughput: "
        "median of the runs (min-max in brackets), with the cyclic garbage collector "
        "running, as a program runs the load; then the median with the collector disabled "
        "during the load (timeit style), for reference. Memory: `tracemalloc` size retained "
        "after loading (list included, `gc.collect()` before each reading) divided by "
        "the number of events; peak is the highest traced size during the load.",
        "",
        f"| loader | events/s (median) | events/s (min-max) | {TIMES} orjson "
        f"| collector off: events/s | {TIMES} orjson | retained B/event "
        f"| {TIMES} orjson | peak MB | goal | result |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for bulk in bulks:
        goal_text = ""
        if bulk.min_speed_ratio is not None:
            goal_text = (
                f"≥ {bulk.min_speed_ratio}{TIMES} events/s, ≤ {bulk.max_memory_ratio}{TIMES} memory"
            )
        if not bulk.runs_ns or bulk.retained_bytes is None or bulk.peak_bytes is None:
            reason = (bulk.na or "not run").replace("|", "\\|")
            lines.append(f"| {bulk.label} | n/a ({reason}) | | | | | | | | {goal_text} | n/a |")
            if goal_text:
                goals.append(
                    Goal(
                        f"{bulk.label}: events/s",
                        f"≥ {bulk.min_speed_ratio}{TIMES} orjson",
                        f"n/a ({reason})",
                        None,
                    )
                )
                goals.append(
                    Goal(
                        f"{bulk.label}: memory",
                        f"≤ {bulk.max_memory_ratio}{TIMES} orjson",
                        f"n/a ({reason})",
                        None,
                    )
                )
            continue
        speeds = [n / ns * 1e9 for ns in bulk.runs_ns]
        eps = statistics.median(speeds)
        eps_off = statistics.median(n / ns * 1e9 for ns in bulk.runs_gc_off_ns)
        per_event = bulk.retained_bytes / n
        speed_ratio, mem_ratio = eps / base_eps, per_event / base_mem
        result = ""
        if bulk.min_speed_ratio is not None and bulk.max_memory_ratio is not None:
            speed_ok = speed_ratio >= bulk.min_speed_ratio
            mem_ok = mem_ratio <= bulk.max_memory_ratio
            result = f"speed {verdict(speed_ok)}, memory {verdict(mem_ok)}"
            goals.append(
                Goal(
                    f"{bulk.label}: events/s",
                    f"≥ {bulk.min_speed_ratio}{TIMES} orjson",
                    times(speed_ratio, 3),
                    speed_ok,
                )
            )
            goals.append(
                Goal(
                    f"{bulk.label}: events/s with the collector disabled (for reference)",
                    "",
                    times(eps_off / base_off, 3),
                    None,
                )
            )
            goals.append(
                Goal(
                    f"{bulk.label}: memory",
                    f"≤ {bulk.max_memory_ratio}{TIMES} orjson",
                    times(mem_ratio, 3),
                    mem_ok,
                )
            )
        for other_key, least, collector in bulk.min_ratios_to:
            other = next(b for b in bulks if b.key == other_key)
            runs = other.runs_ns if collector else other.runs_gc_off_ns
            mine = bulk.runs_ns if collector else bulk.runs_gc_off_ns
            if not runs:
                goals.append(
                    Goal(f"{bulk.label}: events/s", f"≥ {least}{TIMES} {other.label}", "n/a", None)
                )
                continue
            ratio = statistics.median(runs) / statistics.median(mine)  # speed ratio: times inverted
            ok = ratio >= least
            state = "on" if collector else "off"
            goal_text += (
                f"{'; ' if goal_text else ''}≥ {least}{TIMES} `{other_key}` (collector {state})"
            )
            result += f"{'; ' if result else ''}vs `{other_key}` {verdict(ok)}"
            goals.append(
                Goal(
                    f"{bulk.label}: events/s, collector {state}",
                    f"≥ {least}{TIMES} {other.label}",
                    times(ratio, 3),
                    ok,
                )
            )
        lines.append(
            f"| {bulk.label} | {eps:,.0f} | {min(speeds):,.0f}-{max(speeds):,.0f} "
            f"| {times(speed_ratio)} | {eps_off:,.0f} | {times(eps_off / base_off)} "
            f"| {per_event:,.0f} | {times(mem_ratio, 3)} "
            f"| {bulk.peak_bytes / 1e6:,.1f} | {goal_text} | {result} |"
        )
    lines.append("")
    return lines


def goals_table(goals: list[Goal]) -> list[str]:
    lines = ["## Goals", "", "| what | goal | measured | result |", "|---|---|---|---|"]
    for goal in goals:
        result = ("n/a" if goal.target else "") if goal.ok is None else verdict(goal.ok)
        lines.append(f"| {goal.what} | {goal.target} | {goal.measured} | {result} |")
    lines.append("")
    return lines


def raw_results(
    ctx: Context, args: argparse.Namespace, micros: list[Micro], bulks: list[Bulk], report: str
) -> dict[str, Any]:
    return {
        "command": ["python", "-m", "benchmarks", *sys.argv[1:]],
        "python": sys.version,
        "platform": platform.platform(),
        "cpu": cpu_model(),
        "versions": {
            name: dist_version(name) for name in ("msgspec", "orjson", "pydantic", "pydantic-core")
        }
        | {"crucible_ir": crucible_version(ctx.cir) if ctx.cir else None},
        "settings": {
            "quick": args.quick,
            "repeats": args.repeats,
            "batch_ms": args.batch_ms,
            "runs": args.runs,
            "events": ctx.events,
            "gc_disabled_while_timing": True,
        },
        "document_bytes": len(ctx.doc),
        "invalid_document_bytes": len(ctx.bad_doc),
        "events_file_bytes": ctx.events_path.stat().st_size,
        "micro": [
            {
                "key": m.key,
                "label": m.label,
                "section": m.section,
                "na": m.na,
                "notes": m.notes,
                "loops": m.samples.loops if m.samples else None,
                "per_call_ns": m.samples.values_ns if m.samples else None,
                "median_ns": m.samples.median if m.samples else None,
            }
            for m in micros
        ],
        "bulk": [
            {
                "key": b.key,
                "label": b.label,
                "na": b.na,
                "run_ns": b.runs_ns,
                "run_gc_off_ns": b.runs_gc_off_ns,
                "retained_bytes": b.retained_bytes,
                "peak_bytes": b.peak_bytes,
            }
            for b in bulks
        ],
        "failures": ctx.failures,
        "report_markdown": report,
    }


# --------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="crucible_ir against json, orjson, msgspec and pydantic v2 "
        "(Markdown report to stdout).",
    )
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: few repeats, 20,000 events"
    )
    parser.add_argument("--json", metavar="PATH", type=Path, help="also write raw results as JSON")
    parser.add_argument("--events", type=int, help="number of feedback events (default 200,000)")
    parser.add_argument("--repeats", type=int, help="repeats per µs-level call (default 31)")
    parser.add_argument("--runs", type=int, help="runs per bulk loader (default 5)")
    parser.add_argument("--batch-ms", type=int, help="minimum batch duration in ms (default 50)")
    parser.add_argument("--regen", action="store_true", help="regenerate benchmarks/data/ first")
    args = parser.parse_args(argv)
    quick = args.quick
    if args.events is None:
        args.events = _data.QUICK_EVENTS if quick else _data.FULL_EVENTS
    if args.repeats is None:
        args.repeats = 5 if quick else 31
    if args.runs is None:
        args.runs = 2 if quick else 5
    if args.batch_ms is None:
        args.batch_ms = 10 if quick else 50
    for name in ("events", "repeats", "runs", "batch_ms"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    progress("preparing data in benchmarks/data/")
    valid_path, invalid_path = _data.ensure_experiment_files(force=args.regen)
    events_path = _data.ensure_events_file(args.events, force=args.regen)
    cir, where = import_crucible()
    ctx = Context(
        doc=valid_path.read_bytes(),
        bad_doc=invalid_path.read_bytes(),
        events_path=events_path,
        events=args.events,
        cir=cir,
        cir_reason=where if cir is None else "",
    )
    if cir is None:
        progress(f"crucible_ir unavailable: {where}")

    progress("µs-level calls on the experiment document")
    micros = micro_contenders(ctx)
    run_micro(micros, repeats=args.repeats, min_batch_ns=args.batch_ms * 1_000_000)

    progress(f"bulk loads of {args.events:,} feedback events")
    bulks = bulk_contenders(ctx)
    run_bulk(ctx, bulks, runs=args.runs)

    goals: list[Goal] = []
    lines = header(ctx, args, where)
    lines += micro_table(ctx, micros, goals)
    lines += bulk_table(ctx, bulks, goals)
    lines += goals_table(goals)
    if ctx.failures:
        lines += ["## Failed checks", ""] + [f"- {failure}" for failure in ctx.failures] + [""]
    report = "\n".join(lines)
    print(report)
    if args.json:
        args.json.write_text(
            json.dumps(raw_results(ctx, args, micros, bulks, report), indent=2) + "\n",
            encoding="utf-8",
        )
        progress(f"raw results written to {args.json}")
    return 1 if ctx.failures else 0


if __name__ == "__main__":
    sys.exit(main())
