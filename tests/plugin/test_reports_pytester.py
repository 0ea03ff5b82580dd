"""--trace-report, --trace-export and the trace_receiver fixture, as a user runs them."""

from __future__ import annotations

import json
import re

import pytest

from pytest_filagent_trace import load_traces
from tests.helpers.pytester import run_pytest

TESTS = """
    from opentelemetry import trace
    from pytest_filagent_trace import assert_span_tree

    tracer = trace.get_tracer("shop")


    def checkout():
        with tracer.start_as_current_span("POST /checkout"):
            with tracer.start_as_current_span("pay"):
                pass


    def test_passes(trace_capture):
        checkout()
        assert_span_tree(trace_capture, "POST /checkout\\n└── pay")


    def test_fails(trace_capture):
        checkout()
        assert_span_tree(trace_capture, "POST /checkout\\n└── refund")


    def test_without_the_fixture():
        checkout()


    def test_no_spans():
        pass
"""


def test_the_report_has_an_index_and_a_page_per_test_with_spans(pytester: pytest.Pytester) -> None:
    result = run_pytest(pytester, "--trace-report=report", test_source=TESTS)

    result.assert_outcomes(passed=3, failed=1)
    report = pytester.path / "report"
    index = (report / "index.html").read_text()
    assert "4 test(s), 1 failed" in index
    pages = sorted(path.name for path in report.glob("*.html") if path.name != "index.html")
    assert len(pages) == 3  # test_no_spans captured nothing: listed, no page
    assert "<td>test_shop.py::test_no_spans</td><td class='outcome passed'>passed</td>" in index
    failed = next(report.glob("test_shop.py_test_fails-*.html")).read_text()
    assert "<span class='outcome failed'>failed</span>" in failed
    assert "missing child span(&quot;refund&quot;)" in failed
    assert re.search(r"class='row problem' id='span-0'", failed)
    result.stdout.fnmatch_lines(["trace report: */report/index.html (3 page(s))"])


def test_report_only_failed_writes_pages_for_failed_tests(pytester: pytest.Pytester) -> None:
    result = run_pytest(
        pytester, "--trace-report=report", "--trace-report-only=failed", test_source=TESTS
    )

    result.assert_outcomes(passed=3, failed=1)
    pages = [p.name for p in (pytester.path / "report").glob("*.html") if p.name != "index.html"]
    assert len(pages) == 1
    assert pages[0].startswith("test_shop.py_test_fails-")


def test_the_export_is_one_otlp_json_line_per_test_that_loads_back(
    pytester: pytest.Pytester,
) -> None:
    result = run_pytest(pytester, "--trace-export=traces.jsonl", test_source=TESTS)

    result.assert_outcomes(passed=3, failed=1)
    lines = (pytester.path / "traces.jsonl").read_text().splitlines()
    assert len(lines) == 3
    statuses = {}
    for line in lines:
        span = json.loads(line)["resourceSpans"][0]["scopeSpans"][0]["spans"][0]
        attributes = {item["key"]: item["value"]["stringValue"] for item in span["attributes"]}
        statuses[attributes["test.case.name"]] = attributes["test.case.result.status"]
        assert attributes["test.suite.name"] == "test_shop.py"
    assert statuses == {
        "test_shop.py::test_passes": "pass",
        "test_shop.py::test_fails": "fail",
        "test_shop.py::test_without_the_fixture": "pass",
    }
    loaded = load_traces(pytester.path / "traces.jsonl")
    assert [tree.roots[0].name for tree in loaded.traces()] == ["POST /checkout"] * 3
    by_test = loaded.by_test()
    assert sorted(by_test) == sorted(statuses)
    [root] = by_test["test_shop.py::test_fails"].traces()[0].roots
    assert not any(key.startswith("test.") for key in root.attributes)
    assert len(by_test["test_shop.py::test_fails"]) == len(loaded) // 3
    assert not list(pytester.path.glob("traces.jsonl.part-*"))


@pytest.mark.slow
def test_report_and_export_under_xdist_make_one_index_and_one_file(
    pytester: pytest.Pytester,
) -> None:
    result = run_pytest(
        pytester,
        "-n",
        "2",
        "--trace-report=report",
        "--trace-export=traces.jsonl",
        test_source=TESTS,
        subprocess=True,
        timeout=120,
    )

    result.assert_outcomes(passed=3, failed=1)
    assert "4 test(s), 1 failed" in (pytester.path / "report" / "index.html").read_text()
    assert len((pytester.path / "traces.jsonl").read_text().splitlines()) == 3
    assert not list(pytester.path.glob("traces.jsonl.part-*"))


def test_without_the_options_nothing_is_written(pytester: pytest.Pytester) -> None:
    run_pytest(pytester, test_source=TESTS).assert_outcomes(passed=3, failed=1)

    assert sorted(p.name for p in pytester.path.iterdir() if not p.name.startswith(".")) == [
        "test_shop.py"
    ]


def test_the_receiver_fixture_collects_spans_sent_over_otlp(pytester: pytest.Pytester) -> None:
    pytest.importorskip(
        "opentelemetry.exporter.otlp.proto.http.trace_exporter",
        reason="needs opentelemetry-exporter-otlp-proto-http",
    )
    result = run_pytest(
        pytester,
        test_source="""
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
            from opentelemetry.sdk.trace import TracerProvider
            from opentelemetry.sdk.trace.export import SimpleSpanProcessor
            from pytest_filagent_trace import SpanWaitTimeoutError, assert_span_tree
            import pytest


            def test_collects(trace_receiver):
                provider = TracerProvider()
                exporter = OTLPSpanExporter(endpoint=trace_receiver.endpoint + "/v1/traces")
                provider.add_span_processor(SimpleSpanProcessor(exporter))
                with provider.get_tracer("worker").start_as_current_span("job.run"):
                    pass
                [job] = trace_receiver.wait_for("job.run")
                assert_span_tree(trace_receiver, "job.run")
                env = trace_receiver.env()
                assert env["OTEL_EXPORTER_OTLP_ENDPOINT"] == trace_receiver.endpoint


            def test_times_out_saying_what_arrived(trace_receiver):
                with pytest.raises(SpanWaitTimeoutError, match="0 span\\\\(s\\\\) arrived"):
                    trace_receiver.wait_for("never", timeout=0.05)
        """,
    )

    result.assert_outcomes(passed=2)
