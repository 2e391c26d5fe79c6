#!/usr/bin/env python3
"""Fuzz crucible-ir with hostile and broken input (issue 5, "Hardening").

Usage::

    python scripts/fuzz.py --inputs 1000000 [--seed N] [--workers 2]
    python scripts/fuzz.py --inputs 1000000 --seed N --start 420000   # resume a run
    python scripts/fuzz.py --seed N --index 123456                    # re-run one input
    python scripts/fuzz.py --replay fuzz-failures/<file>.meta.json    # re-run a saved failure
    python scripts/fuzz.py --atheris -- -runs=200000                  # coverage-guided (atheris)

**Inputs.** Input ``i`` of a run is made by its own generator,
``random.Random(f"{seed}:{i}")``, so it does not depend on the number of
workers or on which inputs ran before it: a run is resumed with ``--start``
and any single input is re-made with ``--index``. The generators are:

* ``bytes`` -- byte-level mutation of a golden file of the reference
  implementation (``../shared/interop/reference/**/*.json``): bit flips, byte
  insertion, deletion and duplication of chunks, truncation, splicing two
  files, deep runs of ``[`` / ``{`` / ``{"a":`` (balanced or not; mostly up
  to 2,000 and around the limits 200, 256 and 1,000, one in twenty up to 200,000),
  invalid UTF-8, ``NaN`` / ``Infinity`` / ``1e400`` / huge integers in place
  of values, U+2028, NUL, non-BMP characters and lone surrogate escapes in
  strings, byte-order marks and odd whitespace.
* ``tree`` -- JSON-tree mutation of a parsed golden file: values replaced by
  other JSON types, required keys dropped, unknown and near-miss keys added,
  fields nulled, values wrapped in lists or unwrapped, nesting deepened
  (lists, maps, ``fallback`` chains up to 1,200 deep), subtrees swapped between
  fields, NaN / infinities / huge integers / odd strings and timestamps, and
  Python values that are not JSON at all (for ``from_dict`` only).
* ``generated`` -- documents generated from the IR types themselves (each
  class's plan: its fields, types, vocabularies and bounds), mostly
  well-typed with a few wrong values: they get past decoding and exercise
  validation and encoding. (A hand-written generator rather than hypothesis:
  hypothesis strategies cannot be driven by a plain seed without its internal
  API, and are much slower per example.)
* ``yaml`` / ``toml`` -- generated or mutated documents written as YAML (with
  tags, anchors, aliases and alias bombs, merge keys, duplicate keys, YAML 1.1
  scalars such as ``off`` and ``0123``, several documents, deep flow and block
  nesting) or TOML (deep inline tables and arrays, long dotted keys, ``inf`` and
  ``nan``, huge integers, local dates), optionally byte-mutated too.

**Checks.** Every input goes through ``from_json`` (lax and ``strict=True``)
for the input's IR type and for a random other type; ``from_dict`` of the
parsed data (and of the generator's Python data), lax and strict, for both
types; the JSON-Lines bulk decoder (``scan_jsonl``, one input in four); the
command line's readers ``load_json`` and ``load_toml``
(and ``load_yaml`` for every YAML input and one other input in ten: the
YAML reader is the slowest of them) followed by the command
line's decoding of the document with positions (``decode_located``); and, for
one input in 1,000, the whole command line in-process
(``crucible_ir._cli.main``) with a random subcommand on a temporary file.
Every decoded object goes through ``errors`` / ``is_valid``, ``to_json``,
``to_dict``, ``fingerprint`` and back. A violation is any of:

* an exception other than ``DecodeError`` (decoding) or ``SourceError``
  (readers) escapes; ``errors()``, ``to_json``, ``to_dict`` and
  ``fingerprint`` of a decoded object raise anything at all;
* a decoded object does not round-trip: ``from_json(to_json(x)) == x`` (lax and
  strict), ``to_json`` of the copy gives the same text, ``from_dict(to_dict(x))
  == x``, the canonical JSON (``fmt``) decodes back to ``x``;
* ``is_valid`` disagrees with ``errors``, or ``errors`` gives another verdict
  for an equal copy of the object (verdicts must not depend on provenance);
* lax and strict decoding disagree (strict succeeds but lax fails or differs),
  or ``from_json(text)`` and ``from_dict(parsed text)`` disagree;
* a command line run exits with anything but 0, 1 or 2, prints a traceback, a
  ``validate`` problem is not one ``FILE:LINE:COL: PATH: MESSAGE`` line, a
  failed ``fmt --in-place`` / ``convert -o`` changed the target, or a
  temporary file is left behind;
* an input takes more than a second (all of its checks together: an input
  over a second by the wall clock is run again, and is slow when it is still
  over a second and spent more than a second of CPU time, so that a busy
  machine is not mistaken for slow code), or 30 seconds (hang).

On a violation the input is saved under ``fuzz-failures/`` (the first five of
each kind: ``<kind>_<seed>_<index>.input.<ext>`` and a ``.meta.json`` record
with the details and the traceback) and the run goes on. The summary gives the
inputs run by generator and by reader, inputs per second, the slowest input,
and the violations by kind.

**Workers.** ``--workers N`` runs chunks of 500 inputs on N processes, each
limited to ``--memory-mb`` of address space (a runaway allocation is then a
``MemoryError``, reported); a worker that dies is reported as
``worker-crash`` with its chunk, and the run goes on.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime
import functools
import hashlib
import io
import json
import math
import multiprocessing
import operator
import os
import random
import re
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import msgspec

import crucible_ir as ir
from crucible_ir import DecodeError
from crucible_ir._cli import main as cli_main
from crucible_ir._cli._locate import decode_located
from crucible_ir._codec._canonical import canonical_json
from crucible_ir._codec._jsonl import BadRecord, scan_jsonl
from crucible_ir._codec._limits import within_depth
from crucible_ir._errors import Issue
from crucible_ir._model._base import IRStruct, resolve_type
from crucible_ir._sources import SourceError, load_json, load_toml, load_yaml
from crucible_ir._typetree import Node, plan

__all__ = [
    "GENERATORS",
    "Case",
    "Summary",
    "Violation",
    "check_case",
    "golden_files",
    "make_case",
    "run",
]

REPO = Path(__file__).resolve().parents[1]
TIME_LIMIT = 1.0
"""Most seconds one input may take, all of its checks together."""
HANG_LIMIT = 30
"""Seconds after which an input is abandoned as a hang."""


@dataclasses.dataclass
class Settings:
    """What a run samples."""

    yaml_share: float = 0.1
    """Share of non-YAML inputs also read by ``load_yaml`` (the slowest reader)."""
    jsonl_share: float = 0.25
    """Share of inputs also read by the JSON Lines bulk decoder (``scan_jsonl``)."""
    cli_every: int = 1000
    """One input in this many also goes through the whole command line."""


SETTINGS = Settings()
SAVED_PER_KIND = 5
"""Inputs saved per kind of violation."""

GENERATORS: dict[str, float] = {
    "bytes": 0.40,
    "tree": 0.30,
    "generated": 0.20,
    "yaml": 0.05,
    "toml": 0.05,
}
"""Generators and the share of inputs each makes."""

TYPE_NAMES: list[str] = ir.type_names()

# -- the golden files ----------------------------------------------------------------


def interop_root() -> Path:
    """The reference implementation's interop folder (``$CRUCIBLE_IR_INTEROP`` overrides)."""
    env = os.environ.get("CRUCIBLE_IR_INTEROP")
    return Path(env) if env else REPO.parent / "shared" / "interop"


@functools.lru_cache(maxsize=1)
def golden_files() -> list[tuple[str, bytes, str]]:
    """``(type name, bytes, file name)`` of every golden file, sorted by path."""
    root = interop_root() / "reference"
    files = sorted(root.glob("**/*.json"))
    if not files:
        raise SystemExit(f"fuzz: no golden files under {root} (set CRUCIBLE_IR_INTEROP)")
    return [(p.parent.name, p.read_bytes(), f"{p.parent.name}/{p.name}") for p in files]


def _golden_by_type() -> dict[str, list[bytes]]:
    found: dict[str, list[bytes]] = {}
    for name, data, _ in golden_files():
        found.setdefault(name, []).append(data)
    return found


# -- values that break things ---------------------------------------------------------

_INTS = [
    0, 1, -1, 2, 7, 100, 2**31 - 1, 2**31, 2**53 + 1, 2**63 - 1, 2**63, 2**64, -(2**63) - 1,
    10**100, -(10**100), 10**4299,
]  # fmt: skip
_FLOATS = [
    0.0, -0.0, 0.5, 1.0, 1.5, 95.0, 100.0, 100.5, 1e-5, 0.001, 0.1, 1e16, 1e21, 1e308, -1e308,
    5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 0.999999, 123456789.123,
]  # fmt: skip
_NON_FINITE = [math.nan, math.inf, -math.inf]
_CHARS = [
    "\u2028", "\u2029", "\x00", "\x01", "\x1f", "\x7f", "\x85", "\ufeff", "\ufffe", "\uffff",
    "\U0001f600", "\U0010ffff", "\u00e9", "\u4e2d", "\u202e", "\\", '"', "'", "\n", "\r", "\t",
    "/", "{", "[", "#", ":", " ", "\u00a0", "&", "*", "!", "%", "@", "`",
]  # fmt: skip
_SURROGATES = ["\ud800", "\udc00", "\udfff", "\ud83d"]
_WORDS = [
    "id", "name", "gpt4", "default", "inference", "x", "", "null", "true", "off", "yes", "no",
    "0123", "1.10", "1e3", ".inf", "~", "<<", "Elixir.MyApp.Stage", "os", "__import__", "eval",
    "majority", "weighted", "fixed", "percentile", "pending", "active", "https://x.io/v1",
    "http://[::1]:8080/a", "ftp://x", "1.2.3", "1.0.0-rc.1+b.7", "01.2.3", "1.2.3\n",
    "2024-03-15T09:30:00Z", "2024-03-15T09:30:00", "2024-02-30T00:00:00Z",
]  # fmt: skip
_TIMESTAMPS = [
    "2024-03-15T09:30:00Z", "2024-03-15T09:30:00.123456Z", "2024-03-15T11:30:00+02:00",
    "2024-03-15T09:30:00.5Z", "2024-03-15T09:30:00", "2024-03-15", "2024-02-30T00:00:00Z",
    "2024-01-01T24:00:00Z", "2016-12-31T23:59:60Z", "0001-01-01T00:00:00+23:59",
    "9999-12-31T23:59:59.999999-23:59", "2024-03-15T09:30:00+24:00", "2024-03-15T09:30:00z",
    "2024-03-15 09:30:00Z", "2024-03-15T09:30:00.1234567890Z", "", "now", "1710495000",
]  # fmt: skip
_NUMBER_TOKENS = [
    b"NaN", b"-NaN", b"Infinity", b"-Infinity", b"inf", b"nan", b"1e400", b"-1e400", b"1e-400",
    b"1E+2", b"-0", b"-0.0", b"0123", b"1.", b".5", b"+1", b"0x1F", b"1_000", b"9" * 4300,
    b"9" * 4301, b"-" + b"9" * 5000, b"1" + b"0" * 100, b"1e309", b"4.9e-324", b"2e308",
    b"123456789012345678901234567890.5", b"true", b"null", b'"x"', b"[]", b"{}",
]  # fmt: skip
_STRING_INSERTS = [
    b"\\u2028", "\u2028".encode(), b"\\u0000", b"\x00", "\U0001f600".encode(), b"\\ud83d\\ude00",
    b"\\ud800", b"\\udc00", b"\\ud800\\u0041", b"\\udc00\\ud800", b"\\uDFFF", b"\\", b"\\x41",
    b"\\u12", b"\x1f", b"\n", b"\t", b"\\/", "\ufeff".encode(), b"\xed\xa0\x80", b"\xc0\xaf",
    b"\xff", b"\xc3", b"\xf4\x90\x80\x80", b"\xe2\x82",
]  # fmt: skip
_BAD_UTF8 = [
    b"\xff", b"\xfe", b"\xc3", b"\xc0\x80", b"\xc0\xaf", b"\xed\xa0\x80", b"\xed\xbf\xbf",
    b"\xf4\x90\x80\x80", b"\xe2\x82", b"\x80", b"\xf8\x88\x80\x80\x80",
]  # fmt: skip
_WHITESPACE = [b"\xef\xbb\xbf", b"\r\n", b"\t", b"\x0b", b"\x0c", b"\xc2\xa0", b"\xe2\x80\xa8"]


def _log_uniform(rng: random.Random, hi: int) -> int:
    """An integer in [1, hi], spread evenly over the orders of magnitude."""
    return min(hi, max(1, int(math.exp(rng.uniform(0, math.log(hi + 1))))))


def rand_text(rng: random.Random, *, surrogates: bool = False, long: bool = True) -> str:
    """A string: a word, odd characters, sometimes long; lone surrogates when asked."""
    r = rng.random()
    if r < 0.4:
        return rng.choice(_WORDS)
    if r < 0.85 or not long:
        pool = _CHARS + (_SURROGATES if surrogates else [])
        return "".join(
            rng.choice(pool) if rng.random() < 0.5 else chr(rng.randrange(32, 127))
            for _ in range(rng.randrange(0, 12))
        )
    if r < 0.97:
        return "x" * _log_uniform(rng, 5000)
    return rng.choice(["\u2028", "\U0001f600", "\x00", "ab"]) * _log_uniform(rng, 100_000)


def rand_number(rng: random.Random) -> int | float:
    """An integer or a finite float, often an awkward one."""
    r = rng.random()
    if r < 0.3:
        return rng.choice(_INTS)
    if r < 0.6:
        return rng.choice(_FLOATS)
    if r < 0.8:
        return rng.randint(-1000, 1000)
    return rng.uniform(-2, 2) * 10.0 ** rng.randint(-8, 8)


def rand_json(rng: random.Random, depth: int = 0) -> Any:
    """A random JSON value (finite numbers, unicode text), at most 4 levels deep."""
    r = rng.random()
    if depth >= 4 or r < 0.55:
        s = rng.random()
        if s < 0.1:
            return None
        if s < 0.2:
            return rng.random() < 0.5
        if s < 0.55:
            return rand_number(rng)
        return rand_text(rng)
    if r < 0.78:
        return [rand_json(rng, depth + 1) for _ in range(rng.randrange(0, 4))]
    return {
        rand_text(rng, long=False): rand_json(rng, depth + 1) for _ in range(rng.randrange(0, 4))
    }


class _Opaque:
    """Not JSON: an arbitrary Python object."""

    def __repr__(self) -> str:
        return "<opaque>"


def rand_python(rng: random.Random) -> Any:
    """A Python value that is not plain JSON (for ``from_dict`` only)."""
    choices: list[Callable[[], Any]] = [
        lambda: rng.choice(_NON_FINITE),
        lambda: tuple(rand_json(rng, 3) for _ in range(2)),
        lambda: {1: "int key"},
        lambda: {None: 1},
        lambda: {("a",): 1},
        lambda: {"a", "b"},
        lambda: b"bytes",
        lambda: bytearray(b"x"),
        _Opaque,
        lambda: datetime.datetime(2024, 3, 15, 9, 30),  # naive, on purpose
        lambda: datetime.datetime(2024, 3, 15, 9, 30, tzinfo=datetime.timezone.utc),
        lambda: datetime.date(2024, 3, 15),
        lambda: ir.StageDef(name="s"),
        lambda: ir.BackendRef(id="b", fallback=ir.BackendRef(id="c")),
        lambda: rng.choice(_SURROGATES) + "x",
        lambda: {rng.choice(_SURROGATES): 1},
        lambda: 10**5000,
        lambda: True,
        lambda: 2.5j,
        lambda: float("nan"),
        lambda: [float("inf")],
        lambda: range(3),
        lambda: iter([1, 2]),
        lambda: type("S", (str,), {})("sub"),
        lambda: type("I", (int,), {})(5),
        lambda: type("D", (dict,), {})(a=1),
    ]
    return rng.choice(choices)()


# -- cases ------------------------------------------------------------------------------

_NO_DATA = object()


@dataclasses.dataclass
class Case:
    """One fuzz input and what to run it through."""

    seed: int
    index: int
    generator: str
    type_name: str
    other_type: str
    fmt: str
    """How ``data`` is written: json, yaml or toml (all go through the JSON decoders too)."""
    data: bytes
    pydata: Any = _NO_DATA
    """Python data for ``from_dict`` when the generator made some (maybe not JSON at all)."""
    run_yaml: bool = False
    run_jsonl: bool = False
    run_cli: bool = False
    cli_seed: int = 0
    origin: str = ""
    """The golden file it was made from, when there is one."""

    @property
    def ext(self) -> str:
        """File extension for saving it."""
        return {"json": "json", "yaml": "yaml", "toml": "toml"}[self.fmt]


def make_case(seed: int, index: int) -> Case:
    """Input ``index`` of the run with ``seed``: the same on every machine and in every worker."""
    rng = random.Random(f"{seed}:{index}")
    generator = rng.choices(list(GENERATORS), weights=list(GENERATORS.values()))[0]
    golden = golden_files()
    if generator == "generated":
        type_name = rng.choice(TYPE_NAMES)
        origin = ""
    else:
        type_name, _, origin = rng.choice(golden)
    case = Case(
        seed=seed,
        index=index,
        generator=generator,
        type_name=type_name,
        other_type=rng.choice(TYPE_NAMES),
        fmt="json",
        data=b"",
        run_yaml=rng.random() < SETTINGS.yaml_share,
        run_jsonl=rng.random() < SETTINGS.jsonl_share,
        run_cli=rng.randrange(SETTINGS.cli_every) == 0,
        cli_seed=rng.randrange(2**32),
        origin=origin,
    )
    if generator == "bytes":
        source = next(d for t, d, o in golden if o == origin)
        case.data = mutate_bytes(rng, source)
    elif generator == "tree":
        source = next(d for t, d, o in golden if o == origin)
        data, json_ok = mutate_tree(rng, msgspec.json.decode(source), type_name)
        case.pydata = data
        case.data = dump_json(rng, data) if json_ok else b""
    elif generator == "generated":
        data = generate_document(rng, resolve_type(type_name))
        case.pydata = data
        case.data = dump_json(rng, data)
    else:
        if rng.random() < 0.5:
            data = generate_document(rng, resolve_type(type_name))
        else:
            source = next(d for t, d, o in golden if o == origin)
            data, json_ok = mutate_tree(rng, msgspec.json.decode(source), type_name, json_only=True)
        case.fmt = generator
        case.run_yaml = generator == "yaml"
        case.data = dump_yaml(rng, data) if generator == "yaml" else dump_toml(rng, data)
        if rng.random() < 0.25:
            case.data = mutate_bytes(rng, case.data, rounds=rng.randint(1, 2))
    return case


def dump_json(rng: random.Random, data: Any) -> bytes:
    """JSON text of ``data`` in a random layout (NaN and infinities as JavaScript tokens)."""
    try:
        if rng.random() < 0.5:
            text = json.dumps(data, ensure_ascii=rng.random() < 0.5, sort_keys=rng.random() < 0.3)
            encoded = text.encode("utf-8", "surrogatepass")
        else:
            encoded = msgspec.json.encode(data)
        if rng.random() < 0.3:
            encoded = msgspec.json.format(encoded, indent=rng.choice([1, 2, 4]))
        return encoded
    except (TypeError, ValueError, OverflowError, RecursionError, msgspec.EncodeError):
        return encode_deep(data)


def _plain(data: Any) -> bool:
    try:
        json.dumps(data, default=repr)
    except (TypeError, ValueError, OverflowError, RecursionError):
        return False
    return True


# -- byte-level mutation ----------------------------------------------------------------

_VALUE_AT = re.compile(rb":\s*")
_STRING_AT = re.compile(rb'"[^"\\]*')


def mutate_bytes(rng: random.Random, data: bytes, rounds: int | None = None) -> bytes:
    """``data`` with one to four byte-level mutations applied."""
    buf = bytearray(data)
    for _ in range(rounds or rng.choice([1, 1, 1, 2, 2, 3, 4])):
        op = rng.choice(_BYTE_OPS)
        buf = op(rng, buf)
    return bytes(buf)


def _pos(rng: random.Random, buf: bytearray) -> int:
    return rng.randrange(len(buf) + 1)


def _bit_flip(rng: random.Random, buf: bytearray) -> bytearray:
    for _ in range(rng.randint(1, 8)):
        if buf:
            i = rng.randrange(len(buf))
            buf[i] ^= 1 << rng.randrange(8)
    return buf


def _set_byte(rng: random.Random, buf: bytearray) -> bytearray:
    if buf:
        i = rng.randrange(len(buf))
        buf[i] = rng.choice([0, 0xFF, 0x7F, 0x80, 0x22, 0x5C, 0x7B, 0x5B, 0x2C, 0x3A, 0x7D, 0x5D])
    return buf


def _insert_random(rng: random.Random, buf: bytearray) -> bytearray:
    i = _pos(rng, buf)
    buf[i:i] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
    return buf


def _delete_chunk(rng: random.Random, buf: bytearray) -> bytearray:
    if buf:
        i = rng.randrange(len(buf))
        del buf[i : i + _log_uniform(rng, 256)]
    return buf


def _duplicate_chunk(rng: random.Random, buf: bytearray) -> bytearray:
    if buf:
        i = rng.randrange(len(buf))
        chunk = buf[i : i + _log_uniform(rng, 512)]
        j = _pos(rng, buf)
        buf[j:j] = chunk * rng.choice([1, 1, 2, 10])
    return buf


def _truncate(rng: random.Random, buf: bytearray) -> bytearray:
    return buf[: _pos(rng, buf)]


def _splice(rng: random.Random, buf: bytearray) -> bytearray:
    other = rng.choice(golden_files())[1]
    return buf[: _pos(rng, buf)] + other[rng.randrange(len(other) + 1) :]


_VALUE_END = re.compile(rb"[,}\]\n]")


def _value_pos(rng: random.Random, buf: bytearray) -> tuple[int, int]:
    """Start and end of a value after some ``:`` (roughly), else a random spot."""
    spots = [m.end() for m in _VALUE_AT.finditer(buf, 0, 200_000)]
    if not spots:
        i = _pos(rng, buf)
        return i, i
    start = rng.choice(spots)
    if buf[start : start + 1] == b'"':
        close = buf.find(b'"', start + 1)
        return start, len(buf) if close < 0 else close + 1
    match = _VALUE_END.search(buf, start)
    return start, len(buf) if match is None else match.start()


def _depth(rng: random.Random) -> int:
    """How deep to nest: mostly around the limits (200, 256, about 1000), sometimes 200,000."""
    r = rng.random()
    if r < 0.3:
        return rng.choice([199, 200, 201, 255, 256, 257, 499, 500, 999, 1000, 1001, 1024, 2000])
    if r < 0.95:
        return _log_uniform(rng, 2000)
    return _log_uniform(rng, 200_000)


def _deep_run(rng: random.Random, buf: bytearray) -> bytearray:
    n = _depth(rng)
    opener, closer = rng.choice([(b"[", b"]"), (b"{", b"}"), (b'{"a":', b"}"), (b'[{"a":', b"}]")])
    start, end = _value_pos(rng, buf)
    inner = bytes(buf[start:end]) or b"1"
    if opener == b"{" and rng.random() < 0.8:
        opener = b'{"k":'
    run = opener * n + (inner + closer * n if rng.random() < 0.7 else b"")
    buf[start:end] = run
    return buf


def _bad_utf8(rng: random.Random, buf: bytearray) -> bytearray:
    i = _string_pos(rng, buf) if rng.random() < 0.7 else _pos(rng, buf)
    buf[i:i] = rng.choice(_BAD_UTF8)
    return buf


def _number_token(rng: random.Random, buf: bytearray) -> bytearray:
    start, end = _value_pos(rng, buf)
    buf[start:end] = rng.choice(_NUMBER_TOKENS)
    return buf


def _string_pos(rng: random.Random, buf: bytearray) -> int:
    spots = [m.start() + 1 + rng.randrange(len(m.group())) for m in _STRING_AT.finditer(buf)]
    return rng.choice(spots) if spots else _pos(rng, buf)


def _string_insert(rng: random.Random, buf: bytearray) -> bytearray:
    i = _string_pos(rng, buf)
    buf[i:i] = rng.choice(_STRING_INSERTS) * rng.choice([1, 1, 1, 2, 1000])
    return buf


def _whitespace(rng: random.Random, buf: bytearray) -> bytearray:
    i = 0 if rng.random() < 0.3 else _pos(rng, buf)
    buf[i:i] = rng.choice(_WHITESPACE)
    return buf


def _duplicate_key(rng: random.Random, buf: bytearray) -> bytearray:
    keys = list(re.finditer(rb'"[a-z_]+":\s*("[^"]*"|[-0-9.a-z]+)\s*,', buf))
    if keys:
        m = rng.choice(keys)
        buf[m.end() : m.end()] = m.group()
    return buf


_BYTE_OPS: list[Callable[[random.Random, bytearray], bytearray]] = [
    _bit_flip, _set_byte, _insert_random, _delete_chunk, _duplicate_chunk, _truncate, _splice,
    _deep_run, _bad_utf8, _number_token, _number_token, _string_insert, _string_insert,
    _whitespace, _duplicate_key,
]  # fmt: skip


# -- tree-level mutation ------------------------------------------------------------


def _slots(data: Any) -> list[tuple[Any, Any]]:
    """Every ``(container, key)`` holding a value in ``data``, without recursion."""
    found: list[tuple[Any, Any]] = []
    stack = [data]
    while stack and len(found) < 5000:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                found.append((item, key))
                if isinstance(value, (dict, list)):
                    stack.append(value)
        elif isinstance(item, list):
            for i, value in enumerate(item):
                found.append((item, i))
                if isinstance(value, (dict, list)):
                    stack.append(value)
    return found


def _dicts(data: Any) -> list[dict[str, Any]]:
    out = [c for c, _ in _slots(data) if isinstance(c, dict)]
    if isinstance(data, dict):
        out.append(data)
    return out


_NEAR_MISSES = ["profle", "Name", "ID", "id ", " name", "enabled_", "fallbak", "pipline", "opts"]


def mutate_tree(
    rng: random.Random, data: Any, type_name: str, *, json_only: bool = False
) -> tuple[Any, bool]:
    """``data`` after one to six tree mutations; and whether it is still JSON-encodable."""
    json_ok = True
    for _ in range(rng.choice([1, 1, 2, 2, 3, 4, 6])):
        slots = _slots(data)
        op = rng.randrange(13)
        if op == 12 or not slots:  # the root itself
            data = rng.choice([[data], {"wrapped": data}, rand_json(rng), None, "text"])
            continue
        container, key = rng.choice(slots)
        value = container[key]
        if op == 0:  # another JSON type
            container[key] = rand_json(rng)
        elif op == 1 and isinstance(container, dict):  # drop a key (required ones too)
            del container[key]
        elif op == 2:  # unknown or near-miss key
            target = rng.choice(_dicts(data) or [{}])
            name = rng.choice([*_NEAR_MISSES, rand_text(rng, long=False)])
            target[name] = rand_json(rng)
        elif op == 3:  # null
            container[key] = None
        elif op == 4:  # wrap in a list
            container[key] = [value]
        elif op == 5:  # unwrap
            if isinstance(value, list) and value:
                container[key] = value[0]
            elif isinstance(value, dict) and value:
                container[key] = next(iter(value.values()))
        elif op == 6:  # deepen
            container[key] = _deepen(rng, value)
        elif op == 7:  # swap two subtrees (unless one holds the other: no cycles)
            other, okey = rng.choice(slots)
            with contextlib.suppress(KeyError, IndexError):
                theirs = other[okey]
                if not _holds(value, other) and not _holds(theirs, container):
                    container[key], other[okey] = theirs, value
        elif op == 8:  # awkward values
            container[key] = rng.choice(
                [
                    rng.choice(_INTS),
                    rng.choice(_FLOATS),
                    rand_text(rng, surrogates=not json_only),
                    rng.choice(_TIMESTAMPS),
                    not value if isinstance(value, bool) else True,
                    "",
                    [],
                    {},
                ]
            )
        elif op == 9 and not json_only:  # not JSON at all
            container[key] = rand_python(rng)
            json_ok = json_ok and _plain(container[key]) and not _has_non_finite(container[key])
        elif op == 9:
            container[key] = rng.choice([10**4300, 10**5000, -(10**4301)])
            json_ok = False
        elif op == 10 and isinstance(value, list) and value:  # duplicates in a list
            value.append(value[rng.randrange(len(value))])
        elif op == 11 and isinstance(container, dict) and isinstance(key, str):  # rename a key
            new = rng.choice([key.upper(), key + " ", key.replace("_", "-"), ""])
            container[new] = container.pop(key)
    if type_name == "backend_ref" and isinstance(data, dict) and rng.random() < 0.2:
        data = _fallback_chain(rng, data)
    return data, json_ok


def _holds(tree: Any, target: Any) -> bool:
    """Whether the container ``target`` is ``tree`` or somewhere inside it."""
    stack = [tree]
    while stack:
        item = stack.pop()
        if item is target:
            return True
        if isinstance(item, dict):
            stack.extend(v for v in item.values() if isinstance(v, (dict, list)))
        elif isinstance(item, list):
            stack.extend(v for v in item if isinstance(v, (dict, list)))
    return False


def _has_non_finite(value: Any) -> bool:
    return isinstance(value, float) and not math.isfinite(value)


def _deepen(rng: random.Random, value: Any) -> Any:
    n = _depth(rng)
    kind = rng.randrange(3)
    for _ in range(n):
        value = (
            [value] if kind == 0 else {"a": value} if kind == 1 else {"id": "x", "fallback": value}
        )
    return value


def _fallback_chain(rng: random.Random, data: dict[str, Any]) -> dict[str, Any]:
    depth = rng.choice([150, 199, 200, 201, 255, 256, 257, 400, 470, 500, 600, 999, 1000, 1200])
    for i in range(depth):
        data = {"id": f"b{i}", "fallback": data}
    return data


# -- documents generated from the IR types ----------------------------------------------


def generate_document(rng: random.Random, cls: type[IRStruct]) -> Any:
    """A document for ``cls``: mostly the right shape, with a few wrong values."""
    wrong = rng.choice([0.0, 0.0, 0.02, 0.1])
    return _gen_struct(rng, cls, 0, wrong)


def _gen_struct(rng: random.Random, cls: type[IRStruct], depth: int, wrong: float) -> Any:
    out: dict[str, Any] = {}
    for f in plan(cls).fields:
        if f.required:
            if rng.random() < 0.97:
                out[f.name] = _gen(rng, f.node, depth, wrong)
        elif rng.random() < (0.5 if depth < 4 else 0.1):
            out[f.name] = _gen(rng, f.node, depth, wrong)
    if rng.random() < wrong:
        out[rng.choice(_NEAR_MISSES)] = rand_json(rng)
    return out


def _gen(rng: random.Random, node: Node, depth: int, wrong: float) -> Any:
    if rng.random() < wrong:
        return rand_json(rng)
    if node.nullable and rng.random() < 0.1:
        return None
    kind = node.kind
    if kind == "literal":
        return rng.choice(node.values) if rng.random() < 0.9 else rand_text(rng, long=False)
    if kind == "str":
        if node.pattern is not None and "http" in node.pattern.pattern:
            return rng.choice(["https://api.example.com/v1", "http://[::1]:8080/x", "ftp://x"])
        if node.pattern is not None:
            return rng.choice(["1.2.3", "0.0.1-rc.1+b.7", "1.2", "v1.2.3", "1.2.3-01"])
        return rand_text(rng) if rng.random() < 0.3 else rng.choice(["a", "gpt4", "run", "x y"])
    if kind == "int":
        return rng.choice(_INTS) if rng.random() < 0.3 else rng.randint(-2, 100)
    if kind in ("number", "float"):
        r = rng.random()
        if r < 0.5:
            return rng.choice([0, 0.5, 1, 0.05, 0.99, 1.0, 0.0])
        return rand_number(rng)
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "datetime":
        return rng.choice(_TIMESTAMPS[:5]) if rng.random() < 0.8 else rng.choice(_TIMESTAMPS)
    if kind == "list":
        assert node.item is not None
        n = rng.choice([0, 1, 1, 2, 3]) if depth < 5 else 0
        items = [_gen(rng, node.item, depth + 1, wrong) for _ in range(n)]
        if items and rng.random() < 0.1:
            items.append(items[0])  # duplicates
        return items
    if kind == "map":
        if node.item is None:
            return {rand_text(rng, long=False): rand_json(rng, 1) for _ in range(rng.randrange(4))}
        return {
            rng.choice(["gpt4", "claude", "a.b", "x[0]", ""]): _gen(
                rng, node.item, depth + 1, wrong
            )
            for _ in range(rng.randrange(4))
        }
    if kind == "json":
        return rand_json(rng, 1)
    if kind == "struct":
        assert node.cls is not None
        if depth > 6:
            return None if node.nullable else {}
        return _gen_struct(rng, node.cls, depth + 1, wrong)
    if kind == "union":
        return _gen(rng, rng.choice(node.options), depth, wrong)
    if kind == "record":
        return {
            k.name: _gen(rng, k.node, depth + 1, wrong)
            for k in node.keys
            if k.required or rng.random() < 0.5
        }
    return rand_json(rng)


# -- YAML and TOML writers ----------------------------------------------------------

_YAML_ISMS = [
    "off", "on", "yes", "no", "Yes", "NO", "y", "n", "0123", "0o17", "0x1F", "1_000", "0b11",
    ".inf", "-.inf", ".nan", ".NaN", "1e400", "-1e400", "~", "Null", "NULL", "", "1.10",
    "2024-01-01", "2024-03-15T09:30:00Z", "12:30:00", "=", "<<", "!", "'", '"', "- x", "? x",
    "9" * 5000, "+12", "1e3", ".5", "TRUE", "True", "False",
]  # fmt: skip
_YAML_TAGS = [
    "!!python/object/apply:os.system", "!!python/name:os.system", "!!python/object:os.x",
    "!custom", "!!str", "!!int", "!!float", "!!bool", "!!null", "!!binary", "!!set", "!!omap",
    "!!timestamp", "!<tag:yaml.org,2002:str>", "!<tag:example.com,2000:x>", "!", "!!map", "!!seq",
]  # fmt: skip
_YAML_EXTRAS = [
    "%YAML 1.1\n---\n", "---\n", "%TAG ! tag:example.com,2000:\n---\n", "\ufeff",
    "--- !!python/object/apply:os.system ['true']\n",
]  # fmt: skip
_BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{b}: &{b} [{', '.join([f'*{a}'] * 10)}]\n" for a, b in zip("abcde", "bcdef", strict=True)
)  # a billion laughs: f expands to a million values


def _yaml_scalar(rng: random.Random, value: Any) -> str:
    if rng.random() < 0.03:
        return rng.choice(_YAML_ISMS)
    if rng.random() < 0.02:
        return f"{rng.choice(_YAML_TAGS)} {json.dumps(rand_text(rng, long=False))}"
    if value is None:
        return rng.choice(["null", "~", "", "Null"])
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value) if isinstance(value, float) else _int_text(value)
    text = str(value)
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_ .-]*", text) and rng.random() < 0.7:
        return text
    return json.dumps(text, ensure_ascii=rng.random() < 0.5)


def dump_yaml(rng: random.Random, data: Any) -> bytes:
    """``data`` as YAML (block style mostly), with YAML's own oddities sprinkled in."""
    if rng.random() < 0.15:
        text = _flow(data)  # flow style: JSON is YAML
    else:
        lines: list[str] = []
        _emit_yaml(rng, data, 0, lines, [])
        text = "\n".join(lines) + "\n"
    r = rng.random()
    if r < 0.05:
        text = rng.choice(_YAML_EXTRAS) + text
    elif r < 0.08:
        text += "---\nsecond: document\n"
    elif r < 0.11:
        text = _BOMB + text if rng.random() < 0.5 else text + "\n" + _BOMB
    elif r < 0.14:
        n = _depth(rng)
        text += rng.choice(
            ["deep: " + "[" * n + "]" * n, "deep: " + "- " * n + "x", "x: " + "[" * n]
        )
    elif r < 0.17 and ":" in text:
        text = text + text.split("\n", 1)[0] + "\n"  # a duplicate key
    elif r < 0.2:
        text = "base: &base {id: x, profile: p}\nmerged:\n  <<: *base\n  id: y\n" + text
    return text.encode("utf-8", "surrogatepass")


def _emit_yaml(
    rng: random.Random, value: Any, depth: int, lines: list[str], anchors: list[str]
) -> None:
    """Block-style YAML lines for ``value``; deeper than 30 levels, flow style."""
    pad = "  " * depth
    if isinstance(value, dict) and value and depth < 30:
        for key, sub in value.items():
            name = _yaml_key(rng, key)
            if isinstance(sub, (dict, list)) and sub and depth < 29:
                lines.append(f"{pad}{name}:")
                _emit_yaml(rng, sub, depth + 1, lines, anchors)
            else:
                lines.append(f"{pad}{name}: {_yaml_inline(rng, sub, anchors)}")
    elif isinstance(value, list) and value and depth < 30:
        for sub in value:
            if isinstance(sub, (dict, list)) and sub and depth < 29:
                lines.append(f"{pad}-")
                _emit_yaml(rng, sub, depth + 1, lines, anchors)
            else:
                lines.append(f"{pad}- {_yaml_inline(rng, sub, anchors)}")
    else:
        lines.append(pad + _yaml_inline(rng, value, anchors))


def _yaml_inline(rng: random.Random, value: Any, anchors: list[str]) -> str:
    if isinstance(value, (dict, list)):
        return _flow(value)
    scalar = _yaml_scalar(rng, value)
    r = rng.random()
    if r < 0.02:
        anchors.append(f"a{len(anchors)}")
        return f"&{anchors[-1]} {scalar}"
    if r < 0.04 and anchors:
        return f"*{rng.choice(anchors)}"
    return scalar


def _scalar_json(item: Any) -> str:
    if isinstance(item, int) and not isinstance(item, bool):
        return _int_text(item)
    try:
        return json.dumps(item)
    except (TypeError, ValueError):
        return json.dumps(repr(item))


def _int_text(value: int) -> str:
    """Decimal digits of ``value``, or a run of 9s as long when Python refuses to write it."""
    try:
        return str(value)
    except ValueError:  # more than 4300 digits
        return ("-" if value < 0 else "") + "9" * int(value.bit_length() * 0.30103)


def _flow(value: Any) -> str:
    """JSON text of ``value`` (also YAML flow style), however deep."""
    return encode_deep(value).decode("utf-8", "surrogatepass")


def encode_deep(value: Any) -> bytes:
    """JSON of plain data without recursion (NaN as ``NaN``; anything else by its repr)."""
    out: list[str] = []
    stack: list[Any] = [value]
    close = object()
    while stack:
        item = stack.pop()
        if item is close:
            out.append(stack.pop())
        elif isinstance(item, tuple) and len(item) == 2 and item[0] is close:
            out.append(item[1])
        elif isinstance(item, dict):
            stack.extend(["}", close])
            pairs = list(item.items())
            for i, (k, v) in enumerate(reversed(pairs)):
                stack.append(v)
                sep = "" if i == len(pairs) - 1 else ","
                stack.append((close, sep + json.dumps(str(k)) + ":"))
            out.append("{")
        elif isinstance(item, (list, tuple)):
            stack.extend(["]", close])
            for i, v in enumerate(reversed(item)):
                stack.append(v)
                if i != len(item) - 1:
                    stack.append((close, ","))
            out.append("[")
        else:
            out.append(_scalar_json(item))
    return "".join(out).encode("utf-8", "surrogatepass")


def _yaml_key(rng: random.Random, key: Any) -> str:
    text = str(key)
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", text) and rng.random() < 0.95:
        return text
    return json.dumps(text)


_TOML_ODDITIES = [
    "x = inf", "x = -inf", "x = nan", "x = +nan", "x = 1e400", "x = " + "9" * 4301,
    "x = 1_000", "x = 0x1F", "x = 0o17", "x = 0b11", "x = 2024-03-15T09:30:00",
    "x = 2024-03-15", "x = 09:30:00", "x = 2024-03-15T09:30:00+02:00", "x = '''\nmulti\n'''",
    'x = """\\u0000\\U0001F600"""', 'x = "\\ud800"', "[x]\n[x]", "x = 1\nx = 2", "[[x]]\n[x]",
    "x = {a = 1}\n[x.b]", 'x."y".z = 1', "x = [1, 'a', {b = 2}]",
]  # fmt: skip


def dump_toml(rng: random.Random, data: Any) -> bytes:
    """``data`` as TOML (nulls dropped), with deep nesting and TOML oddities sprinkled in."""
    import tomli_w

    try:
        text = tomli_w.dumps(_drop_nulls(data) if isinstance(data, dict) else {"value": data})
    except (TypeError, ValueError, OverflowError, RecursionError):
        text = "id = 'x'\n"
    r = rng.random()
    if r < 0.15:
        text = rng.choice(_TOML_ODDITIES) + "\n" + text
    elif r < 0.3:
        n = _depth(rng)
        text = (
            rng.choice(
                [
                    "deep = " + "[" * n + "]" * n,
                    "deep = " + "{a = " * n + "1" + "}" * n,
                    ".".join(["k"] * n) + " = 1",
                    "[" + ".".join(["t"] * n) + "]",
                    "deep = " + "[" * n,
                ]
            )
            + "\n"
            + text
        )
    return text.encode("utf-8", "surrogatepass")


def _drop_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_nulls(v) for v in value if v is not None]
    return value


# -- the checks ---------------------------------------------------------------------


@dataclasses.dataclass
class Violation:
    """One broken invariant."""

    invariant: str
    detail: str
    trace: str = ""

    def kind(self) -> str:
        """A short, stable name for this kind of violation (inputs are grouped by it)."""
        text = _TYPE_NAME.sub("T", self.detail)
        text = re.sub(r"'[^']*'|\"[^\"]*\"|\d+|(?:[\w.]+\[?\d*\]?){8,}", "_", text)[:80]
        digest = hashlib.sha1(f"{self.invariant}|{text}".encode()).hexdigest()[:8]
        return f"{self.invariant}-{digest}"


_TYPE_NAME = re.compile("|".join(re.escape(n) for n in sorted(TYPE_NAMES, key=len, reverse=True)))


class _Hang(BaseException):
    """An input ran past `HANG_LIMIT`."""


def _equal(a: Any, b: Any) -> bool:
    """``a == b``, also for values nested deeper than any stack allows.

    Python compares nested lists and dicts recursively, so two equal objects the
    library read and wrote at some 990 levels can be too deep to compare from
    inside this driver, or at all; the comparison is then made without
    recursion (`_equal_by_walking`).
    """
    try:
        return bool(operator.eq(a, b))
    except RecursionError:
        return _equal_by_walking(a, b)


def _equal_by_walking(a: Any, b: Any) -> bool:
    """``a == b`` for plain data and IR objects, with a stack of pairs instead of recursion."""
    pairs = [(a, b)]
    while pairs:
        x, y = pairs.pop()
        if x is y:
            continue
        if isinstance(x, msgspec.Struct) or isinstance(y, msgspec.Struct):
            if type(x) is not type(y):
                return False
            pairs.extend((getattr(x, name), getattr(y, name)) for name in type(x).__struct_fields__)
        elif isinstance(x, dict) and isinstance(y, dict):
            if x.keys() != y.keys():
                return False
            pairs.extend((x[key], y[key]) for key in x)
        elif isinstance(x, (list, tuple)) and isinstance(y, (list, tuple)):
            if type(x) is not type(y) or len(x) != len(y):
                return False
            pairs.extend(zip(x, y, strict=True))
        elif isinstance(x, (dict, list, tuple)) or isinstance(y, (dict, list, tuple)) or x != y:
            return False
    return True


class _Checker:
    """Runs one case through everything, collecting violations."""

    def __init__(self, case: Case) -> None:
        self.case = case
        self.violations: list[Violation] = []
        self.checked: list[Any] = []

    def fail(self, invariant: str, detail: str, exc: BaseException | None = None) -> None:
        trace = "".join(traceback.format_exception(exc)) if exc is not None else ""
        self.violations.append(Violation(invariant, detail, trace[-6000:]))

    def call(
        self,
        what: str,
        fn: Callable[..., Any],
        *args: Any,
        allowed: tuple[type[BaseException], ...] = (),
        **kw: Any,
    ) -> tuple[Any, BaseException | None, bool]:
        """``(result, allowed exception, ok)``; anything not allowed is a violation."""
        try:
            return fn(*args, **kw), None, True
        except allowed as exc:
            if isinstance(exc, ir.IRError) and (
                not exc.errors or not all(isinstance(i, Issue) and i.message for i in exc.errors)
            ):
                self.fail("error-without-issues", f"{what}: {type(exc).__name__} with no issues")
            return None, exc, False
        except _Hang:
            raise
        except Exception as exc:
            self.fail("exception", f"{what} raised {type(exc).__name__}: {exc}"[:300], exc)
            return None, exc, False

    # -- objects ------------------------------------------------------------------
    def check_object(self, obj: Any, cls: type[IRStruct], where: str) -> None:
        """Every invariant of a decoded object."""
        for seen in self.checked:
            try:
                if seen is obj or (type(seen) is type(obj) and _equal(seen, obj)):
                    return
            except RecursionError:
                break
        self.checked.append(obj)
        if type(obj) is not cls:
            self.fail("wrong-type", f"{where}: got {type(obj).__name__} for {cls.__ir_type__}")
            return
        issues, _, ok = self.call(f"errors({where})", ir.errors, obj)
        if ok:
            if not isinstance(issues, list) or not all(isinstance(i, Issue) for i in issues):
                self.fail("errors-type", f"errors({where}) returned {type(issues).__name__}")
            valid, _, ok = self.call(f"is_valid({where})", ir.is_valid, obj)
            if ok and valid != (not issues):
                self.fail("verdict", f"is_valid({where}) is {valid} but errors() has {len(issues)}")
            fresh = msgspec.structs.replace(obj)
            again, _, ok = self.call(f"errors(copy of {where})", ir.errors, fresh)
            if ok and _issue_keys(again) != _issue_keys(issues):
                self.fail(
                    "verdict-origin",
                    f"{where}: errors() of an equal copy differs: "
                    f"{_issue_keys(issues)[:3]} vs {_issue_keys(again)[:3]}",
                )
        text, _, ok = self.call(f"to_json({where})", ir.to_json, obj)
        if ok:
            back, _, ok = self.call(f"from_json(to_json({where}))", ir.from_json, text, cls)
            if ok and not _equal(back, obj):
                self.fail("roundtrip-json", f"{where}: from_json(to_json(x)) != x")
            if ok:
                again, _, ok = self.call("to_json(back)", ir.to_json, back)
                if ok and again != text:
                    self.fail("reencode", f"{where}: to_json(from_json(to_json(x))) changed")
            back, _, ok = self.call(
                f"from_json(to_json({where}), strict)", ir.from_json, text, cls, strict=True
            )
            if ok and not _equal(back, obj):
                self.fail("roundtrip-json-strict", f"{where}: strict from_json(to_json(x)) != x")
        data, _, ok = self.call(f"to_dict({where})", ir.to_dict, obj)
        if ok:
            back, _, ok = self.call(f"from_dict(to_dict({where}))", ir.from_dict, data, cls)
            if ok and not _equal(back, obj):
                self.fail("roundtrip-dict", f"{where}: from_dict(to_dict(x)) != x")
        self.call(f"fingerprint({where})", ir.fingerprint, obj)
        canon, _, ok = self.call(f"canonical_json({where})", canonical_json, obj)
        if ok:
            back, _, ok = self.call(f"from_json(canonical({where}))", ir.from_json, canon, cls)
            if ok and not _equal(back, obj):
                self.fail("roundtrip-canonical", f"{where}: canonical JSON does not decode to x")

    # -- decoding -------------------------------------------------------------------
    def decode_both(
        self, what: str, decode: Callable[..., Any], data: Any, cls: type[IRStruct]
    ) -> tuple[Any, bool, Any, bool]:
        """``decode(data, cls)`` lax and strict, DecodeError allowed: (lax, ok, strict, ok)."""
        lax, _, lax_ok = self.call(f"{what})", decode, data, cls, allowed=(DecodeError,))
        strict, _, strict_ok = self.call(
            f"{what}, strict)", decode, data, cls, strict=True, allowed=(DecodeError,)
        )
        return lax, lax_ok, strict, strict_ok

    def decode_bytes(self, data: bytes, classes: list[type[IRStruct]], parsed: Any) -> None:
        for cls in classes:
            name = cls.__ir_type__
            lax, lax_ok, strict, strict_ok = self.decode_both(
                f"from_json(bytes, {name}", ir.from_json, data, cls
            )
            if lax_ok:
                self.check_object(lax, cls, f"from_json({name})")
            if strict_ok:
                self.check_object(strict, cls, f"from_json({name}, strict)")
                if not lax_ok or not _equal(lax, strict):
                    self.fail(
                        "strict-lax",
                        f"{name}: strict decoding succeeds, lax "
                        + ("differs" if lax_ok else "fails"),
                    )
            if parsed is _NO_DATA:
                if lax_ok:
                    self.fail("json-dict", f"{name}: from_json decodes text msgspec cannot parse")
                continue
            if not within_depth(data):  # the limit is the text's: a repeated key may drop
                if lax_ok or strict_ok:  # the deep part from the data, not from the text
                    self.fail("depth", f"{name}: from_json decodes text nested past MAX_DEPTH")
                continue
            dlax, dlax_ok, dstrict, dstrict_ok = self.decode_both(
                f"from_dict(parsed, {name}", ir.from_dict, parsed, cls
            )
            if dlax_ok:
                self.check_object(dlax, cls, f"from_dict({name})")
            if dstrict_ok:
                self.check_object(dstrict, cls, f"from_dict({name}, strict)")
            if lax_ok != dlax_ok or (lax_ok and not _equal(lax, dlax)):
                self.fail(
                    "json-dict",
                    f"{name}: from_json {'decodes' if lax_ok else 'fails'} but from_dict of the "
                    f"parsed text {'decodes' if dlax_ok else 'fails'}"
                    + (" (different objects)" if lax_ok and dlax_ok else ""),
                )
            if strict_ok != dstrict_ok:
                self.fail(
                    "json-dict-strict",
                    f"{name}: strict from_json {'decodes' if strict_ok else 'fails'} but strict "
                    f"from_dict {'decodes' if dstrict_ok else 'fails'}",
                )

    def decode_python(self, data: Any, classes: list[type[IRStruct]]) -> None:
        for cls in classes:
            name = cls.__ir_type__
            for strict in (False, True):
                obj, _, ok = self.call(
                    f"from_dict(python data, {name}, strict={strict})",
                    ir.from_dict,
                    data,
                    cls,
                    strict=strict,
                    allowed=(DecodeError,),
                )
                if ok:
                    self.check_object(obj, cls, f"from_dict(python data, {name})")

    def jsonl(self, data: bytes, cls: type[IRStruct]) -> None:
        def scan() -> list[Any]:
            return list(scan_jsonl(data, cls))

        items, _, ok = self.call(f"scan_jsonl({cls.__ir_type__})", scan)
        if not ok:
            return
        for item in items[:2]:
            if isinstance(item, BadRecord):
                if not item.issues:
                    self.fail("error-without-issues", "scan_jsonl: a bad record with no issues")
            else:
                self.check_object(item, cls, "scan_jsonl")

    def reader(
        self, name: str, load: Callable[[bytes], Any], data: bytes, classes: list[type[IRStruct]]
    ) -> Any:
        doc, exc, ok = self.call(name, load, data, allowed=(SourceError,))
        if exc is not None and isinstance(exc, SourceError):
            if exc.line < 1 or exc.column < 1 or not exc.message or "\n" in exc.message:
                self.fail("source-error", f"{name}: unclear SourceError {exc!s:.100}")
            return None
        if not ok:
            return None
        for cls in classes:
            strict = random.Random(self.case.cli_seed).random() < 0.5
            result, _, ok = self.call(
                f"decode_located({name}, {cls.__ir_type__})",
                decode_located,
                doc,
                cls,
                "<fuzz>",
                strict=strict,
            )
            if not ok:
                continue
            obj, problems, _ = result
            for p in problems:
                if p.line < 1 or p.column < 1:
                    self.fail("position", f"{name}: problem placed at {p.line}:{p.column}")
                    break
            if obj is not None:
                self.check_object(obj, cls, f"{name} -> decode_located")
        return doc


def _issue_keys(issues: list[Issue]) -> list[tuple[str, str]]:
    return sorted((i.path, str(i.code)) for i in issues)


def _parse(data: bytes) -> Any:
    """msgspec's reading of the text."""
    try:
        return msgspec.json.decode(data)
    except (msgspec.DecodeError, RecursionError, UnicodeError):
        return _NO_DATA


def check_case(case: Case) -> list[Violation]:
    """Run ``case`` through every check; the violations found (empty when all hold)."""
    checker = _Checker(case)
    classes: list[type[IRStruct]] = [resolve_type(case.type_name)]
    if case.other_type != case.type_name:
        classes.append(resolve_type(case.other_type))
    data = case.data
    parsed = _parse(data)
    checker.decode_bytes(data, classes, parsed)
    if case.pydata is not _NO_DATA:
        checker.decode_python(case.pydata, classes)
    if case.run_jsonl:
        checker.jsonl(data, classes[0])
    # The readers' documents are decoded (with positions) as the input's own type; as
    # the other type too for YAML and TOML inputs (JSON ones got that from from_json).
    own = classes[:1] if case.fmt == "json" else classes
    doc = checker.reader("load_json", load_json, data, own)
    if doc is not None and parsed is not _NO_DATA and not _equal(doc.data, parsed):
        checker.fail("reader", "load_json and msgspec read different data")
    checker.reader("load_toml", load_toml, data, own if case.fmt == "toml" else classes[:1])
    if case.run_yaml:
        checker.reader("load_yaml", load_yaml, data, own if case.fmt == "yaml" else classes[:1])
    if case.run_cli:
        _check_cli(checker, case)
    return checker.violations


# -- the command line ---------------------------------------------------------------

_PROBLEM_LINE = re.compile(r"^.+:\d+:\d+: .+: .+$")


def _check_cli(checker: _Checker, case: Case) -> None:
    rng = random.Random(case.cli_seed)
    with tempfile.TemporaryDirectory(prefix="crucible-fuzz-") as tmp:
        fmt = case.fmt
        if fmt == "json" and rng.random() < 0.1:
            fmt = "jsonl"
        path = os.path.join(tmp, f"input.{fmt}")
        with open(path, "wb") as handle:
            handle.write(case.data)
        t = case.type_name if fmt != "jsonl" else rng.choice([case.type_name, "feedback.event"])
        command = rng.choice(["validate", "validate", "fmt", "convert", "show", "hash", "diff"])
        target = None
        if command == "validate":
            argv = ["validate", "--type", t, path]
            argv += rng.choice([[], ["--strict"], ["--format", "json"]])
        elif command == "fmt":
            mode = rng.choice([[], ["--check"], ["--in-place"]]) if fmt == "json" else []
            argv = ["fmt", "--type", t, path, *mode]
            target = path if mode == ["--in-place"] else None
        elif command == "convert":
            target = os.path.join(tmp, "out." + rng.choice(["json", "yaml", "toml"]))
            argv = ["convert", "--type", t, path, "--to", rng.choice(["json", "yaml", "toml"])]
            argv += ["-o", target] if rng.random() < 0.5 else []
            argv += ["--full"] if rng.random() < 0.3 else []
            target = target if "-o" in argv else None
        elif command == "diff":
            golden = _golden_by_type().get(t)
            other = os.path.join(tmp, "other.json")
            with open(other, "wb") as handle:
                handle.write(golden[0] if golden else b"{}")
            argv = ["diff", "--type", t, other, path]
        else:
            argv = [command, "--type", t, path]
        before = None if target is None or not os.path.exists(target) else _read(target)
        out, err = io.StringIO(), io.StringIO()
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = cli_main(argv)
        except SystemExit as exc:  # argparse
            code = exc.code if isinstance(exc.code, int) else 2
        except _Hang:
            raise
        except Exception as exc:
            checker.fail(
                "cli-traceback",
                f"crucible-ir {command} raised {type(exc).__name__}: {exc}"[:300],
                exc,
            )
            return
        text = out.getvalue() + err.getvalue()
        where = f"crucible-ir {' '.join(argv[:1])}"
        if code not in (0, 1, 2):
            last = (err.getvalue().strip().splitlines() or [""])[-1]
            checker.fail("cli-exit", f"{where} exited {code}: {last}"[:300])
        if "Traceback" in text:
            checker.fail("cli-traceback", f"{where} printed a traceback")
        if command == "validate" and "--format" not in argv:
            for line in out.getvalue().splitlines():
                if not _PROBLEM_LINE.match(line):
                    checker.fail("cli-line", f"{where}: not a FILE:LINE:COL: PATH: MESSAGE line")
                    break
        if target is not None and code != 0:
            after = None if not os.path.exists(target) else _read(target)
            if after != before:
                checker.fail("cli-lost", f"{where} failed but changed its target")
        stray = [n for n in os.listdir(tmp) if n.endswith(".tmp")]
        if stray:
            checker.fail("cli-stray", f"{where} left temporary files behind")


def _read(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


# -- running ----------------------------------------------------------------------


@dataclasses.dataclass
class Summary:
    """What a run found."""

    seed: int = 0
    inputs: int = 0
    by_generator: Counter[str] = dataclasses.field(default_factory=Counter)
    readers: Counter[str] = dataclasses.field(default_factory=Counter)
    seconds: float = 0.0
    max_time: float = 0.0
    slowest: str = ""
    failures: int = 0
    by_kind: Counter[str] = dataclasses.field(default_factory=Counter)
    examples: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    done_below: int = 0
    """Every input with a smaller index has run (resume from here)."""

    def merge(self, other: Summary) -> None:
        """Add a chunk's figures."""
        self.inputs += other.inputs
        self.by_generator.update(other.by_generator)
        self.readers.update(other.readers)
        if other.max_time > self.max_time:
            self.max_time, self.slowest = other.max_time, other.slowest
        self.failures += other.failures
        self.by_kind.update(other.by_kind)

    def report(self) -> str:
        """The summary, for people."""
        rate = self.inputs / self.seconds if self.seconds else 0.0
        lines = [
            f"inputs run:        {self.inputs:,} (seed {self.seed})",
            "by generator:      "
            + ", ".join(f"{k} {v:,}" for k, v in sorted(self.by_generator.items())),
            "through readers:   "
            + ", ".join(f"{k} {v:,}" for k, v in sorted(self.readers.items())),
            f"time:              {self.seconds:,.0f} s, {rate:,.0f} inputs/s",
            f"max time/input:    {self.max_time * 1000:,.1f} ms ({self.slowest})",
            f"failures:          {self.failures:,} inputs, {len(self.by_kind)} kinds",
        ]
        for kind, count in self.by_kind.most_common():
            example = self.examples.get(kind, {})
            lines.append(f"  {kind}: {count:,}  e.g. {example.get('detail', '')[:150]}")
            if example.get("file"):
                lines.append(f"      saved: {example['file']}")
        return "\n".join(lines)


def _on_alarm(signum: int, frame: Any) -> None:
    raise _Hang


def _timed(case: Case) -> tuple[float, list[Violation], float]:
    """Run ``case``: (wall-clock seconds, violations, CPU seconds of this process).

    The process's, not the thread's: the library reads and writes deep
    documents on a fresh thread's stack, and that time counts too.
    """
    signal.setitimer(signal.ITIMER_REAL, HANG_LIMIT)
    start, cpu = time.perf_counter(), time.process_time()
    try:
        violations = check_case(case)
    except _Hang:
        violations = [Violation("hang", f"input ran for more than {HANG_LIMIT} s")]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return time.perf_counter() - start, violations, time.process_time() - cpu


def run_chunk(seed: int, start: int, stop: int) -> tuple[Summary, list[dict[str, Any]]]:
    """Run inputs ``start`` to ``stop - 1``: figures, and the failing inputs (a few per kind)."""
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    summary = Summary(seed=seed)
    saved: list[dict[str, Any]] = []
    kept: Counter[str] = Counter()
    try:
        for index in range(start, stop):
            try:
                case = make_case(seed, index)
            except MemoryError:  # the generator's own runaway: not the library's
                summary.by_generator["(generator ran out of memory)"] += 1
                continue
            elapsed, violations, cpu = _timed(case)
            if elapsed > TIME_LIMIT:  # work, or a busy machine? run it again
                again, _, cpu = _timed(case)
                elapsed = min(elapsed, again)
                if elapsed > TIME_LIMIT and cpu > TIME_LIMIT:
                    violations.append(
                        Violation("slow", f"{case.generator} input took {elapsed:.2f} s")
                    )
            summary.inputs += 1
            summary.by_generator[case.generator] += 1
            summary.readers["from_json"] += 1
            summary.readers["load_json"] += 1
            summary.readers["load_toml"] += 1
            summary.readers["load_yaml"] += case.run_yaml
            summary.readers["scan_jsonl"] += case.run_jsonl
            summary.readers["cli"] += case.run_cli
            if elapsed > summary.max_time:
                summary.max_time = elapsed
                summary.slowest = f"{case.generator} input {index}, {case.type_name}"
            if violations:
                summary.failures += 1
                for kind in {v.kind() for v in violations}:
                    summary.by_kind[kind] += 1
                    kept[kind] += 1
                    if kept[kind] <= SAVED_PER_KIND:
                        v = next(v for v in violations if v.kind() == kind)
                        saved.append(_record(case, v, elapsed))
    finally:
        signal.signal(signal.SIGALRM, previous)
    return summary, saved


def _record(case: Case, v: Violation, elapsed: float) -> dict[str, Any]:
    return {
        "kind": v.kind(),
        "invariant": v.invariant,
        "detail": v.detail,
        "traceback": v.trace,
        "seed": case.seed,
        "index": case.index,
        "generator": case.generator,
        "type": case.type_name,
        "other_type": case.other_type,
        "fmt": case.fmt,
        "ext": case.ext,
        "origin": case.origin,
        "seconds": round(elapsed, 4),
        "data": case.data,
    }


def _chunks(start: int, stop: int, size: int) -> Iterator[tuple[int, int]]:
    for lo in range(start, stop, size):
        yield lo, min(stop, lo + size)


def _limit_memory(megabytes: int) -> None:
    """Worker start-up: cap the address space, so a runaway input is a MemoryError."""
    if megabytes:
        import resource

        limit = megabytes << 20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def run(
    inputs: int,
    seed: int = 0,
    *,
    workers: int = 1,
    start: int = 0,
    failures_dir: Path | None = None,
    progress: Callable[[str], None] | None = None,
    chunk: int = 500,
    memory_mb: int = 4096,
) -> Summary:
    """Run inputs ``start`` to ``start + inputs - 1`` of ``seed``; save failures in a folder.

    Inputs run in chunks of ``chunk``. With more than one worker, each is limited
    to ``memory_mb`` of address space; a worker that dies (a crash in C code, say)
    is reported as a ``worker-crash`` violation for the chunk it was running, and
    the run goes on.
    """
    golden_files()
    summary = Summary(seed=seed, done_below=start)
    began = last = time.perf_counter()
    finished: set[int] = set()
    saved_per_kind: Counter[str] = Counter()
    jobs = list(_chunks(start, start + inputs, chunk))

    def take(lo: int, part: Summary, records: list[dict[str, Any]]) -> None:
        nonlocal last
        summary.merge(part)
        for record in records:
            kind = record["kind"]
            saved_per_kind[kind] += 1
            if saved_per_kind[kind] <= SAVED_PER_KIND:
                if failures_dir is not None:
                    record["file"] = str(_save(failures_dir, record))
                summary.examples.setdefault(kind, record)
        finished.add(lo)
        while summary.done_below in finished:
            summary.done_below = min(summary.done_below + chunk, start + inputs)
        now = time.perf_counter()
        if progress is not None and now - last > 30:
            last = now
            rate = summary.inputs / (now - began)
            progress(
                f"{summary.inputs:,}/{inputs:,} inputs, {rate:,.0f}/s, "
                f"max {summary.max_time * 1000:,.0f} ms/input, {summary.failures:,} failing "
                f"({len(summary.by_kind)} kinds); all below {summary.done_below:,} done "
                f"(resume: --start {summary.done_below})"
            )

    if workers <= 1:
        for lo, hi in jobs:
            take(lo, *run_chunk(seed, lo, hi))
    else:
        _run_pool(seed, jobs, workers, memory_mb, take)
    summary.seconds = time.perf_counter() - began
    if failures_dir is not None:
        failures_dir.mkdir(parents=True, exist_ok=True)
        (failures_dir / f"summary-seed{seed}-start{start}.txt").write_text(summary.report() + "\n")
    return summary


def _run_pool(
    seed: int,
    jobs: list[tuple[int, int]],
    workers: int,
    memory_mb: int,
    take: Callable[[int, Summary, list[dict[str, Any]]], None],
) -> None:
    """Run the chunks on a process pool; a chunk whose worker dies is retried alone, once."""
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context("fork")
    queue = list(reversed(jobs))
    suspects: list[tuple[int, int]] = []
    while queue or suspects:
        alone = not queue
        todo = [suspects.pop()] if alone else queue
        with ProcessPoolExecutor(
            1 if alone else workers,
            mp_context=context,
            initializer=_limit_memory,
            initargs=(memory_mb,),
        ) as pool:
            running: dict[Any, tuple[int, int]] = {}
            lost: list[tuple[int, int]] = []
            while (todo or running) and not lost:
                while todo and len(running) < 2 * workers:
                    lo, hi = todo.pop()
                    running[pool.submit(run_chunk, seed, lo, hi)] = (lo, hi)
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    lo, hi = running.pop(future)
                    try:
                        result = future.result()
                    except BrokenProcessPool:
                        lost.append((lo, hi))
                    else:
                        take(lo, *result)
            lost.extend(running.values())  # the pool is broken: these are lost too
        if alone and lost:  # it dies on its own: report it
            take(lost[0][0], *_crashed(seed, *lost[0]))
        else:
            suspects.extend(lost)


def _crashed(seed: int, lo: int, hi: int) -> tuple[Summary, list[dict[str, Any]]]:
    part = Summary(seed=seed, inputs=hi - lo, failures=1)
    v = Violation("worker-crash", f"a worker died running inputs {lo} to {hi - 1}")
    part.by_kind[v.kind()] += 1
    case = Case(seed, lo, "chunk", "experiment", "experiment", "json", b"")
    return part, [_record(case, v, 0.0)]


def _save(folder: Path, record: dict[str, Any]) -> Path:
    """Write ``<kind>_<seed>_<index>.input.<ext>`` and its ``.meta.json``; the input's path."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{record['kind']}_{record['seed']}_{record['index']}"
    data_path = folder / f"{stem}.input.{record['ext']}"
    data_path.write_bytes(record["data"])
    meta = {k: v for k, v in record.items() if k != "data"}
    meta["input"] = data_path.name
    (folder / f"{stem}.meta.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n")
    return data_path


# -- atheris ----------------------------------------------------------------------


def run_atheris(argv: list[str], failures_dir: Path) -> None:
    """Coverage-guided fuzzing with atheris (libFuzzer), the same checks on every input."""
    import atheris  # type: ignore[import-untyped, import-not-found, unused-ignore]  # optional

    atheris.instrument_all()
    counts: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    slowest = [0.0]
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    del previous

    def one(raw: bytes) -> None:
        fdp = atheris.FuzzedDataProvider(raw)
        type_name = TYPE_NAMES[fdp.ConsumeIntInRange(0, len(TYPE_NAMES) - 1)]
        other = TYPE_NAMES[fdp.ConsumeIntInRange(0, len(TYPE_NAMES) - 1)]
        fmt = ("json", "json", "yaml", "toml")[fdp.ConsumeIntInRange(0, 3)]
        data = fdp.ConsumeBytes(fdp.remaining_bytes())
        case = Case(0, counts["inputs"], "atheris", type_name, other, fmt, data, run_yaml=True)
        elapsed, violations, _ = _timed(case)
        counts["inputs"] += 1
        slowest[0] = max(slowest[0], elapsed)
        if elapsed > TIME_LIMIT:
            violations.append(Violation("slow", f"atheris input took {elapsed:.2f} s"))
        for v in violations:
            kinds[v.kind()] += 1
            if kinds[v.kind()] <= SAVED_PER_KIND:
                _save(failures_dir, _record(case, v, elapsed))
        if counts["inputs"] % 10_000 == 0 or violations:
            report()  # libFuzzer ends the process without running atexit hooks

    def report() -> None:
        line = (
            f"atheris: {counts['inputs']:,} inputs, max {slowest[0] * 1000:,.1f} ms/input, "
            f"{sum(kinds.values())} violations: {dict(kinds)}"
        )
        print(line, file=sys.stderr, flush=True)
        failures_dir.mkdir(parents=True, exist_ok=True)
        (failures_dir / "atheris-summary.txt").write_text(line + "\n")

    corpus = Path(tempfile.mkdtemp(prefix="crucible-atheris-"))
    for i, (type_name, data, _) in enumerate(golden_files()):
        prefix = bytes([TYPE_NAMES.index(type_name), TYPE_NAMES.index(type_name), 0])
        (corpus / f"seed{i}").write_bytes(prefix + data)
    atheris.Setup([sys.argv[0], *argv, str(corpus)], one)
    atheris.Fuzz()


# -- the command ------------------------------------------------------------------


def _replay(path: Path) -> int:
    """Re-run a saved failure (its ``.meta.json``) or any file (as an experiment)."""
    if path.name.endswith(".meta.json"):
        meta = json.loads(path.read_text())
        data = (path.parent / meta["input"]).read_bytes()
        case = make_case(meta["seed"], meta["index"]) if meta["generator"] != "atheris" else None
        if case is None or case.data != data:
            case = Case(
                0, 0, meta["generator"], meta["type"], meta["other_type"], meta["fmt"], data,
                run_yaml=True, run_cli=True,
            )  # fmt: skip
        case.run_yaml = case.run_jsonl = case.run_cli = True
    else:
        data = path.read_bytes()
        fmt = {".yaml": "yaml", ".yml": "yaml", ".toml": "toml"}.get(path.suffix, "json")
        case = Case(0, 0, "file", "experiment", "experiment", fmt, data, run_yaml=True)
        case.run_jsonl = case.run_cli = True
    return _show(case)


def _show(case: Case) -> int:
    elapsed, violations, _ = _timed(case)
    print(f"{case.generator} input {case.index} of seed {case.seed}: {case.type_name}, "
          f"{len(case.data):,} bytes, {elapsed * 1000:.1f} ms")  # fmt: skip
    for v in violations:
        print(f"- {v.kind()}: {v.detail}")
        if v.trace:
            print(v.trace)
    return 1 if violations else 0


def main(argv: list[str] | None = None) -> int:
    """The command line of this script."""
    parser = argparse.ArgumentParser(
        description="Fuzz crucible-ir with hostile input (see the module docstring)."
    )
    parser.add_argument("--inputs", type=int, default=100_000, help="inputs to run")
    parser.add_argument("--seed", type=int, default=0, help="run seed (default 0)")
    parser.add_argument("--start", type=int, default=0, help="first input index (to resume)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--failures", type=Path, default=REPO / "fuzz-failures")
    parser.add_argument("--index", type=int, help="run only input INDEX of --seed, verbosely")
    parser.add_argument(
        "--replay", type=Path, help="re-run a saved failure (.meta.json) or any file"
    )
    parser.add_argument(
        "--cli-every", type=int, default=SETTINGS.cli_every, help="run the CLI on 1 input in N"
    )
    parser.add_argument(
        "--memory-mb", type=int, default=4096, help="address space per worker (0: no limit)"
    )
    parser.add_argument("--atheris", action="store_true", help="coverage-guided, with atheris")
    parser.add_argument("libfuzzer", nargs="*", help="libFuzzer options after --, for --atheris")
    args = parser.parse_args(argv)
    if args.atheris:
        run_atheris(args.libfuzzer, args.failures)
        return 0
    if args.replay is not None:
        return _replay(args.replay)
    if args.index is not None:
        previous = signal.signal(signal.SIGALRM, _on_alarm)
        try:
            return _show(make_case(args.seed, args.index))
        finally:
            signal.signal(signal.SIGALRM, previous)
    print(
        f"fuzzing {args.inputs:,} inputs from index {args.start:,}, seed {args.seed}, "
        f"{args.workers} worker(s); failures go to {args.failures}",
        flush=True,
    )
    SETTINGS.cli_every = args.cli_every
    summary = run(
        args.inputs,
        args.seed,
        workers=args.workers,
        start=args.start,
        failures_dir=args.failures,
        progress=lambda line: print(line, flush=True),
        memory_mb=args.memory_mb,
    )
    print(summary.report(), flush=True)
    return 1 if summary.failures else 0


if __name__ == "__main__":
    sys.exit(main())
