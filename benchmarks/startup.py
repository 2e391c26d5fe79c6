"""Start-up cost of the command line, side by side with check-jsonschema.

Run from the repository root with the project's virtualenv::

    .venv/bin/python -m benchmarks.startup            # 30 runs of each command
    .venv/bin/python -m benchmarks.startup --runs 10  # quicker

Both commands check ``examples/experiments/comprehensive.json``, cold (a new
process each run): ``crucible-ir validate FILE`` against ``check-jsonschema
--schemafile src/crucible_ir/schemas/experiment.schema.json FILE``, the schema
shipped in the package. Both console scripts are the ones installed next to the
running interpreter; a missing one is reported (exit status 2). The commands run
alternately (the order rotates every round, so slow drifts of the machine hit
all of them alike) after a few warm-up runs; each run is timed with
``time.perf_counter_ns`` around ``subprocess.run``. ``python -c pass`` and
``python -c "import crucible_ir"`` are measured too, for information.
Goal: the CLI's median wall time at most 0.25 times check-jsonschema's.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

GOAL = 0.25
ROOT = Path(__file__).resolve().parent.parent
DOCUMENT = "examples/experiments/comprehensive.json"
SCHEMA = "src/crucible_ir/schemas/experiment.schema.json"
CLI = f"crucible-ir validate {DOCUMENT}"
CHECKER = f"check-jsonschema --schemafile {SCHEMA} {DOCUMENT}"
TIMES = "\N{MULTIPLICATION SIGN}"

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
        cwd=ROOT,
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
        description="Wall time of `crucible-ir validate` against `check-jsonschema`, cold.",
    )
    parser.add_argument("--runs", type=int, default=30, help="timed runs per command (30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed runs per command (3)")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.warmup < 0:
        parser.error("--runs must be at least 1 and --warmup at least 0")

    scripts = {
        name: Path(sys.executable).parent / name for name in ("crucible-ir", "check-jsonschema")
    }
    for script in scripts.values():
        if not script.is_file():
            print(
                f"console script not found: {script}\n"
                "install the project with its bench extra first (`make install`)",
                file=sys.stderr,
            )
            return 2

    compile_package()
    commands = {
        CLI: [str(scripts["crucible-ir"]), "validate", DOCUMENT],
        CHECKER: [str(scripts["check-jsonschema"]), "--schemafile", SCHEMA, DOCUMENT],
        "python -c pass": [sys.executable, "-c", "pass"],
        'python -c "import crucible_ir"': [sys.executable, "-c", "import crucible_ir"],
    }
    for name in (CLI, CHECKER):
        probe = subprocess.run(
            commands[name], cwd=ROOT, check=False, capture_output=True, text=True
        )
        if probe.returncode != 0:
            print(
                f"`{name}` exited with {probe.returncode} on a valid document:\n"
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

    base = statistics.median(samples[CHECKER])
    ratio = statistics.median(samples[CLI]) / base
    print("# crucible-ir start-up\n")
    print(f"- command: `python -m benchmarks.startup {' '.join(sys.argv[1:])}`".rstrip())
    print(f"- interpreter: `{sys.executable}` (CPython {platform.python_version()})")
    print(f"- {args.runs} timed runs of each command, alternating, after {args.warmup} warm-ups\n")
    print(f"| command | median ms | min ms | max ms | {TIMES} check-jsonschema |")
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
        f"\nGoal: `crucible-ir validate` ≤ {GOAL}{TIMES} `check-jsonschema`: "
        f"{ratio:.2f}{TIMES}, {verdict}."
    )
    for name, count in failures.items():
        if count:
            print(f"\n`{name}` exited with a non-zero status in {count} of {args.runs} runs.")
    return 1 if failures[CLI] else 0


if __name__ == "__main__":
    sys.exit(main())
