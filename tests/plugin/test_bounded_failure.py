"""A failure in a huge trace prints the paths to its problems, not every span."""

from __future__ import annotations

import pytest

from pytest_filagent_trace import SpanTreeMismatch, assert_span_tree, render_tree, span
from pytest_filagent_trace._textform import render_roots
from tests.plugin.nodes import make


def huge() -> object:
    batches = [make(f"batch.{b}", *[make("task") for _ in range(999)]) for b in range(9)]
    broken = make("batch.9", *[make("task") for _ in range(998)], make("task", status="ERROR"))
    return make("POST /import", *batches, broken, kind="SERVER")


def test_a_failure_at_ten_thousand_spans_fits_in_a_screen() -> None:
    expected = span("POST /import", span("batch.9", span("task", status="ERROR", count=2)))

    with pytest.raises(SpanTreeMismatch) as caught:
        assert_span_tree(huge(), expected)

    assert len(str(caught.value).splitlines()) <= 60
    assert caught.value.actual_text == "\n".join(
        [
            "POST /import [SERVER]",
            "├── batch.9",
            "│   ├── task  # ✗ expected ERROR",
            "│   └── ...  # 998 more spans",
            "└── ...  # 9,000 more spans",
        ]
    )


def test_the_summed_up_text_still_reads_back_as_an_expectation_that_holds() -> None:
    tree = huge()

    with pytest.raises(SpanTreeMismatch) as caught:
        assert_span_tree(tree, span("POST /import", span("batch.9", span("missing"))))

    assert_span_tree(tree, caught.value.actual_text)


def test_keep_sums_up_the_other_spans_of_each_level() -> None:
    root = make("root", make("a", make("a1")), make("b", make("b1"), make("b2")), make("c"))
    keep = {id(root.children[0])}

    text = render_tree(root)
    kept = render_roots([root], keep=lambda node: id(node) in keep)

    assert text.count("\n") == 6
    assert kept == "root\n├── a\n│   └── ...  # 1 more span\n└── ...  # 4 more spans"
