"""The calculator evaluates arithmetic through the AST and refuses everything else."""

from __future__ import annotations

import re

import pytest

from filagent.tools import CalculatorArgs, CalculatorTool, ToolError, evaluate


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("17*23", 391),
        ("1 + 2 * 3", 7),
        ("(1 + 2) * 3", 9),
        ("7 / 2", 3.5),
        ("7 // 2", 3),
        ("7 % 3", 1),
        ("2 ** 10", 1024),
        ("-3 + +5", 2),
        ("2 ** -1", 0.5),
        ("  1.5 * 4  ", 6.0),
    ],
)
def test_evaluates_arithmetic(expression: str, expected: float) -> None:
    assert evaluate(expression) == expected


def test_run_takes_validated_arguments() -> None:
    assert CalculatorTool().run(CalculatorArgs(expression="2+3")) == 5


def test_schema_offers_the_expression_field() -> None:
    schema = CalculatorTool().spec().parameters
    assert schema["required"] == ["expression"]
    assert schema["properties"]["expression"]["type"] == "string"


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("x + 1", "names are not allowed, found a name at column 1"),
        ("__import__('os')", "function calls are not allowed"),
        ("(1).real", "attribute access is not allowed, found one at column 1"),
        ("1 << 2", "operator '<<' is not allowed"),
        ("'a' * 3", "expected a number, found a str literal"),
        ("True + 1", "expected a number, found a bool literal"),
        ("1 < 2", "found Compare"),
        ("[1, 2]", "found List"),
    ],
)
def test_refuses_non_arithmetic(expression: str, message: str) -> None:
    with pytest.raises(ToolError, match=re.escape(message)):
        evaluate(expression)


def test_refuses_huge_exponent_before_computing() -> None:
    with pytest.raises(
        ToolError, match=r"exponents are limited to 1000 .* found a larger one at column 1"
    ):
        evaluate("2 ** 99999")


def test_refuses_power_whose_result_would_be_huge() -> None:
    with pytest.raises(ToolError, match="results are limited to 4096 bits"):
        evaluate("(10 ** 1000) ** 1000")


def test_refuses_product_whose_result_is_huge() -> None:
    with pytest.raises(ToolError, match="results are limited to 4096 bits"):
        evaluate("9 ** 1000 * 9 ** 1000")


def test_accepts_large_results_within_the_limit() -> None:
    assert evaluate("2 ** 1000") == 2**1000


def test_refuses_float_overflow() -> None:
    with pytest.raises(ToolError, match="too large to represent as a float"):
        evaluate("10.0 ** 400")


def test_refuses_infinite_result() -> None:
    with pytest.raises(ToolError, match="not a finite number"):
        evaluate("1e308 * 10")


def test_refuses_complex_result() -> None:
    with pytest.raises(ToolError, match="expected a real result, found a complex number"):
        evaluate("(-8) ** 0.5")


@pytest.mark.parametrize("expression", ["1 / 0", "1 // 0", "5 % 0", "0 ** -1"])
def test_division_by_zero_is_a_tool_error(expression: str) -> None:
    with pytest.raises(ToolError, match="division by zero"):
        evaluate(expression)


def test_syntax_error_names_the_column() -> None:
    with pytest.raises(ToolError, match="invalid syntax at column"):
        evaluate("2 +* 3")
