"""Scope, schema URL, resource and the sampled flag, on nodes and in patterns."""

from __future__ import annotations

import re

import pytest
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from pytest_filagent_trace import SpanTreeMismatch, assert_span_tree, span, span_tree_matches
from pytest_filagent_trace._spans import build_trees


def captured() -> object:
    exporter = InMemorySpanExporter()
    provider = TracerProvider(resource=Resource.create({"service.name": "api"}))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer(
        "opentelemetry.instrumentation.sqlite3",
        "0.48b0",
        schema_url="https://opentelemetry.io/schemas/1.11.0",
    )
    with tracer.start_as_current_span("SELECT"):
        pass
    provider.shutdown()
    [tree] = build_trees(exporter.get_finished_spans())
    return tree


def failure(expected: object) -> str:
    with pytest.raises(SpanTreeMismatch) as caught:
        assert_span_tree(captured(), expected)  # type: ignore[arg-type]
    return str(caught.value)


def test_a_node_exposes_its_scope_schema_url_and_sampled_flag() -> None:
    node = captured().root  # type: ignore[attr-defined]

    assert node.scope == "opentelemetry.instrumentation.sqlite3"
    assert node.scope_version == "0.48b0"
    assert node.schema_url == "https://opentelemetry.io/schemas/1.11.0"
    assert node.sampled is True
    assert node.resource["service.name"] == "api"


def test_a_pattern_matches_scope_version_schema_resource_and_flag() -> None:
    assert span_tree_matches(
        captured(),
        span(
            "SELECT",
            scope="opentelemetry.instrumentation.*",
            scope_version=re.compile(r"^0\.4"),
            schema_url="https://opentelemetry.io/schemas/1.11.0",
            resource={"service.name": "api"},
            sampled=True,
        ),
    )


@pytest.mark.parametrize(
    ("expected", "line"),
    [
        (span("SELECT", scope="requests"), 'scope: expected "requests", found "opentelemetry'),
        (span("SELECT", scope_version="1.0"), 'scope version: expected "1.0", found "0.48b0"'),
        (span("SELECT", schema_url="x"), 'schema URL: expected "x", found "https://opentelemetry'),
        (span("SELECT", resource={"service.name": "db"}), 'resource service.name: expected "db"'),
        (
            span("SELECT", resource={"k8s.pod": ...}),
            "resource k8s.pod: expected ANY, found no such",
        ),
        (span("SELECT", sampled=False), "sampled: expected False, found True"),
    ],
)
def test_each_difference_of_origin_is_named(expected: object, line: str) -> None:
    assert line in failure(expected)


def test_origin_arguments_read_back_in_the_repr() -> None:
    pattern = span("SELECT", scope="sqlite*", resource={"service.name": "api"}, sampled=True)

    assert repr(pattern) == (
        'span("SELECT", scope="sqlite*", resource={"service.name": "api"}, sampled=True)'
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"sampled": "yes"}, "span\\(sampled=...\\) must be True or False"),
        ({"resource": ["service.name"]}, "span\\(resource=...\\) takes a mapping"),
    ],
)
def test_bad_origin_arguments_are_refused(options: dict[str, object], message: str) -> None:
    with pytest.raises(TypeError, match=message):
        span("SELECT", **options)  # type: ignore[arg-type]
