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


def test_str_of_a_positioned_issue_names_the_position() -> None:
    text = str(Issue("", IssueCode.SYNTAX, "malformed JSON", 3, 14))
    assert "3" in text
    assert "14" in text
    assert text.endswith("malformed JSON")


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
