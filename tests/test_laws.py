"""The soundness laws, for objects of every type, however they came to be, from any thread.

1. ``errors(x) == []`` implies that ``to_json(x)`` succeeds and that
   ``from_json(to_json(x), type(x)) == x``.
2. ``to_json`` writes only what reads back equal (never NaN or an infinity as
   null, never a moved instant, never what ``from_json`` refuses); what it cannot
   write faithfully, it refuses with a ``ValidationError`` naming where.
3. A verdict never outlives a change: change a list or map of an object in place,
   and ``errors`` and ``to_json`` see the change.
4. The two ways of checking agree: the quick one (msgspec writes the object and
   reads it back) and the checker's walk report the same problems.

Objects are constructed, decoded (``from_json``), read from plain data
(``from_dict``) or built (the builder), then changed in place at random.
"""

from __future__ import annotations

import datetime
import enum
import importlib.util
import pathlib
import sys
import threading
import zoneinfo
from collections.abc import Callable
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import crucible_ir as ir
from crucible_ir._checks._checker import check
from crucible_ir._checks._validate import encoding_problems

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import strategies


def _backend_strategies() -> Any:
    name = "crucible_ir_tests_backend_strategies"  # (as tests/backend loads it)
    if name not in sys.modules:
        path = pathlib.Path(__file__).parent / "backend" / "strategies.py"
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None
        assert spec.loader is not None
        sys.modules[name] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules[name])
    return sys.modules[name]


backend_strategies = _backend_strategies()

LAWS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

ALL_TYPES: dict[str, st.SearchStrategy[Any]] = {
    **strategies.STRATEGIES,
    **{cls.__ir_type__: s for cls, s in backend_strategies.STRATEGIES.items()},
}
AMSTERDAM_1900 = datetime.datetime(1900, 1, 1, tzinfo=zoneinfo.ZoneInfo("Europe/Amsterdam"))


class Text(str):
    """A ``str`` subclass, as ``numpy.str_`` is: msgspec does not write it."""

    __slots__ = ()


class Stamp(datetime.datetime):
    """A ``datetime`` subclass, as ``pandas.Timestamp`` is: msgspec does not write it."""


class Color(enum.Enum):
    RED = "red"  # a plain Enum member is written as "red", which does not read back equal


class Mode(str, enum.Enum):
    FAST = "fast"  # a str enum member is written as "fast", which reads back equal


def _cycle() -> dict[str, Any]:
    loop: dict[str, Any] = {}
    loop["a"] = loop
    loop["b"] = loop
    return loop


ODD_VALUES: list[Callable[[], Any]] = [
    lambda: float("nan"),
    lambda: float("inf"),
    lambda: -float("inf"),
    lambda: (1, 2),
    lambda: {1, 2},
    lambda: b"raw",
    lambda: "",
    lambda: None,
    lambda: "x",
    lambda: 3,
    lambda: 2.5,
    lambda: True,
    lambda: 10**5000,
    lambda: "\ud800",
    lambda: Text("numpy-like"),
    lambda: Stamp(2024, 1, 1, tzinfo=datetime.timezone.utc),
    lambda: AMSTERDAM_1900,
    lambda: datetime.datetime(2024, 1, 1),
    lambda: datetime.date(2024, 1, 1),
    lambda: Color.RED,
    lambda: Mode.FAST,
    lambda: {"k": [1, {"n": None}]},
    list,
    dict,
    lambda: {1: "x"},
    _cycle,
    lambda: ir.StageDef(name="s"),
    object,
]


def containers(obj: Any) -> list[list[Any] | dict[Any, Any]]:
    """Every list and map an object holds, at any depth (the object's own fields first)."""
    found: list[Any] = []
    seen: set[int] = set()
    todo = [obj]
    while todo:
        value = todo.pop()
        if id(value) in seen:
            continue
        seen.add(id(value))
        if isinstance(value, msgspec.Struct):
            todo.extend(getattr(value, name) for name in value.__struct_fields__)
        elif isinstance(value, (list, dict)):
            found.append(value)
            todo.extend(value.values() if isinstance(value, dict) else value)
    return found


def change_in_place(obj: Any, data: st.DataObject) -> None:
    """Change one of the lists or maps of ``obj`` in place, at random (when it has any)."""
    found = containers(obj)
    if not found:
        return
    target = data.draw(st.sampled_from(found), label="container")
    how = data.draw(st.sampled_from(["add", "clear", "replace"]), label="how")
    value = data.draw(st.sampled_from(ODD_VALUES), label="value")()
    if how == "clear":
        target.clear()
    elif isinstance(target, list):
        if how == "add" or not target:
            target.append(value)
        else:
            target[data.draw(st.integers(0, len(target) - 1))] = value
    else:
        keys = list(target)
        if how == "replace" and keys:
            target[data.draw(st.sampled_from(keys))] = value
        else:
            target[data.draw(st.sampled_from(["new", "a.b", "x[0]", ""]))] = value


def assert_laws(x: Any) -> None:
    """Every law, on one object as it is now."""
    issues = ir.errors(x)
    assert issues == check(x), "the quick check and the walk disagree"
    for issue in issues:
        assert issue.path == ir._errors.path_of(issue.loc)
    unwritable = check(x, writing=True)
    assert encoding_problems(x) == unwritable
    if unwritable:
        assert issues, "valid, yet not written"
        with pytest.raises(ir.ValidationError) as refused:
            ir.to_json(x)
        assert refused.value.errors == unwritable
        return
    text = ir.to_json(x)
    assert unwritable == [], "written, though the walk says it cannot be"
    back = ir.from_json(text, type(x))
    assert back == x, "written text reads back unequal"
    assert ir.to_json(back) == text
    if not issues:
        assert ir.errors(back) == []
        assert ir.from_dict(ir.to_dict(x), type(x)) == x


def origins(x: Any) -> list[Any]:
    """``x`` as constructed, decoded and read from plain data: three independent objects."""
    text = ir.to_json(x)
    return [
        msgspec.structs.replace(x),
        ir.from_json(text, type(x)),
        ir.from_dict(ir.to_dict(x), type(x)),
    ]


@pytest.mark.parametrize("type_name", sorted(ALL_TYPES))
def test_the_laws_hold_for_every_origin_and_after_changes_in_place(type_name: str) -> None:
    @LAWS
    @given(ALL_TYPES[type_name], st.data())
    def run(x: Any, data: st.DataObject) -> None:
        for obj in [x, *origins(x)]:
            assert_laws(obj)
        for obj in origins(x):
            change_in_place(obj, data)
            assert_laws(obj)

    run()


@LAWS
@given(strategies.experiments(), st.data())
def test_the_laws_hold_for_built_experiments(x: ir.Experiment, data: st.DataObject) -> None:
    builder = ir.experiment(x.id).with_backend(x.backend.id, options=x.backend.options)
    for stage in x.pipeline:
        builder = builder.add_stage(stage.name, module=stage.module, options=stage.options)
    if x.tags:
        builder = builder.with_tags(*x.tags)
    if x.metadata is not None:
        builder = builder.with_metadata(x.metadata)
    built = builder.draft()
    assert_laws(built)
    change_in_place(built, data)
    assert_laws(built)
    assert_laws(builder.draft())  # drafts share nothing with each other


# -- the bugs these laws were written for ----------------------------------------------------


def _experiment() -> ir.Experiment:
    return ir.from_json(
        '{"id": "e", "backend": {"id": "b"}, "pipeline": [{"name": "s"}], "tags": ["t"],'
        ' "metadata": {"m": {"n": 1}}}',
        "experiment",
    )


@pytest.mark.parametrize(
    "change",
    [
        lambda exp: exp.pipeline.clear(),
        lambda exp: exp.tags.append(""),
        lambda exp: exp.pipeline.append("x"),
        lambda exp: exp.metadata["m"].update(n=float("nan")),
        lambda exp: exp.metadata.update(t=(1, 2)),
    ],
    ids=["clear", "empty-tag", "not-a-stage", "nan", "tuple"],
)
def test_a_verdict_never_outlives_a_change(change: Callable[[ir.Experiment], None]) -> None:
    """(Verdicts were remembered per object: after a change, errors() still said [] and
    to_json wrote NaN as null, or text that from_json refused.)"""
    for exp in (_experiment(), ir.from_dict(ir.to_dict(_experiment()), "experiment")):
        assert ir.errors(exp) == []
        ir.to_json(exp)
        change(exp)
        assert ir.errors(exp) != []
        assert_laws(exp)


def test_from_dict_copies_what_it_is_given() -> None:
    data = {"id": "e", "backend": {"id": "b"}, "pipeline": [{"name": "s"}], "tags": ["t"]}
    data["metadata"] = {"m": [1]}
    for strict in (False, True):
        exp = ir.from_dict(data, "experiment", strict=strict)
        data["pipeline"].clear()  # type: ignore[attr-defined]
        data["metadata"]["m"].append(float("nan"))  # type: ignore[index]
        assert exp.pipeline == [ir.StageDef(name="s")]
        assert exp.metadata == {"m": [1]}
        assert ir.errors(exp) == []
        data["pipeline"] = [{"name": "s"}]
        data["metadata"] = {"m": [1]}


def test_an_offset_of_seconds_is_refused_not_moved() -> None:
    """(from_dict took +00:19:32, and to_json wrote +00:20, 28 seconds off.)"""
    with pytest.raises(ir.DecodeError) as info:
        ir.from_dict(
            {"id": "v", "model_id": "m", "version": "1.0.0", "created_at": AMSTERDAM_1900},
            "model_version",
        )
    assert [(i.path, i.code) for i in info.value.errors] == [("created_at", "format")]
    built = ir.ModelVersion(id="v", model_id="m", version="1.0.0", created_at=AMSTERDAM_1900)
    assert [(i.path, i.code) for i in ir.errors(built)] == [("created_at", "format")]
    with pytest.raises(ir.ValidationError) as refused:
        ir.to_json(built)
    assert [i.path for i in refused.value.errors] == ["created_at"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", Text("a str subclass")),
        ("options", {"k": Text("a str subclass")}),
        ("options", {"k": (1, 2)}),
        ("options", {"k": Color.RED}),
    ],
)
def test_what_errors_accepts_to_json_writes(field: str, value: Any) -> None:
    """(errors() passed str and datetime subclasses and tuples, which to_json then refused
    or wrote as something that read back unequal.)"""
    stage = msgspec.structs.replace(ir.StageDef(name="s"), **{field: value})
    assert ir.errors(stage)
    with pytest.raises(ir.ValidationError):
        ir.to_json(stage)
    stamp = ir.ModelVersion(
        id="v",
        model_id="m",
        version="1.0.0",
        created_at=Stamp(2024, 1, 1, tzinfo=datetime.timezone.utc),
    )
    assert [(i.path, i.code) for i in ir.errors(stamp)] == [("created_at", "type")]
    with pytest.raises(ir.ValidationError):
        ir.to_json(stamp)
    fine = ir.StageDef(name="s", options={"mode": Mode.FAST})  # reads back equal: fine
    assert ir.errors(fine) == []
    assert ir.from_json(ir.to_json(fine), "stage_def") == fine


class _Counted(dict):  # type: ignore[type-arg]
    """A dict that counts how often it is looked into."""

    looks = 0

    def __iter__(self) -> Any:
        _Counted.looks += 1
        return super().__iter__()

    def items(self) -> Any:
        _Counted.looks += 1
        return super().items()

    def __getitem__(self, key: Any) -> Any:
        _Counted.looks += 1
        return super().__getitem__(key)


def test_a_reference_cycle_is_refused_at_once() -> None:
    """(A cycle with two branches made errors(), from_dict and to_json walk 2^500 paths.)"""
    loop = _Counted()
    loop["a"] = loop
    loop["b"] = loop
    stage = ir.StageDef(name="s", options={"loop": loop})
    _Counted.looks = 0
    assert [(i.path, i.code) for i in ir.errors(stage)] == [
        ("options.loop.a", "type"),
        ("options.loop.b", "type"),
    ]
    with pytest.raises(ir.ValidationError):
        ir.to_json(stage)
    with pytest.raises(ir.DecodeError) as info:
        ir.from_dict({"name": "s", "options": {"loop": loop}}, "stage_def")
    assert [i.path for i in info.value.errors] == ["options.loop.a", "options.loop.b"]
    assert "cycle" in info.value.errors[0].message
    assert _Counted.looks < 50  # a handful of looks each, not one per path


def test_no_recursion_error_600_frames_down() -> None:
    """(to_json(obj, indent=2) called 600 frames deep let a RecursionError escape.)"""

    def down(frames: int, fn: Callable[[], Any]) -> Any:
        return fn() if frames <= 0 else down(frames - 1, fn)

    deep: Any = 1
    for _ in range(ir.MAX_DEPTH - 3):
        deep = [deep]
    event = ir.feedback.Event(id="e", feedback_value=[deep])
    for frames in (600, sys.getrecursionlimit() - 200):
        for call in (
            lambda: ir.to_json(event, indent=2),
            lambda: ir.from_json(ir.to_json(event), "feedback.event"),
            lambda: ir.errors(event),
            lambda: ir.fingerprint(event),
        ):
            outcome: Any = None
            try:
                down(frames, call)
            except ir.IRError as exc:  # only when too little stack is left to read or write
                outcome = exc
            assert outcome is None or "stack" in str(outcome)


def test_eight_threads_on_many_live_objects() -> None:
    """(Past 1,024 checked objects alive, threads crashed sweeping the verdict tables.)"""
    texts = [
        f'{{"id": "e{i}", "backend": {{"id": "b"}}, "pipeline": [{{"name": "s"}}],'
        f' "metadata": {{"i": {i}}}}}'
        for i in range(1500)
    ]
    alive = [ir.from_json(text, "experiment") for text in texts]
    assert all(ir.errors(obj) == [] for obj in alive)
    expected = [ir.to_json(obj) for obj in alive]
    failures: list[BaseException] = []
    barrier = threading.Barrier(8)

    def work(offset: int) -> None:
        try:
            barrier.wait()
            batch: list[ir.Experiment] = []  # objects that live a while, then die together
            for i in range(offset, offset + 6000):
                k = i % 1500
                obj = ir.from_json(texts[k], "experiment")
                made = ir.replace(obj, owner="o")  # constructed: checked through and through
                batch = [] if len(batch) >= 600 else batch
                batch += [obj, made]
                assert ir.errors(obj) == ir.errors(made) == []
                assert ir.to_json(obj) == expected[k]
                assert ir.from_json(ir.to_json(made), "experiment") == made
                assert ir.errors(alive[k]) == []
                assert ir.to_json(alive[k]) == expected[k]
        except BaseException as exc:  # handed to the main thread
            failures.append(exc)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # switch threads often: races show up in fewer steps
    try:
        threads = [threading.Thread(target=work, args=(k * 97,)) for k in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert failures == []
