"""JSON Schema validation of bodies: Draft 2020-12 with format checking.

:func:`validate` checks ``date-time`` (RFC 3339), ``uuid`` and ``uri`` with the standard
library, so the result does not depend on optional jsonschema extras; validators are cached
per schema object.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import jsonschema

__all__ = ["validate"]


_RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"
)
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_URI_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*$")
_URI_FORBIDDEN = re.compile(r"[\s<>\"{}|\\^`\x00-\x1f\x7f]")


def _is_date_time(value: object) -> bool:
    """RFC 3339 ``date-time``: full date, ``T``, full time, mandatory ``Z`` or numeric offset."""
    if not isinstance(value, str):
        return True
    match = _RFC3339.match(value)
    if match is None:
        return False
    fraction = (match.group(7) or "")[:7]  # datetime keeps microseconds: a dot and six digits
    offset = match.group(8)
    offset = "+00:00" if offset in ("Z", "z") else offset
    normalised = f"{match.group(1)}-{match.group(2)}-{match.group(3)}T{match.group(4)}:{match.group(5)}:"
    seconds = match.group(6)
    if seconds == "60":  # RFC 3339 allows a leap second; datetime does not
        seconds = "59"
    normalised += f"{seconds}{fraction}{offset}"
    try:
        datetime.fromisoformat(normalised)
    except ValueError:
        return False
    return True


def _is_uuid(value: object) -> bool:
    """RFC 4122 textual form: 8-4-4-4-12 hexadecimal digits (no braces, no URN prefix)."""
    if not isinstance(value, str):
        return True
    if _UUID.match(value) is None:
        return False
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _is_uri(value: object) -> bool:
    """RFC 3986 absolute URI: a scheme, then a hierarchical part, no spaces or forbidden characters."""
    if not isinstance(value, str):
        return True
    if not value or _URI_FORBIDDEN.search(value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    if not parts.scheme or _URI_SCHEME.match(parts.scheme) is None:
        return False
    if value[len(parts.scheme)] != ":":
        return False
    rest = value[len(parts.scheme) + 1:]
    if not rest:
        return False
    if rest.startswith("//") and not parts.netloc:
        return False
    return True


def _format_checker() -> jsonschema.FormatChecker:
    checker = jsonschema.FormatChecker(formats=())
    checker.checks("date-time")(_is_date_time)
    checker.checks("uuid")(_is_uuid)
    checker.checks("uri")(_is_uri)
    return checker


_FORMAT_CHECKER = _format_checker()


_VALIDATORS: dict[int, tuple[dict[str, Any], Any]] = {}


def _validator_for(schema: dict[str, Any]) -> Any:
    """A compiled validator per schema object (the memoised Spec hands out the same objects)."""
    entry = _VALIDATORS.get(id(schema))
    if entry is None or entry[0] is not schema:
        if len(_VALIDATORS) > 4096:
            _VALIDATORS.clear()
        entry = (schema, jsonschema.Draft202012Validator(schema, format_checker=_FORMAT_CHECKER))
        _VALIDATORS[id(schema)] = entry
    return entry[1]


def validate(schema: dict[str, Any], instance: object) -> list[str]:
    """Validate ``instance`` against ``schema`` (Draft 2020-12, format checking on).

    Returns one readable message per error, prefixed by the JSON path of the failing value
    (``$.error.code: 'code' is a required property``), sorted; [] when the instance is valid.
    ``date-time`` (RFC 3339), ``uuid`` and ``uri`` formats are asserted.
    """
    validator = _validator_for(schema)
    messages: list[str] = []
    for error in sorted(validator.iter_errors(instance), key=lambda e: (e.json_path, e.message)):
        messages.append(f"{error.json_path}: {error.message}")
        for sub in sorted(error.context or [], key=lambda e: (e.json_path, e.message)):
            messages.append(f"  {sub.json_path}: {sub.message}")
    return messages
