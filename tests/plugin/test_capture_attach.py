"""Where a capture gets its spans: attaching to providers, and the provider an option names."""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator

import pytest
from opentelemetry.sdk.trace import TracerProvider

from pytest_filagent_trace._capture import (
    CaptureProcessor,
    ProviderAttachments,
    ProviderConfigError,
    load_provider,
)


def test_attach_adds_the_processor_to_a_provider_only_once(provider: TracerProvider) -> None:
    attachments = ProviderAttachments(CaptureProcessor())

    assert attachments.attach(provider, "the app's provider") is True
    assert attachments.attach(provider, "the app's provider") is False
    assert "the app's provider (TracerProvider)" in attachments.describe()


def test_attach_refuses_an_object_that_takes_no_span_processors() -> None:
    attachments = ProviderAttachments(CaptureProcessor())

    with pytest.raises(TypeError, match=r"^the fixture is object, which has no add_span"):
        attachments.attach(object(), "the fixture")  # type: ignore[arg-type]


def test_describe_says_how_to_attach_when_nothing_is_attached() -> None:
    assert "trace_capture_provider" in ProviderAttachments(CaptureProcessor()).describe()


@pytest.fixture
def provider_module(provider: TracerProvider) -> Iterator[str]:
    module = types.ModuleType("capture_test_telemetry")
    module.provider = provider  # type: ignore[attr-defined]
    module.get_provider = lambda: provider  # type: ignore[attr-defined]
    module.broken = lambda: 1 / 0  # type: ignore[attr-defined]
    module.not_a_provider = lambda: "nope"  # type: ignore[attr-defined]
    sys.modules[module.__name__] = module
    yield module.__name__
    del sys.modules[module.__name__]


def test_load_provider_calls_the_named_callable(
    provider_module: str, provider: TracerProvider
) -> None:
    assert load_provider(f"{provider_module}:get_provider") is provider


def test_load_provider_accepts_the_provider_itself(
    provider_module: str, provider: TracerProvider
) -> None:
    assert load_provider(f"{provider_module}:provider") is provider


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("no_colon", r"= 'no_colon': expected 'module:callable'"),
        ("no_such_module_xyz:make", r"module 'no_such_module_xyz' could not be imported"),
        ("{module}:missing", r"'capture_test_telemetry' has no attribute 'missing'"),
        ("{module}:broken", r"calling broken\(\) raised ZeroDivisionError: division by zero"),
        ("{module}:not_a_provider", r"expected an OpenTelemetry SDK TracerProvider .*got str"),
    ],
)
def test_load_provider_says_what_is_wrong_with_the_option(
    provider_module: str, spec: str, message: str
) -> None:
    with pytest.raises(ProviderConfigError, match=message) as raised:
        load_provider(spec.format(module=provider_module), where="trace_capture_provider")

    assert str(raised.value).startswith("trace_capture_provider = ")
