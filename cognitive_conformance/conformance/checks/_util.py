"""Small helpers shared by the check families (no I/O)."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

from cognitive_conformance.conformance.flows.status import norm_status
from cognitive_conformance.conformance.transport import ResponseRecord

__all__ = ["error_body", "is_error", "norm_status", "parse_timestamp", "truncate"]

# The Face v1.0 Get Training Status example shows createdDateTime as "1/3/2017 4:11:35 AM" although
# it describes an ISO date-time; the observed profile accepts that shape too.
_US_DATETIME_SHAPE = re.compile(r"^\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}:\d{2} [AP]M$")


def is_error(response: ResponseRecord) -> bool:
    return response.status_code >= 400


def error_body(response: ResponseRecord) -> dict | None:
    """The ``error`` object of an error body, or ``None`` if the body is not an envelope."""
    body = response.json_or_none()
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        return body["error"]
    return None


def parse_timestamp(value: Any, *, lenient: bool) -> datetime | None:
    """Parse an RFC 3339 timestamp (and, when lenient, the US shape a Face v1.0 example shows). ``None`` if unparsable."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if re.match(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$", text):
        text = text[:-1] + "+00:00" if text[-1] in "Zz" else text
        # fromisoformat in 3.11 accepts up to 6 fractional digits; trim longer fractions
        text = re.sub(r"(\.\d{6})\d+", r"\1", text)
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
    if lenient and _US_DATETIME_SHAPE.match(text):
        try:
            return datetime.strptime(text, "%m/%d/%Y %I:%M:%S %p").replace(tzinfo=timezone.utc)
        except ValueError:
            return None
    return None


def truncate(value: Any, limit: int = 200) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
