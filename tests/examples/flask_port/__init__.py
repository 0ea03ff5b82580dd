"""opentelemetry-instrumentation-flask's tests, ported: the app, its fixtures, the tests."""
