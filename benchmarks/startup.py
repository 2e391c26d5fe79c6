"""Start-up cost of the command line: ``crucible-ir validate small.json`` vs ``python -c pass``.

Run from the repository root with the project's virtualenv::

    .venv/bin/python -m benchmarks.startup            # 40 runs of each command
    .venv/bin/python -m benchmarks.startup --runs 10  # quicker

The console script is the one installed next to the running interpreter
(``Path(sys.executable).parent / "crucible-ir"``); if it is missing the script says so
and exits with status 2. A small valid experiment is written to a temporary file. The
commands run alternately (the order rotates every round, so slow drifts of the machine
hit all of them alike) after a few warm-up runs; each run is timed with
``time.perf_counter_ns`` around ``subprocess.run``. ``python -c "import crucible_ir"``
is measured too, for information: it separates the import cost from the CLI's own work.
Goal: the CLI's median wall time ≤ 1.5 times that of ``python -c pass``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL = 1.5
CLI = "crucible-ir validate small.json"
TIMES = "\N{MULTIPLICATION SIGN}"

SMALL_EXPERIMENT = {
    "backend": {"id": "openai_gpt4o", "profile": "default"},
    "created_at": "2024-03-15T09:30:00Z",
    "id": "startup_check",
    "pipeline": [{"name": "preprocess"}, {"name": "inference"}, {"name": "score"}],
    "reliability": {"ensemble": {"models": ["gpt4", "claude"], "strategy": "majority"}},
    "updated_at": "2024-03-16T18:05:42Z",
}


# Installed packages have their bytecode compiled (pip does it at install time);
# measure that case even where PYTHONDONTWRITEBYTECODE is set, as in some shells.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def compile_package() -> None:
    """Write the package's bytecode, as an installation from a wheel does."""
    import crucible_ir

    package = Path(crucible_ir.__file__).parent
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], check=True, env=ENV)


def run(command: list[str]) -> tuple[int, int]:
    """(wall time in ns, exit status) of one run of ``command``."""
    start = time.perf_counter_ns()
    status = subprocess.run(
        command,
        env=ENV,
        check=False,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    ).returncode
    return time.perf_counter_ns() - start, status


def ms(ns: float) -> str:
    return f"{ns / 1e6:.1f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.startup",
        description="Wall time of `crucible-ir validate small.json` against `python -c pass`.",
    )
    parser.add_argument("--runs", type=int, default=40, help="timed runs per command (40)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed runs per command (3)")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.warmup < 0:
        parser.error("--runs must be at least 1 and --warmup at least 0")

    script = Path(sys.executable).parent / "crucible-ir"
    if not script.is_file():
        print(
            f"console script not found: {script}\n"
            "install the project into this environment first (e.g. `pip install -e .`)",
            file=sys.stderr,
        )
        return 2

    compile_package()
    with tempfile.TemporaryDirectory(prefix="crucible-startup-") as tmp:
        small = Path(tmp) / "small.json"
        small.write_text(json.dumps(SMALL_EXPERIMENT), encoding="utf-8")
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            CLI: [str(script), "validate", str(small)],
            'python -c "import crucible_ir"': [sys.executable, "-c", "import crucible_ir"],
        }
        probe = subprocess.run(commands[CLI], check=False, capture_output=True, text=True)
        if probe.returncode != 0:
            print(
                f"`crucible-ir validate` exited with {probe.returncode} on a valid document:\n"
                f"{probe.stdout}{probe.stderr}",
                file=sys.stderr,
            )
            return 1

        names = list(commands)
        for _ in range(args.warmup):
            for name in names:
                run(commands[name])
        samples: dict[str, list[int]] = {name: [] for name in names}
        failures: dict[str, int] = dict.fromkeys(names, 0)
        for round_no in range(args.runs):
            for offset in range(len(names)):
                name = names[(round_no + offset) % len(names)]
                elapsed, status = run(commands[name])
                samples[name].append(elapsed)
                failures[name] += status != 0

    base = statistics.median(samples["python -c pass"])
    cli = statistics.median(samples[CLI])
    ratio = cli / base
    print("# crucible-ir start-up\n")
    print(f"- command: `python -m benchmarks.startup {' '.join(sys.argv[1:])}`".rstrip())
    print(f"- interpreter: `{sys.executable}` (CPython {platform.python_version()})")
    print(f"- console script: `{script}`")
    print(f"- {args.runs} timed runs of each command, alternating, after {args.warmup} warm-ups\n")
    print(f"| command | median ms | min ms | max ms | {TIMES} python -c pass |")
    print("|---|---:|---:|---:|---:|")
    for name in names:
        values = samples[name]
        median = statistics.median(values)
        print(
            f"| `{name}` | {ms(median)} | {ms(min(values))} | {ms(max(values))} "
            f"| {median / base:.2f}{TIMES} |"
        )
    verdict = "met" if ratio <= GOAL else "**missed**"
    print(
        f"\nGoal: `crucible-ir validate` ≤ {GOAL}{TIMES} `python -c pass`: "
        f"{ratio:.2f}{TIMES}, {verdict}."
    )
    for name, count in failures.items():
        if count:
            print(f"\n`{name}` exited with a non-zero status in {count} of {args.runs} runs.")
    return 1 if failures[CLI] else 0


if __name__ == "__main__":
    sys.exit(main())
