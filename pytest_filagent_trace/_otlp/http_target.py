"""Where OTLP/HTTP trace exports go, and sending one there with the standard library.

An :class:`OtlpHttpTarget` is a traces URL with its headers, timeout and compression. It
comes from a URL (:func:`target_from_url`: ``http://host:4318`` gets ``/v1/traces``
appended, a URL with a path is used as it is) or from the standard ``OTEL_EXPORTER_OTLP_*``
variables (:func:`target_from_env`, read as the OTLP exporter specification says: the
traces variables first, the timeout in milliseconds). Bodies are OTLP/JSON, which every
OTLP/HTTP receiver accepts as ``application/json``.

Example:
    >>> target_from_url("http://127.0.0.1:4318").url
    'http://127.0.0.1:4318/v1/traces'
    >>> target_from_env({"OTEL_EXPORTER_OTLP_ENDPOINT": "https://otlp.example/base/"}).url
    'https://otlp.example/base/v1/traces'
"""

from __future__ import annotations

import gzip
import http.client
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["OtlpHttpTarget", "TargetError", "target_from_env", "target_from_url"]

TRACES_PATH = "/v1/traces"
DEFAULT_TIMEOUT_SECONDS = 10.0  # the specification's default
_PREFIX = "OTEL_EXPORTER_OTLP_"
_SIGNAL = "OTEL_EXPORTER_OTLP_TRACES_"


class TargetError(ValueError):
    """A URL or an ``OTEL_EXPORTER_OTLP_*`` value that names no usable OTLP/HTTP target."""


@dataclass(frozen=True)
class OtlpHttpTarget:
    """One OTLP/HTTP traces URL and how to send to it."""

    url: str
    # Out of the repr: headers often carry a backend's API key.
    headers: Mapping[str, str] = field(default_factory=dict, repr=False)
    timeout: float = DEFAULT_TIMEOUT_SECONDS
    gzip: bool = False

    def send(self, body: bytes) -> str | None:
        """POST one OTLP/JSON export request; None when it was accepted, else why not.

        Never raises for the endpoint's sake: a refused connection, an HTTP error status,
        a timeout or a partial success (spans the receiver rejected) come back as text.
        """
        headers = {**self.headers, "Content-Type": "application/json"}
        if self.gzip:
            body = gzip.compress(body, compresslevel=1)
            headers["Content-Encoding"] = "gzip"
        # The URL's scheme was checked to be http or https when the target was made.
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                answer = response.read()
        except urllib.error.HTTPError as error:
            detail = error.read(200).decode("utf-8", "replace").strip()
            return f"HTTP {error.code} {error.reason}" + (f": {detail}" if detail else "")
        except urllib.error.URLError as error:
            return self._reason(error.reason)
        except (OSError, http.client.HTTPException) as error:
            return self._reason(error)
        return _partial_success(answer)

    def _reason(self, reason: object) -> str:
        if isinstance(reason, ConnectionRefusedError):
            return "connection refused"
        if isinstance(reason, TimeoutError):
            return f"no answer within {self.timeout:g} s"
        return str(reason) or type(reason).__name__


def _partial_success(answer: bytes) -> str | None:
    try:
        partial = json.loads(answer or b"{}").get("partialSuccess") or {}
    except (ValueError, AttributeError):
        return None  # a body we cannot read on a 2xx is still a success
    rejected = int(partial.get("rejectedSpans") or 0)
    if not rejected:
        return None
    message = partial.get("errorMessage") or "no reason given"
    return f"the receiver rejected {rejected} span(s): {message}"


def target_from_url(value: str) -> OtlpHttpTarget:
    """The target at ``value``, ``/v1/traces`` appended when the URL has no path.

    Raises :class:`TargetError` when ``value`` is not an http:// or https:// URL.
    """
    return OtlpHttpTarget(_checked_url(value, append_path=not _has_path(value)))


def target_from_env(environ: Mapping[str, str]) -> OtlpHttpTarget:
    """The target the standard ``OTEL_EXPORTER_OTLP_*`` variables of ``environ`` describe.

    ``..._TRACES_ENDPOINT`` is used as it is; ``..._ENDPOINT`` gets ``v1/traces`` appended
    to its path. Headers (``key=value,...``, values percent-encoded), timeout (in
    milliseconds) and compression (``gzip`` or ``none``) each prefer the traces variable.
    Raises :class:`TargetError` naming the variable that is missing or wrong.
    """
    protocol, protocol_name = _variable(environ, "PROTOCOL")
    if protocol and protocol.strip().lower() == "grpc":
        raise TargetError(
            f"expected an OTLP/HTTP endpoint, but {protocol_name}=grpc: this export "
            "speaks OTLP/HTTP only"
        )
    if environ.get(f"{_SIGNAL}ENDPOINT", "").strip():
        name = f"{_SIGNAL}ENDPOINT"
        url = _checked_url(environ[name], append_path=False, source=name)
    elif environ.get(f"{_PREFIX}ENDPOINT", "").strip():
        name = f"{_PREFIX}ENDPOINT"
        url = _checked_url(environ[name], append_path=True, source=name)
    else:
        raise TargetError(f"expected {_SIGNAL}ENDPOINT or {_PREFIX}ENDPOINT to be set; neither is")
    return OtlpHttpTarget(
        url, headers=_headers(environ), timeout=_timeout(environ), gzip=_gzip(environ)
    )


def _has_path(value: str) -> bool:
    return urllib.parse.urlsplit(value.strip()).path not in {"", "/"}


def _checked_url(value: str, *, append_path: bool, source: str = "") -> str:
    url = value.strip()
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        where = f"{source}: " if source else ""
        raise TargetError(
            f"{where}expected an OTLP/HTTP endpoint URL such as http://127.0.0.1:4318 "
            f"(or its {TRACES_PATH} URL); got {value!r}"
        )
    try:
        parts.port  # noqa: B018 - a port that is not a number raises here
    except ValueError as error:
        raise TargetError(f"{source + ': ' if source else ''}{error} in {value!r}") from None
    if append_path:
        url = url.rstrip("/") + TRACES_PATH
    return url


def _variable(environ: Mapping[str, str], suffix: str) -> tuple[str | None, str]:
    for name in (f"{_SIGNAL}{suffix}", f"{_PREFIX}{suffix}"):
        value = environ.get(name)
        if value is not None and value.strip():
            return value, name
    return None, f"{_PREFIX}{suffix}"


def _headers(environ: Mapping[str, str]) -> dict[str, str]:
    text, name = _variable(environ, "HEADERS")
    headers: dict[str, str] = {}
    for entry in (text or "").split(","):
        if not entry.strip():
            continue
        key, equals, value = entry.partition("=")
        if not equals or not key.strip():
            raise TargetError(f"{name}: expected key=value pairs separated by commas; got {text!r}")
        headers[urllib.parse.unquote(key.strip())] = urllib.parse.unquote(value.strip())
    return headers


def _timeout(environ: Mapping[str, str]) -> float:
    text, name = _variable(environ, "TIMEOUT")
    if text is None:
        return DEFAULT_TIMEOUT_SECONDS
    try:
        milliseconds = float(text)
    except ValueError:
        milliseconds = -1.0
    if not milliseconds > 0:
        raise TargetError(f"{name}: expected a positive number of milliseconds; got {text!r}")
    return milliseconds / 1000


def _gzip(environ: Mapping[str, str]) -> bool:
    text, name = _variable(environ, "COMPRESSION")
    value = (text or "none").strip().lower()
    if value not in {"gzip", "none"}:
        raise TargetError(f"{name}: expected gzip or none; got {text!r}")
    return value == "gzip"
