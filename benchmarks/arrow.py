"""``python -m benchmarks.arrow``: feedback events as Parquet, side by side with JSON Lines.

Run from the repository root with the project's virtualenv (the ``arrow`` extra
and DuckDB installed, as ``make install`` does)::

    .venv/bin/python -m benchmarks.arrow            # 200,000 events; 2,000,000 for memory and DuckDB
    .venv/bin/python -m benchmarks.arrow --quick    # 20,000 and 200,000: a smoke run

What is measured, in one process but for peak memory:

* JSON Lines to Parquet with validation (``arrow.jsonl_to_parquet``) against
  ``list(iter_jsonl(...))`` on the same file (goal: at most 2.0 times its time);
* ``list(arrow.read_parquet(...))`` back to IR objects against ``list(iter_jsonl(...))``
  (goal: at least as fast);
* ``arrow.write_parquet`` of decoded objects, for information (it checks each object
  as ``to_json`` does, which ``jsonl_to_parquet`` need not);
* the Parquet file's size against the gzipped JSON Lines (goal: at most 1.2 times);
* peak memory of the conversion, each size in a fresh process (its peak resident
  memory, see `peak_rss`; goal: at most 300 MB, and flat from the small size to the
  large one: within 10%);
* the four DuckDB questions of ``examples/columnar/feedback_analytics.py`` over the
  large file, and one over the JSON Lines for comparison.

Timed runs interleave the contenders (rotating order) with the garbage collector
running, as programs run; the report gives medians. The Markdown report goes to
stdout, progress to stderr. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import os
import platform
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from . import _data
from ._timing import time_once

REPO = Path(__file__).resolve().parents[1]
TYPE = "feedback.event"
TIMES = "\N{MULTIPLICATION SIGN}"
MB = 1_000_000
MEMORY_GOAL_MB = 300
FLAT = 1.10

_T0 = time.perf_counter()


def progress(message: str) -> None:
    print(f"[{time.perf_counter() - _T0:7.1f}s] {message}", file=sys.stderr, flush=True)


def analytics() -> ModuleType:
    """``examples/columnar/feedback_analytics.py``: the DuckDB questions, in one place."""
    path = REPO / "examples" / "columnar" / "feedback_analytics.py"
    spec = importlib.util.spec_from_file_location("feedback_analytics", path)
    if spec is None or spec.loader is None:  # pragma: no cover - the file is in the repo
        raise RuntimeError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


# -- the child process: one conversion, its peak memory ---------------------------------------


def child(kind: str, source: str, target: str) -> None:
    """Run one job and print ``{"seconds": ..., "maxrss_mb": ...}`` (a fresh process each)."""
    from crucible_ir import arrow, iter_jsonl

    start = time.perf_counter()
    if kind == "convert":
        arrow.jsonl_to_parquet(source, target, TYPE)
    elif kind == "load":
        events = list(iter_jsonl(source, TYPE))
        del events
    elif kind == "read":
        for _ in arrow.read_parquet(source, TYPE):
            pass
    # "import": nothing more than crucible_ir.arrow (pyarrow) loaded
    elapsed = time.perf_counter() - start
    print(json.dumps({"seconds": elapsed, "maxrss_mb": peak_rss() / MB}))


def peak_rss() -> int:
    """This process's peak resident memory, in bytes.

    ``ru_maxrss`` (kilobytes on Linux, bytes on macOS). On Linux it also counts the
    parent's memory at the fork that started this process, kept across exec, so
    there the high-water mark of this process's own address space is read instead
    (``VmHWM`` of /proc/self/status): the same measure, of this program alone.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


def in_child(kind: str, source: Path, target: Path) -> dict[str, float]:
    command = [sys.executable, "-m", "benchmarks.arrow", "--child", kind, str(source), str(target)]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=True)
    result: dict[str, float] = json.loads(done.stdout)
    return result


# -- measurements ---------------------------------------------------------------------------------


def interleaved(calls: dict[str, Callable[[], object]], runs: int) -> dict[str, list[float]]:
    """Seconds of each call over ``runs`` rounds (after one warm-up round), order rotating."""
    names = list(calls)
    for name in names:
        progress(f"warm-up: {name}")
        calls[name]()
    seconds: dict[str, list[float]] = {name: [] for name in names}
    for round_no in range(runs):
        for offset in range(len(names)):
            name = names[(round_no + offset) % len(names)]
            elapsed, _ = time_once(calls[name], collector=True)
            seconds[name].append(elapsed / 1e9)
        progress(f"round {round_no + 1}/{runs}")
    return seconds


def gzipped_size(path: Path) -> int:
    """Bytes of ``path`` compressed by gzip at its default level (6), streamed."""
    with tempfile.TemporaryFile() as out:
        with path.open("rb") as source, gzip.GzipFile(fileobj=out, mode="wb", compresslevel=6) as z:
            shutil.copyfileobj(source, z, 1 << 20)
        return out.tell()


def time_sql(con: Any, sql: str, params: dict[str, Any] | None, runs: int) -> list[float]:
    seconds = []
    con.execute(sql, params).fetchall()  # warm-up: file metadata, caches
    for _ in range(runs):
        start = time.perf_counter()
        con.execute(sql, params).fetchall()
        seconds.append(time.perf_counter() - start)
    return seconds


# -- the report -----------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "**met**" if ok else "**missed**"


def dist_version(name: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "n/a"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def seconds_cell(values: list[float]) -> str:
    return f"{statistics.median(values):.3f} ({min(values):.3f}-{max(values):.3f})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.arrow", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="20,000 and 200,000 events, 2 runs")
    parser.add_argument("--events", type=int, help="events for the timed runs (200,000)")
    parser.add_argument("--large", type=int, help="events for memory and DuckDB (2,000,000)")
    parser.add_argument("--runs", type=int, help="timed rounds (5; 2 with --quick)")
    parser.add_argument(
        "--child", nargs=3, metavar=("KIND", "SOURCE", "TARGET"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child)
        return 0
    small = args.events or (_data.QUICK_EVENTS if args.quick else _data.FULL_EVENTS)
    large = args.large or (10 * small)
    runs = args.runs or (2 if args.quick else 5)

    from crucible_ir import arrow, iter_jsonl

    progress(f"preparing {small:,} and {large:,} events in benchmarks/data/")
    small_jsonl = _data.ensure_events_file(small)
    large_jsonl = _data.ensure_events_file(large)
    work = Path(tempfile.mkdtemp(prefix="crucible-ir-arrow-bench-"))
    try:
        small_parquet = work / "small.parquet"
        written = work / "written.parquet"
        decoded = list(iter_jsonl(small_jsonl, TYPE))
        calls: dict[str, Callable[[], object]] = {
            "iter_jsonl": lambda: list(iter_jsonl(small_jsonl, TYPE)),
            "jsonl_to_parquet": lambda: arrow.jsonl_to_parquet(small_jsonl, small_parquet, TYPE),
            "read_parquet": lambda: list(arrow.read_parquet(small_parquet, TYPE)),
            "write_parquet": lambda: arrow.write_parquet(decoded, written, TYPE),
        }
        arrow.jsonl_to_parquet(small_jsonl, small_parquet, TYPE)
        progress(f"timing {small:,} events, {runs} rounds")
        timed = interleaved(calls, runs)
        decoded.clear()  # the memory it holds is not needed any more
        if list(arrow.read_parquet(small_parquet, TYPE)) != list(iter_jsonl(small_jsonl, TYPE)):
            raise SystemExit("read_parquet did not give back the events of the JSON Lines")

        progress("sizes")
        sizes = {
            "JSON Lines": small_jsonl.stat().st_size,
            "JSON Lines, gzip -6": gzipped_size(small_jsonl),
            "Parquet (zstd)": small_parquet.stat().st_size,
        }

        progress("peak memory, each in a fresh process")
        large_parquet = work / "large.parquet"
        memory = {
            ("import crucible_ir.arrow", 0): in_child("import", small_jsonl, work / "none"),
            ("jsonl_to_parquet", small): in_child("convert", small_jsonl, work / "m.parquet"),
            ("jsonl_to_parquet", large): in_child("convert", large_jsonl, large_parquet),
            ("read_parquet, objects dropped", large): in_child(
                "read", large_parquet, work / "none"
            ),
            ("list(iter_jsonl), for contrast", small): in_child("load", small_jsonl, work / "none"),
        }

        progress(f"DuckDB over {large:,} events")
        import duckdb

        sql = analytics()
        questions = {
            "counts per feedback type and model version": (sql.COUNTS, None),
            "latency p50 / p95 per deployment": (sql.LATENCY, None),
            "daily share of thumbs-up": (sql.DAILY_THUMBS_UP, None),
            "drift: last 7 days against the 7 before": (sql.DRIFT, {"days": sql.WINDOW_DAYS}),
        }
        with sql.connect(large_parquet) as con:
            duck = {name: time_sql(con, q, p, runs) for name, (q, p) in questions.items()}
        with duckdb.connect() as con:
            literal = "'" + str(large_jsonl).replace("'", "''") + "'"
            con.execute(f"CREATE VIEW events AS SELECT * FROM read_json_auto({literal})")
            duck_jsonl = time_sql(con, sql.COUNTS, None, 1)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    med = {name: statistics.median(values) for name, values in timed.items()}
    convert_ratio = med["jsonl_to_parquet"] / med["iter_jsonl"]
    read_ratio = med["iter_jsonl"] / med["read_parquet"]
    size_ratio = sizes["Parquet (zstd)"] / sizes["JSON Lines, gzip -6"]
    peak_small = memory[("jsonl_to_parquet", small)]["maxrss_mb"]
    peak_large = memory[("jsonl_to_parquet", large)]["maxrss_mb"]

    out = [
        "# crucible_ir.arrow benchmarks",
        "",
        f"- command: `{shlex.join(['python', '-m', 'benchmarks.arrow', *sys.argv[1:]])}`",
        f"- date: {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}",
        f"- platform: {platform.platform()}; CPU: {cpu_model()} ({os.cpu_count()} logical CPUs)",
        f"- Python {platform.python_version()}; pyarrow {dist_version('pyarrow')}, "
        f"duckdb {dist_version('duckdb')}, msgspec {dist_version('msgspec')}",
        f"- data: `{small_jsonl.name}` ({small:,} events) and `{large_jsonl.name}` ({large:,})",
        f"- timed: 1 warm-up + {runs} interleaved rounds, collector running; "
        "seconds as median (min-max)",
        "",
        f"## {small:,} events",
        "",
        "| what | seconds | ratio |",
        "|---|---|---|",
        f"| `list(iter_jsonl(path))` | {seconds_cell(timed['iter_jsonl'])} | 1 (baseline) |",
        f"| `arrow.jsonl_to_parquet(path, out)` | {seconds_cell(timed['jsonl_to_parquet'])} "
        f"| {convert_ratio:.2f}{TIMES} the time |",
        f"| `list(arrow.read_parquet(out))` | {seconds_cell(timed['read_parquet'])} "
        f"| {read_ratio:.2f}{TIMES} as fast |",
        f"| `arrow.write_parquet(events, out)`, decoded events | {seconds_cell(timed['write_parquet'])} "
        f"| {med['write_parquet'] / med['iter_jsonl']:.2f}{TIMES} the time |",
        "",
        "| file | bytes | against gzip |",
        "|---|---|---|",
        *(
            f"| {name} | {size:,} | {size / sizes['JSON Lines, gzip -6']:.2f}{TIMES} |"
            for name, size in sizes.items()
        ),
        "",
        "## Peak memory (a fresh process each, peak resident set: `VmHWM`, i.e. `ru_maxrss`)",
        "",
        "| job | events | peak MB | seconds |",
        "|---|---|---|---|",
        *(
            f"| {job} | {count:,} | {m['maxrss_mb']:.0f} | {m['seconds']:.2f} |"
            for (job, count), m in memory.items()
        ),
        "",
        f"## DuckDB over {large:,} events",
        "",
        "| question | seconds, over Parquet |",
        "|---|---|",
        *(f"| {name} | {seconds_cell(values)} |" for name, values in duck.items()),
        f"| the first, over the JSON Lines (`read_json_auto`, one run) | {duck_jsonl[0]:.3f} |",
        "",
        "## Goals",
        "",
        "| goal | result | verdict |",
        "|---|---|---|",
        f"| JSON Lines to Parquet ≤ 2.0{TIMES} `list(iter_jsonl)` | {convert_ratio:.2f}{TIMES} "
        f"| {verdict(convert_ratio <= 2.0)} |",
        f"| peak memory ≤ {MEMORY_GOAL_MB} MB | {max(peak_small, peak_large):.0f} MB "
        f"| {verdict(max(peak_small, peak_large) <= MEMORY_GOAL_MB)} |",
        f"| peak memory flat from {small:,} to {large:,} events (within 10%) "
        f"| {peak_small:.0f} MB to {peak_large:.0f} MB | {verdict(peak_large <= FLAT * peak_small)} |",
        f"| Parquet ≤ 1.2{TIMES} gzipped JSON Lines | {size_ratio:.2f}{TIMES} "
        f"| {verdict(size_ratio <= 1.2)} |",
        f"| `read_parquet` ≥ 1.0{TIMES} as fast as `iter_jsonl` | {read_ratio:.2f}{TIMES} "
        f"| {verdict(read_ratio >= 1.0)} |",
        "",
    ]
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
