"""Problems as values and as exceptions: `Issue`, `IssueCode`, `IRError` and kin."""

from __future__ import annotations

import pickle

import pytest

import crucible_ir as ir
from crucible_ir import Issue, IssueCode

CODES = {
    "required",
    "empty",
    "type",
    "enum",
    "range",
    "format",
    "consistency",
    "unknown_field",
    "syntax",
}


def test_issue_code_vocabulary_is_exactly_the_spec_one() -> None:
    assert {code.value for code in IssueCode} == CODES
    for code in IssueCode:
        assert code == code.value
        assert isinstance(code, str)


def test_issue_fields() -> None:
    issue = Issue("pipeline[2].name", "required", "a value is required")
    assert issue.path == "pipeline[2].name"
    assert issue.code == "required"
    assert issue.code is IssueCode.REQUIRED
    assert issue.message == "a value is required"
    assert issue.line is None
    assert issue.column is None
    positioned = Issue("", IssueCode.SYNTAX, "bad", 3, 14)
    assert (positioned.line, positioned.column) == (3, 14)


def test_issue_by_keyword_and_equality() -> None:
    a = Issue(path="backend.id", code="empty", message="m")
    b = Issue("backend.id", IssueCode.EMPTY, "m")
    assert a == b
    assert a != Issue("backend.id", IssueCode.TYPE, "m")
    assert a != Issue("backend", IssueCode.EMPTY, "m")


def test_unknown_issue_code_is_rejected() -> None:
    with pytest.raises(ValueError, match="bogus"):
        Issue("x", "bogus", "m")


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("backend.id", "expected a non-empty identifier, got an empty string"),
        ("pipeline[2].name", "a value is required, got None"),
        ("reliability.ensemble.weights", "weight for 'x', which is not one of models"),
    ],
)
def test_str_of_an_issue_is_path_colon_message(path: str, message: str) -> None:
    assert str(Issue(path, "type", message)) == f"{path}: {message}"


def test_a_positioned_issue_is_path_colon_message_and_its_error_names_the_position() -> None:
    issue = Issue("", IssueCode.SYNTAX, "malformed JSON", 3, 14)
    assert str(issue) == ": malformed JSON"  # "<path>: <message>", the empty path included
    assert str(ir.DecodeError([issue])) == ": malformed JSON (at line 3, column 14)"
    assert str(ir.DecodeError([Issue("id", "syntax", "m", 2)])) == "id: m (at line 2)"


def test_error_hierarchy() -> None:
    assert issubclass(ir.IRError, ValueError)
    assert issubclass(ir.ValidationError, ir.IRError)
    assert issubclass(ir.DecodeError, ir.IRError)
    assert not issubclass(ir.ValidationError, ir.DecodeError)
    assert not issubclass(ir.DecodeError, ir.ValidationError)


@pytest.mark.parametrize("cls", [ir.ValidationError, ir.DecodeError])
def test_errors_carry_their_issues_and_list_them_one_per_line(cls: type[ir.IRError]) -> None:
    issues = [
        Issue("id", IssueCode.EMPTY, "expected a non-empty identifier"),
        Issue("pipeline", IssueCode.REQUIRED, "a value is required"),
        Issue("reliability.stats.alpha", IssueCode.RANGE, "expected a number in [0, 1], got 1.5"),
    ]
    err = cls(issues)
    assert isinstance(err.errors, list)
    assert err.errors == issues
    assert str(err).splitlines() == [str(i) for i in issues]
    with pytest.raises(ValueError, match="pipeline"):
        raise err


def test_validate_raises_a_validation_error_catchable_as_value_error() -> None:
    bad = ir.BackendRef(id="")
    with pytest.raises(ValueError, match="id") as info:
        ir.validate(bad)
    assert type(info.value) is ir.ValidationError
    assert info.value.errors == ir.errors(bad)


def test_from_json_raises_a_decode_error_catchable_as_ir_error() -> None:
    with pytest.raises(ir.IRError) as info:
        ir.from_json("{", "backend_ref")
    assert type(info.value) is ir.DecodeError
    assert info.value.errors[0].code == "syntax"


@pytest.mark.parametrize("cls", [ir.ValidationError, ir.DecodeError, ir.IRError])
def test_errors_pickle(cls: type[ir.IRError]) -> None:
    err = cls(
        [
            Issue("backend.id", IssueCode.REQUIRED, "a value is required"),
            Issue("", IssueCode.SYNTAX, "malformed JSON", 2, 5),
        ]
    )
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is cls
    assert back.errors == err.errors
    assert str(back) == str(err)
    assert back.args == err.args


def test_real_errors_pickle() -> None:
    with pytest.raises(ir.DecodeError) as info:
        ir.from_json('{"id": 1, "options": 3}', "backend_ref")
    back = pickle.loads(pickle.dumps(info.value))
    assert back.errors == info.value.errors
    assert len(back.errors) == 2


def test_issue_pickles() -> None:
    issue = Issue("a.b[0]", IssueCode.FORMAT, "bad", 1, 2)
    assert pickle.loads(pickle.dumps(issue)) == issue


# -- structured locations -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("loc", "path"),
    [
        ((), ""),
        (("backend", "id"), "backend.id"),
        (("pipeline", 2, "name"), "pipeline[2].name"),
        (("reliability", "ensemble", "weights", "gpt-4o"), "reliability.ensemble.weights.gpt-4o"),
        (("metadata", "a.b"), 'metadata["a.b"]'),
        (("metadata", "x[0]"), 'metadata["x[0]"]'),
        (("metadata", ""), 'metadata[""]'),
        (("metadata", 'say "hi"'), 'metadata["say \\"hi\\""]'),
        (("a.b",), '["a.b"]'),
        (("weights", "0"), "weights.0"),
        (("items", 0), "items[0]"),
    ],
)
def test_issue_at_writes_the_path_from_the_location(loc: tuple[str | int, ...], path: str) -> None:
    issue = Issue.at(loc, "type", "m")
    assert issue.loc == loc
    assert issue.path == path
    assert str(issue) == f"{path}: m"


def test_paths_of_different_locations_differ() -> None:
    locs = [
        ("metadata", "a", "b"),
        ("metadata", "a.b"),
        ("metadata", "a", 0),
        ("metadata", "a[0]"),
        ("metadata", "a", "0"),
    ]
    assert len({Issue.at(loc, "type", "m").path for loc in locs}) == len(locs)


def test_an_issue_made_by_hand_equals_the_located_one() -> None:
    located = Issue.at(("backend", "id"), IssueCode.EMPTY, "m")
    by_hand = Issue("backend.id", "empty", "m")
    assert located == by_hand
    assert hash(located) == hash(by_hand)
    assert by_hand.loc == ()
    assert pickle.loads(pickle.dumps(located)).loc == ("backend", "id")


def test_reported_issues_carry_their_location() -> None:
    exp = ir.Experiment(
        id="",
        backend=ir.BackendRef(id="gpt4"),
        pipeline=[ir.StageDef(name="a"), ir.StageDef(name="a")],
        reliability=ir.reliability.Config(
            ensemble=ir.reliability.Ensemble(models=["m"], weights={"m": 1, "x.y": 1})
        ),
    )
    issues = ir.errors(exp)
    assert [(i.loc, i.path) for i in issues] == [
        (("id",), "id"),
        (
            ("reliability", "ensemble", "weights", "x.y"),
            'reliability.ensemble.weights["x.y"]',
        ),
        (("pipeline", 1, "name"), "pipeline[1].name"),
    ]
    with pytest.raises(ir.DecodeError) as info:
        ir.from_dict(
            {"id": "b", "options": {"a.b": [1, float("nan")]}, "profile": 3}, "backend_ref"
        )
    assert [(i.loc, i.path) for i in info.value.errors] == [
        (("options", "a.b", 1), 'options["a.b"][1]'),
        (("profile",), "profile"),
    ]
    with pytest.raises(ir.DecodeError) as info:
        ir.from_json('{"id": "e", "backend": {"id": 1}, "pipeline": [{}]}', "experiment")
    assert [i.loc for i in info.value.errors] == [("backend", "id"), ("pipeline", 0, "name")]
