"""Numbers and text: non-finite numbers rejected, huge integers exact, any character kept.

And what ``from_dict`` accepts must be something ``to_json`` can write back:
a decoded object always re-encodes and round-trips.
"""

from __future__ import annotations

import json
from typing import Any

import msgspec
import pytest

import crucible_ir as ir
from crucible_ir._codec._canonical import canonical_json
from crucible_ir._sources import SourceError, load_json, load_toml, load_yaml

from .conftest import MINIMAL, run_cli

EXPERIMENT = json.loads(MINIMAL)
TRAINING = {"id": "t", "model_ref": {"id": "m"}, "dataset_ref": {"name": "d"}}


def experiment_with(**fields: Any) -> dict[str, Any]:
    return {**EXPERIMENT, **fields}


def round_trips(obj: Any) -> None:
    """Every way back: JSON (lax and strict), dict, canonical JSON; exact types too."""
    cls = type(obj)
    text = ir.to_json(obj)
    assert ir.from_json(text, cls) == obj
    assert ir.from_json(text, cls, strict=True) == obj
    assert ir.to_json(ir.from_json(text, cls)) == text  # ints stay ints, floats floats
    assert ir.from_dict(ir.to_dict(obj), cls) == obj
    assert ir.from_json(canonical_json(obj), cls) == obj
    assert ir.fingerprint(obj).startswith("sha256:")
    assert isinstance(ir.errors(obj), list)


# -- non-finite numbers ---------------------------------------------------------------

NON_FINITE = ["NaN", "Infinity", "-Infinity", "1e400", "-1e400"]
PLACES = {
    "float field": ('{"alpha": %s}', "reliability.stats"),
    "int field": (json.dumps(TRAINING)[:-1] + ', "seed": %s}', "training.config"),
    "metadata": (MINIMAL[:-1] + ', "metadata": {"x": %s}}', "experiment"),
    "list in options": ('{"name": "s", "options": {"l": [1, {"m": %s}]}}', "stage_def"),
    "feedback value": ('{"id": "e", "feedback_value": %s}', "feedback.event"),
}


@pytest.mark.parametrize("token", NON_FINITE)
@pytest.mark.parametrize("place", sorted(PLACES))
@pytest.mark.parametrize("strict", [False, True])
def test_non_finite_json_numbers_are_rejected(token: str, place: str, strict: bool) -> None:
    template, type_name = PLACES[place]
    text = template.replace("%s", token)
    for data in (text, text.encode()):
        with pytest.raises(ir.DecodeError) as info:
            ir.from_json(data, type_name, strict=strict)
        assert len(info.value.errors) == 1
        assert info.value.errors[0].code == "syntax"
    with pytest.raises(SourceError):
        load_json(text)


@pytest.mark.parametrize("token", ["1e400", "-1e400", "9" * 5000])
def test_out_of_range_numbers_in_unknown_keys_are_rejected_strictly(token: str) -> None:
    with pytest.raises(ir.DecodeError):
        ir.from_json('{"name": "s", "zz": ' + token + "}", "stage_def", strict=True)


@pytest.mark.parametrize(
    "text",
    [
        b'{"name": "s", "zz": 1e400}',
        b'{"name": "s", "zz": [-1e400]}',
        b'{"name": "s", "zz": ' + b"9" * 5000 + b"}",
        b'{"name": "s", "zz": "\xff"}',
        b'{"\xc3": 1, "name": "s"}',
    ],
)
def test_lax_decoding_checks_what_it_skips(text: bytes) -> None:
    with pytest.raises(ir.DecodeError):
        ir.from_json(text, "stage_def")
    nested = b'{"id": "e", "backend": {"id": "b"}, "pipeline": [' + text + b"]}"
    with pytest.raises(ir.DecodeError):
        ir.from_json(nested, "experiment")
    with pytest.raises(ir.DecodeError, match="line 2"):
        list(ir.iter_jsonl(b'{"name": "ok"}\n' + text + b"\n", "stage_def"))


def test_lax_decoding_drops_good_unknown_keys_everywhere() -> None:
    text = b'{"id": "e", "zz": {"a": [1]}, "backend": {"id": "b", "yy": null}, "pipeline": []}'
    exp = ir.from_json(text, "experiment")
    assert exp == ir.from_dict(json.loads(text), "experiment")
    assert "zz" not in ir.to_json(exp)
    assert "yy" not in ir.to_json(exp)
    assert [
        s.name for s in ir.iter_jsonl(b'{"name": "a", "q": 1}\n{"name": "b"}\n', "stage_def")
    ] == ["a", "b"]


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
@pytest.mark.parametrize("strict", [False, True])
def test_from_dict_rejects_non_finite_floats(value: float, strict: bool) -> None:
    cases = [
        ({"alpha": value}, "reliability.stats"),
        ({"min_agreement": value}, "reliability.ensemble"),
        (experiment_with(metadata={"x": [1, {"y": value}]}), "experiment"),
        ({"name": "s", "options": {"t": (value,)}}, "stage_def"),
        ({"id": "e", "feedback_value": value}, "feedback.event"),
    ]
    for data, type_name in cases:
        with pytest.raises(ir.DecodeError) as info:
            ir.from_dict(data, type_name, strict=strict)
        assert info.value.errors[0].code == "range"


# -- huge integers ----------------------------------------------------------------------

HUGE = [
    10**100,
    -(10**100),
    2**64,
    2**63,
    -(2**63) - 1,
    2**53 + 1,
    10**4299,
    pytest.param(int("9" * 4300), id="4300nines"),
]


@pytest.mark.parametrize("n", HUGE, ids=lambda n: f"{len(str(abs(n)))}digits")
def test_huge_integers_are_kept_exactly(n: int) -> None:
    text = json.dumps({**TRAINING, "seed": n})
    for obj in (
        ir.from_json(text, "training.config"),
        ir.from_json(text, "training.config", strict=True),
        ir.from_dict(json.loads(text), "training.config"),
    ):
        assert obj.seed == n
        assert type(obj.seed) is int
        assert str(n) in ir.to_json(obj)
        assert ir.to_dict(obj)["seed"] == n
        round_trips(obj)
    exp = ir.from_json(
        json.dumps(experiment_with(metadata={"n": n, "l": [n, {"m": n}]})), "experiment"
    )
    assert exp.metadata == {"n": n, "l": [n, {"m": n}]}
    assert json.loads(ir.to_json(exp))["metadata"]["l"][1]["m"] == n
    round_trips(exp)
    assert load_json(text).data["seed"] == n
    assert load_yaml(f"seed: {n}\n").data["seed"] == n
    assert load_toml(f"seed = {n}\n").data["seed"] == n


def test_out_of_range_numbers_are_a_decode_error() -> None:
    text = '{"name": "s", "options": {"n": ' + "9" * 6000 + "}}"
    with pytest.raises(ir.DecodeError):
        ir.from_json(text, "stage_def")


def test_integers_beyond_4300_digits_are_a_decode_error() -> None:
    text = json.dumps(TRAINING)[:-1] + ', "seed": ' + "9" * 4301 + "}"
    for strict in (False, True):
        with pytest.raises(ir.DecodeError):
            ir.from_json(text, "training.config", strict=strict)
    with pytest.raises(SourceError):
        load_json(text)


@pytest.mark.parametrize("where", ["seed", "metadata", "wrong type"])
def test_from_dict_of_integers_beyond_4300_digits(where: str) -> None:
    n = 10**5000
    data, type_name = {
        "seed": ({**TRAINING, "seed": n}, "training.config"),
        "metadata": (experiment_with(metadata={"n": n}), "experiment"),
        "wrong type": ({"name": n}, "stage_def"),
    }[where]
    try:
        obj = ir.from_dict(data, type_name)
    except ir.DecodeError:
        return
    round_trips(obj)


@pytest.mark.parametrize(
    ("field", "type_name"),
    [("min_agreement", "reliability.ensemble"), ("alpha", "reliability.stats")],
)
def test_integer_too_big_for_a_float_in_a_number_field(field: str, type_name: str) -> None:
    text = f'{{"{field}": {10**400}}}'
    for data in (text, json.loads(text)):
        decode = ir.from_json if isinstance(data, str) else ir.from_dict
        try:
            obj = decode(data, type_name)
        except ir.DecodeError:
            continue
        assert [i.code for i in ir.errors(obj)] == ["range"]
        round_trips(obj)


# -- text ---------------------------------------------------------------------------

SPECIAL = 'a\u2028b\u2029c\x00d\x1f\x7f\U0001f600\U0010ffff\ufeff\u00e9\u4e2d"\\/\n\t'


def test_special_characters_round_trip() -> None:
    data = experiment_with(
        description=SPECIAL,
        owner="\x00",
        tags=["\u2028", "\U0001f600"],
        metadata={SPECIAL: [SPECIAL, {"\x00": "\u2028"}]},
        pipeline=[{"name": SPECIAL, "module": "\U0001f600"}],
    )
    for text in (
        json.dumps(data),  # escaped: \u2028 \u0000 \ud83d\ude00
        json.dumps(data, ensure_ascii=False),  # raw UTF-8
    ):
        for source in (text, text.encode("utf-8")):
            obj = ir.from_json(source, "experiment")
            assert obj.description == SPECIAL
            assert obj.owner == "\x00"
            assert obj.pipeline[0].name == SPECIAL
            assert obj.metadata == {SPECIAL: [SPECIAL, {"\x00": "\u2028"}]}
            assert ir.from_json(source, "experiment", strict=True) == obj
            assert ir.from_dict(json.loads(text), "experiment") == obj
            round_trips(obj)
            assert load_json(source).data == data


def test_special_characters_through_yaml_toml_and_the_cli(tmp_path: Any) -> None:
    yaml_text = (
        'id: "a\\u2028b\\0c\\U0001F600"\nbackend: {id: "\\u2029"}\n'
        'pipeline: [{name: "\\x00"}]\nmetadata: {"\\U0001F600": "\\u0000"}\n'
    )
    toml_text = (
        'id = "a\\u2028b\\u0000c\\U0001F600"\npipeline = [{name = "\\u0000"}]\n'
        '[backend]\nid = "\\u2029"\n[metadata]\n"\\U0001F600" = "\\u0000"\n'
    )
    expected = {
        "id": "a\u2028b\x00c\U0001f600",
        "backend": {"id": "\u2029"},
        "pipeline": [{"name": "\x00"}],
        "metadata": {"\U0001f600": "\x00"},
    }
    assert load_yaml(yaml_text).data == expected
    assert load_toml(toml_text).data == expected
    (tmp_path / "e.yaml").write_text(yaml_text, encoding="utf-8")
    (tmp_path / "e.toml").write_text(toml_text, encoding="utf-8")
    (tmp_path / "e.json").write_text(json.dumps(expected), encoding="utf-8")
    hashes = set()
    for name in ("e.yaml", "e.toml", "e.json"):
        path = tmp_path / name
        for to in ("json", "yaml", "toml"):
            out = tmp_path / f"{name}.{to}"
            result = run_cli("convert", path, "--to", to, "-o", out)
            result.clean()
            assert result.code == 0, result
            back = run_cli("hash", out)
            assert back.code == 0, back
            hashes.add(back.out.split()[0])
    assert len(hashes) == 1


@pytest.mark.parametrize(
    "escape", ["\\ud800", "\\udc00", "\\udfff", "\\ud800\\u0041", "\\udc00\\ud800", "x\\ud83d"]
)
@pytest.mark.parametrize("where", ["description", "metadata value", "metadata key"])
def test_lone_surrogate_escapes(escape: str, where: str) -> None:
    """A lone surrogate is a DecodeError or comes back exactly; never a crash."""
    field = {
        "description": '"description": "%s"',
        "metadata value": '"metadata": {"k": "%s"}',
        "metadata key": '"metadata": {"%s": 1}',
    }[where].replace("%s", escape)
    text = MINIMAL[:-1] + ", " + field + "}"
    for strict in (False, True):
        try:
            obj = ir.from_json(text, "experiment", strict=strict)
        except ir.DecodeError as exc:
            codes = [i.code for i in exc.errors]
        else:
            round_trips(obj)
            codes = ["syntax"]
        assert codes == ["syntax"]
    with pytest.raises(SourceError):
        load_json(text)


@pytest.mark.parametrize("where", ["id", "metadata value", "metadata key", "tag"])
def test_lone_surrogates_in_python_text_given_to_from_json(where: str) -> None:
    data = experiment_with(
        **{
            "id": {"id": "\ud800"},
            "metadata value": {"metadata": {"k": "\udc00"}},
            "metadata key": {"metadata": {"\ud83d": 1}},
            "tag": {"tags": ["ok", "\udfff"]},
        }[where]
    )
    text = json.dumps(data, ensure_ascii=False)  # a str holding a lone surrogate
    with pytest.raises(ir.DecodeError):
        ir.from_json(text, "experiment")
    with pytest.raises(SourceError):
        load_json(text)


@pytest.mark.parametrize(
    "where",
    [
        "id",
        "metadata value",
        pytest.param("metadata key"),
        "tag",
        pytest.param("timestamp"),
    ],
)
def test_from_dict_rejects_lone_surrogates(where: str) -> None:
    """(Found by the fuzz run: these all decoded, and to_json then failed.)"""
    data = experiment_with(
        **{
            "id": {"id": "\ud800"},
            "metadata value": {"metadata": {"k": "\udc00"}},
            "metadata key": {"metadata": {"\ud83d": 1}},
            "tag": {"tags": ["ok", "\udfff"]},
            "timestamp": {"created_at": "2024-03-15T09:30:00\ud800Z"},
        }[where]
    )
    try:
        obj = ir.from_dict(data, "experiment")
    except ir.DecodeError:
        return
    round_trips(obj)


INVALID_UTF8 = [
    b"\xff",
    b"\xfe",
    b"\xc3",
    b"\xc0\xaf",
    b"\xed\xa0\x80",
    b"\xf4\x90\x80\x80",
    b"\x80",
]


@pytest.mark.parametrize("bad", INVALID_UTF8, ids=lambda b: b.hex())
@pytest.mark.parametrize(
    "where", ["id", "description", "metadata value", "metadata key", "between"]
)
@pytest.mark.parametrize("strict", [False, True])
def test_invalid_utf8_is_a_decode_error(bad: bytes, where: str, strict: bool) -> None:
    fields = {
        "id": b'"id": "e' + bad + b'"',
        "description": b'"id": "e", "description": "' + bad + b'"',
        "metadata value": b'"id": "e", "metadata": {"k": ["' + bad + b'"]}',
        "metadata key": b'"id": "e", "metadata": {"' + bad + b'": 1}',
        "between": b'"id": "e", ' + bad,
    }
    text = b'{"backend": {"id": "b"}, "pipeline": [{"name": "s"}], ' + fields[where] + b"}"
    with pytest.raises(ir.DecodeError) as info:
        ir.from_json(text, "experiment", strict=strict)
    assert info.value.errors[0].code == "syntax"
    with pytest.raises(SourceError) as source_error:
        load_json(text)
    assert source_error.value.line == 1


# -- what from_dict accepts, to_json must write --------------------------------------


def test_from_dict_tuples_round_trip() -> None:
    obj = ir.from_dict({"name": "s", "options": {"t": (1, 2)}}, "stage_def")
    round_trips(obj)


class _Name(str):
    __slots__ = ()


class _Count(int):
    pass


@pytest.mark.parametrize(
    ("data", "type_name"),
    [
        ({"name": _Name("s")}, "stage_def"),
        ({**TRAINING, "seed": _Count(5)}, "training.config"),
        ({"name": "s", "options": {"n": _Count(1)}}, "stage_def"),
    ],
)
def test_from_dict_of_int_and_str_subclasses(data: dict[str, Any], type_name: str) -> None:
    try:
        obj = ir.from_dict(data, type_name)
    except ir.DecodeError:
        return
    round_trips(obj)


@pytest.mark.parametrize("stamp", ["0001-01-01T00:00:00+23:59", "9999-12-31T23:59:59-23:59"])
def test_timestamp_at_the_edge(stamp: str) -> None:
    text = json.dumps(experiment_with(created_at=stamp))
    try:
        obj = ir.from_json(text, "experiment")
    except ir.DecodeError:
        return
    round_trips(obj)


# One nesting limit, `MAX_DEPTH` levels in all (the event itself is one): the same for
# from_json, from_dict, errors() and to_json, and the same wherever the nesting is.
@pytest.mark.parametrize("depth", [10, 254, 255, 256, 300, 600, 990, 1000, 1100, 5000])
def test_deep_opaque_values_are_refused_past_the_limit_alike(depth: int) -> None:
    """Read, checked and written up to the limit; past it, refused by every path alike."""
    text = '{"id": "e", "feedback_value": ' + "[" * depth + "]" * depth + "}"
    levels = depth + 1  # the event and its lists
    if levels <= ir.MAX_DEPTH:
        obj = ir.from_json(text, "feedback.event")
        round_trips(obj)
        assert ir.errors(obj) == []
        assert ir.from_dict(msgspec.json.decode(text), "feedback.event") == obj
        return
    with pytest.raises(ir.DecodeError) as info:
        ir.from_json(text, "feedback.event")
    assert [i.message for i in info.value.errors] == [ir_too_deep()]
    value = _nested(depth - 1, [])
    with pytest.raises(ir.DecodeError) as info:
        ir.from_dict({"id": "e", "feedback_value": value}, "feedback.event")
    where = "feedback_value" + "[0]" * (ir.MAX_DEPTH - 1)
    assert [(i.path, i.code) for i in info.value.errors] == [(where, "syntax")]
    from crucible_ir import feedback

    built = feedback.Event(id="e", feedback_value=value)
    assert [(i.path, i.code) for i in ir.errors(built)] == [(where, "syntax")]
    with pytest.raises(ir.ValidationError):
        ir.to_json(built)


@pytest.mark.parametrize("depth", [300, 979])
@pytest.mark.parametrize("strict", [False, True])
def test_nesting_under_an_unknown_key_is_refused_alike_at_any_caller_depth(
    depth: int, strict: bool
) -> None:
    """What lax decoding drops still counts: the verdict never depends on the caller's stack."""
    text = '{"id": "e", "extra": ' + '{"a": ' * depth + "1" + "}" * depth + "}"

    def called_from(frames: int) -> list[str]:
        if frames:
            return called_from(frames - 1)
        with pytest.raises(ir.DecodeError) as info:
            ir.from_json(text, "feedback.event", strict=strict)
        return [i.message for i in info.value.errors if i.code == "syntax"]

    assert called_from(0) == called_from(150) == [ir_too_deep()]
    with pytest.raises(ir.DecodeError) as info:
        ir.from_dict(_nested_keys(depth, {"id": "e"}), "feedback.event", strict=strict)
    deep = [(i.path, i.message) for i in info.value.errors if i.code == "syntax"]
    assert deep == [("extra" + ".a" * (ir.MAX_DEPTH - 1), ir_too_deep())]


def test_text_past_the_limit_is_refused_though_a_repeated_key_drops_the_deep_part() -> None:
    deep = '{"a": ' * ir.MAX_DEPTH + "1" + "}" * ir.MAX_DEPTH
    text = '{"id": "e", "feedback_type": ' + deep + ', "feedback_type": "x"}'
    assert ir.from_dict(msgspec.json.decode(text), "feedback.event").feedback_type == "x"
    with pytest.raises(ir.DecodeError) as info:
        ir.from_json(text, "feedback.event")
    [issue] = info.value.errors
    assert (issue.code, issue.message, issue.line) == ("syntax", ir_too_deep(), 1)


def test_a_dropped_value_with_keys_that_are_not_text_is_measured_too() -> None:
    deep = {(1, 2): _nested_keys(ir.MAX_DEPTH, {})["extra"], 3: None}
    with pytest.raises(ir.DecodeError) as info:
        ir.from_dict({"id": "e", "extra": deep}, "feedback.event")
    [issue] = info.value.errors
    assert (issue.code, issue.message) == ("syntax", ir_too_deep())
    assert issue.loc[:2] == ("extra", "(1, 2)")
    assert ir.from_dict({"id": "e", "extra": {(1, 2): [1]}}, "feedback.event").id == "e"


def _nested_keys(depth: int, root: dict[str, Any]) -> dict[str, Any]:
    value: Any = 1
    for _ in range(depth):
        value = {"a": value}
    return {**root, "extra": value}


def ir_too_deep() -> str:
    return f"nested too deeply (more than {ir.MAX_DEPTH} levels)"


def _nested(depth: int, leaf: Any = None, *, kind: type = list) -> Any:
    value = leaf
    for _ in range(depth):
        value = kind([value]) if kind is not dict else {"k": value}
    return value


@pytest.mark.parametrize("kind", [list, tuple, dict])
def test_python_values_at_the_limit_are_accepted_as_from_json_accepts_them(kind: type) -> None:
    """from_dict reads tuples as lists (a copy); what it built, errors() and to_json accept."""
    value = _nested(ir.MAX_DEPTH - 2, 1, kind=kind)  # the event, then MAX_DEPTH - 1 levels
    event = ir.from_dict({"id": "e", "feedback_value": value}, "feedback.event")
    assert ir.errors(event) == []
    assert ir.from_json(ir.to_json(event), "feedback.event") == event
    assert event.feedback_value == msgspec.json.decode(ir.to_json(event))["feedback_value"]


def test_what_lies_deep_down_must_read_back_equal() -> None:
    """msgspec would write a date as a string: 200 levels down it is refused all the same."""
    import datetime

    from crucible_ir import feedback

    where = "feedback_value" + "[0]" * 200
    for leaf in (datetime.date(2024, 3, 15), float("nan"), (1,), {1: "x"}):
        value = _nested(200, [leaf])
        expected = [(where + "[0]", "type")] if not isinstance(leaf, (dict, float)) else None
        found = [(i.path, i.code) for i in ir.errors(feedback.Event(id="e", feedback_value=value))]
        assert len(found) == 1
        assert found[0][0].startswith(where)
        assert expected is None or found == expected
        if isinstance(leaf, tuple):  # from_dict reads a tuple as a list: a copy JSON carries
            assert (
                ir.errors(ir.from_dict({"id": "e", "feedback_value": value}, "feedback.event"))
                == []
            )
            continue
        with pytest.raises(ir.DecodeError) as info:
            ir.from_dict({"id": "e", "feedback_value": value}, "feedback.event")
        assert [(i.path, i.code) for i in info.value.errors] == found


def test_python_values_too_deep_for_json_are_reported_at_their_path() -> None:
    from crucible_ir import feedback

    value = {"ok": [1], "deep": _nested(3000)}
    with pytest.raises(ir.DecodeError) as info:
        ir.from_dict({"id": "e", "feedback_value": value, "latency_ms": "x"}, "feedback.event")
    where = "feedback_value.deep" + "[0]" * (ir.MAX_DEPTH - 2)
    assert [(i.path, i.code) for i in info.value.errors] == [
        (where, "syntax"),
        ("latency_ms", "type"),
    ]
    assert info.value.errors[0].message == ir_too_deep()
    built = feedback.Event(id="e", feedback_value=value)
    assert [i.path for i in ir.errors(built)] == [where]
    with pytest.raises(ir.ValidationError):
        ir.to_json(built)


def test_decoded_values_are_plain_json_types() -> None:
    text = MINIMAL[:-1] + ', "metadata": {"i": 1, "f": 1.0, "b": true, "n": null, "s": ""}}'
    obj = ir.from_json(text, "experiment")
    assert [type(v) for v in obj.metadata.values()] == [int, float, bool, type(None), str]
    assert msgspec.json.decode(ir.to_json(obj))["metadata"] == obj.metadata


@pytest.mark.parametrize("value", ["\ud800", "x\udfff", 10**5000], ids=["lone", "tail", "huge"])
def test_a_bare_json_value_is_checked_like_a_nested_one(value: Any) -> None:
    from crucible_ir import feedback

    assert ir.errors(feedback.Event(id="e", feedback_value=[value]))  # nested: reported
    assert ir.errors(feedback.Event(id="e", feedback_value=value))  # bare: the same
    with pytest.raises(ir.DecodeError):
        ir.from_dict({"id": "e", "feedback_value": value}, "feedback.event")


# msgspec reads integers of at most 4,300 characters, the minus sign included: a
# negative integer of 4,300 digits must be refused everywhere, or to_json would write
# text that from_json refuses.
@pytest.mark.parametrize("n", [-(10**4299), -(10**4300 - 1)], ids=["-1e4299", "-9x4300"])
def test_negative_integers_of_4300_digits_are_refused_everywhere(n: int, tmp_path: Any) -> None:
    with pytest.raises(ir.DecodeError, match="seed: expected an integer of at most 4300"):
        ir.from_dict({**TRAINING, "seed": n}, "training.config")
    with pytest.raises(ir.DecodeError):
        ir.from_json(json.dumps({**TRAINING, "seed": n}), "training.config")
    built = msgspec.structs.replace(ir.from_dict(TRAINING, "training.config"), seed=n)
    assert [i.path for i in ir.errors(built)] == ["seed"]
    for suffix, text in {
        "yaml": f"id: t\nmodel_ref: {{id: m}}\ndataset_ref: {{name: d}}\nseed: {n}\n",
        "json": json.dumps({**TRAINING, "seed": n}),
        "toml": f'id = "t"\nseed = {n}\nmodel_ref = {{id = "m"}}\ndataset_ref = {{name = "d"}}\n',
    }.items():
        path = tmp_path / f"t.{suffix}"
        path.write_text(text)
        result = run_cli("validate", "--type", "training.config", path)
        result.clean()
        assert result.code == 1, (suffix, result.out)


def test_negative_integers_of_4299_digits_are_kept(tmp_path: Any) -> None:
    n = -(10**4299 - 1)
    obj = ir.from_dict({**TRAINING, "seed": n}, "training.config")
    assert obj.seed == n
    round_trips(obj)
    path = tmp_path / "t.yaml"
    path.write_text(f"id: t\nmodel_ref: {{id: m}}\ndataset_ref: {{name: d}}\nseed: {n}\n")
    out = tmp_path / "t.json"
    run_cli("convert", "--type", "training.config", path, "--to", "json", "-o", out).clean()
    assert ir.from_json(out.read_bytes(), "training.config").seed == n
    assert run_cli("validate", "--type", "training.config", out).code == 0
