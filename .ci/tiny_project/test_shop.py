"""What a new user of the plugin writes first: capture, tree assertion, snapshot, tree print."""

from shop import checkout

from pytest_filagent_trace import assert_span_tree, span


def test_capture(trace_capture):
    checkout(["tea", "milk"])
    assert [node.name for node in trace_capture.spans] == ["price", "price", "checkout"]


def test_tree(trace_capture):
    checkout(["tea"])
    assert_span_tree(
        trace_capture, span("checkout", attributes={"cart.size": 1}, children=[span("price")])
    )


def test_snapshot(trace_capture, trace_snapshot):
    checkout(["bread"])
    assert trace_snapshot == trace_capture


def test_plain():
    assert checkout([]) is None
