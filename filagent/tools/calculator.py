"""A calculator that evaluates arithmetic by walking the AST — never ``eval``.

Error messages point at a column and never quote the expression: the caller
has it, and messages also reach span events.

Allowed: int and float literals, ``+ - * / // % **``, unary ``+``/``-`` and
parentheses.  Names, calls, attributes and every other construct are refused,
and so are computations that would eat the CPU or memory (huge exponents,
results with thousands of digits).

Example::

    >>> evaluate("2 ** 10 + (7 // 2)")
    1027
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable

from pydantic import BaseModel, ConfigDict, Field

from filagent.tools.base import Tool, ToolError

Number = int | float

MAX_EXPONENT = 1000
MAX_RESULT_BITS = 4096  # about 1,233 decimal digits

_BINARY: dict[type[ast.operator], Callable[[Number, Number], object]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_UNARY: dict[type[ast.unaryop], Callable[[Number], Number]] = {
    ast.UAdd: operator.pos,
    ast.USub: operator.neg,
}
_SYMBOLS: dict[type[ast.AST], str] = {
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitOr: "|",
    ast.BitAnd: "&",
    ast.BitXor: "^",
    ast.MatMult: "@",
    ast.Invert: "~",
    ast.Not: "not",
}


class CalculatorArgs(BaseModel):
    """Arguments of ``calculator``."""

    model_config = ConfigDict(extra="forbid")

    expression: str = Field(
        min_length=1, max_length=500, description="Arithmetic expression, e.g. '17 * 23'."
    )


class CalculatorTool(Tool[CalculatorArgs]):
    """Evaluates an arithmetic expression safely."""

    name = "calculator"
    description = "Evaluate an arithmetic expression with + - * / // % ** and parentheses."
    args_model = CalculatorArgs

    def run(self, args: CalculatorArgs) -> Number:
        """``run(CalculatorArgs(expression="17*23"))`` returns ``391``."""
        return evaluate(args.expression)


def evaluate(expression: str) -> Number:
    """Evaluate ``expression``; raise :class:`ToolError` saying what is not allowed and where.

    Example: ``evaluate("1 + 2 * 3")`` returns ``7``.
    """
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError as exc:
        msg = f"expected an arithmetic expression, found invalid syntax at column {exc.offset}"
        raise ToolError(msg) from None
    try:
        value = _eval(tree.body)
    except ZeroDivisionError:
        raise ToolError("division by zero is undefined") from None
    except OverflowError:
        raise ToolError("the result is too large to represent as a float") from None
    if isinstance(value, float) and not math.isfinite(value):
        raise ToolError("the result is not a finite number")
    return value


def _eval(node: ast.AST) -> Number:
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            found = type(node.value).__name__
            raise ToolError(f"expected a number, found a {found} literal at column {_col(node)}")
        return node.value
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _UNARY[type(node.op)](_eval(node.operand))
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = _eval(node.left), _eval(node.right)
        if isinstance(node.op, ast.Pow):
            _check_power(left, right, node)
        return _checked(_BINARY[type(node.op)](left, right), node)
    raise ToolError(_refusal(node))


def _check_power(base: Number, exponent: Number, node: ast.AST) -> None:
    if abs(exponent) > MAX_EXPONENT:
        msg = (
            f"exponents are limited to {MAX_EXPONENT} in absolute value, "
            f"found a larger one at column {_col(node)}"
        )
        raise ToolError(msg)
    # Estimate before computing: 10**1000 ** 1000 must be refused, not attempted.
    if (
        isinstance(base, int)
        and isinstance(exponent, int)
        and base.bit_length() * exponent > MAX_RESULT_BITS
    ):
        raise ToolError(_too_large(node))


def _checked(value: object, node: ast.AST) -> Number:
    if isinstance(value, complex):  # (-8) ** 0.5 leaves the real numbers
        msg = f"expected a real result, found a complex number at column {_col(node)}"
        raise ToolError(msg)
    if not isinstance(value, (int, float)):
        msg = f"expected a number, found {type(value).__name__} at column {_col(node)}"
        raise ToolError(msg)
    if isinstance(value, int) and value.bit_length() > MAX_RESULT_BITS:
        raise ToolError(_too_large(node))
    return value


def _too_large(node: ast.AST) -> str:
    return (
        f"results are limited to {MAX_RESULT_BITS} bits (about 1,233 digits); "
        f"the operation at column {_col(node)} would exceed that"
    )


def _refusal(node: ast.AST) -> str:
    where = f"at column {_col(node)}"
    if isinstance(node, ast.Name):
        return f"names are not allowed, found a name {where}"
    if isinstance(node, ast.Call):
        return f"function calls are not allowed, found a call {where}"
    if isinstance(node, ast.Attribute):
        return f"attribute access is not allowed, found one {where}"
    operator_node = getattr(node, "op", None)
    if operator_node is not None and type(operator_node) in _SYMBOLS:
        return f"operator {_SYMBOLS[type(operator_node)]!r} is not allowed {where}"
    return f"expected numbers, + - * / // % ** and parentheses, found {type(node).__name__} {where}"


def _col(node: ast.AST) -> int:
    return int(getattr(node, "col_offset", 0)) + 1
