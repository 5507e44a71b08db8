"""The one shape of every JSON error, for the API and the pages' JSON twins alike:
`{"error": {"code": ..., "message": ...}}`, plus fields of its own (suggestions)."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse

# The code each status gets unless a caller names another.
CODES = {
    400: "bad_request",
    401: "unauthorized",
    404: "not_found",
    405: "method_not_allowed",
    422: "invalid_parameter",
}


def error_body(status: int, message: str, code: str | None = None, **extra: Any) -> dict:
    return {"error": {"code": code or CODES.get(status, "http_error"), "message": message, **extra}}


def json_error(
    status: int,
    message: str,
    code: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    return JSONResponse(
        error_body(status, message, code, **extra), status_code=status, headers=headers
    )
