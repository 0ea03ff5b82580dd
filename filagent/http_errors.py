"""Refused requests answer in one shape, ``{"error", "detail", "fields"}``, naming the field.

FastAPI's own validation and decoding errors are rewritten into that shape:
a field path such as ``messages[0].content``, what was expected and what was
found (never the whole value: it is request text).

Example::

    app = FastAPI()
    install_error_handlers(app)
    return error_response(422, [{"field": "messages", "message": "needs a user message"}])
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException


def error_response(status: int, problems: list[dict[str, str]]) -> JSONResponse:
    """The one shape of a refused request: what is wrong, field by field.

    Example: ``error_response(422, [{"field": "messages", "message": "needs a non-empty
    user message"}])`` answers ``{"error": "invalid request", "detail": "messages: needs
    a non-empty user message", "fields": [...]}``.
    """
    summary = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
    return JSONResponse(
        status_code=status,
        content=jsonable_encoder(
            {"error": "invalid request", "detail": summary, "fields": problems}
        ),
    )


def internal_error_response(trace_id: str) -> JSONResponse:
    """The answer to a failure FilAgent did not expect: 500, in the one shape, naming the trace.

    Example: ``internal_error_response("4bf9…")`` answers ``{"error": "internal error",
    "detail": "an unexpected error ...; trace 4bf9…", "fields": []}``.
    """
    detail = "an unexpected error stopped this request; it is logged and traced"
    if trace_id:
        detail += f" (trace {trace_id})"
    return JSONResponse(
        status_code=500, content={"error": "internal error", "detail": detail, "fields": []}
    )


def install_error_handlers(app: FastAPI) -> None:
    """Answer 4xx in one shape, ``{"error", "detail", "fields"}``, naming the field.

    Example: ``install_error_handlers(app)`` right after ``app = FastAPI()``.
    """

    @app.exception_handler(RequestValidationError)
    async def _invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        content_type = request.headers.get("content-type", "")
        # FastAPI hands over the raw bytes when the body was not declared as JSON.
        if isinstance(exc.body, bytes) and not _is_json_media_type(content_type):
            found = repr(content_type) if content_type else "no Content-Type header"
            problem = {
                "field": "Content-Type",
                "message": f"expected application/json, found {found}",
            }
            return error_response(415, [problem])
        return error_response(422, _field_errors(exc.errors()))

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, exc: HTTPException) -> Response:
        if request.url.path == "/chat" and exc.status_code == 400:
            # FastAPI's own text for a body it cannot decode names no field.
            if isinstance(exc.__cause__, RecursionError):
                message = (
                    "JSON nested too deeply: expected arrays and objects nested at most "
                    "a few hundred levels"
                )
            else:
                message = "unreadable body: expected UTF-8 encoded JSON"
            return error_response(400, [{"field": "body", "message": message}])
        return await http_exception_handler(request, exc)


def _is_json_media_type(content_type: str) -> bool:
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


def _field_errors(errors: Any) -> list[dict[str, str]]:
    problems = []
    for error in errors:
        loc = error.get("loc", ())
        kind = error.get("type")
        if kind == "json_invalid":
            at = f" at character {loc[1]}" if len(loc) > 1 else ""
            reason = error.get("ctx", {}).get("error", "")
            problems.append({"field": "body", "message": f"malformed JSON{at}: {reason}"})
            continue
        field = _dotted([str(part) for part in loc if part != "body"]) or "body"
        message = str(error.get("msg", "invalid value"))
        if field == "body" and kind == "missing":
            message = 'expected a JSON object such as {"messages": [...]}, found an empty body'
        elif field == "body" and kind in ("dict_type", "model_attributes_type", "model_type"):
            message = 'expected a JSON object such as {"messages": [...]}'
        if kind not in ("missing", "extra_forbidden"):
            message += f", found {_json_kind(error.get('input'))}"
        problems.append({"field": field, "message": message})
    return problems


def _json_kind(value: Any) -> str:
    """What a request value was, as a JSON reader names it; short strings are shown."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return repr(value) if len(value) <= 40 else f"a string of {len(value)} characters"
    if isinstance(value, (list, tuple)):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _dotted(location: list[str]) -> str:
    path = ""
    for part in location:
        path += f"[{part}]" if part.isdigit() else (f".{part}" if path else part)
    return path
