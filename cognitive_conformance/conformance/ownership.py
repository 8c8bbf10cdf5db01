"""What a run may touch: generated path ids drawn from the run's own id space.

A live target holds someone's data. The stateless phase sends every request with path ids
Hypothesis or Schemathesis' coverage phase generated (``0``, an example of the spec, ``a``...),
and on a real resource such an id may name a user's person group. Before a case is sent, every
*resource id* among its path parameters is rewritten into the run's space:

* a text id becomes ``cc-<run id>-<version tag>-<generated id>`` (:mod:`conformance.naming`),
  cut to the parameter's ``maxLength``; where the cut breaks the pattern, ``<prefix><hash>``;
* an id that must be a UUID (``format: uuid``: Speaker profile ids, Face personId,
  persistedFaceId, operationId) becomes a fresh random UUID, which no existing resource has.

**Validity class is kept.** A case meant to send an invalid id (too long, a bad character,
not a UUID) must stay invalid, or the negative checks would judge a valid request:

* an invalid id becomes ``<prefix><generated id>``: a too-long id stays too long, a bad
  character stays, a non-UUID stays a non-UUID (and nothing can exist under it);
* where the prefix would make it valid (an empty or too short id), it is padded past
  ``maxLength`` or given a character the pattern refuses (``~``, ``!``);
* a value that can be kept in neither class is not sent (:func:`owned_path_parameters`
  answers ``False`` and the case is skipped).

Ids in a write's body that refer to another resource (Custom Voice's ``projectId`` and
``consentId`` in a consent or personal-voice create; any top-level ``…Id`` field but ``id``
itself) are moved the same way (:func:`owned_body_references`): a generated create can then
only point at a parent this run owns or one that cannot exist, never put a new resource into
a user's project.

**No id addresses another path.** Schemathesis hands path parameters over percent-encoded,
and a live gateway may decode ``%2F`` into ``/`` or resolve ``..`` before routing, so
``cc-<run>-a%2F..%2F..%2Fgroup`` could reach a user's ``group``. Every path parameter (a
resource id or not) is therefore decoded once and each ``/``, a backslash and ``%`` in it is replaced by
``~`` before it is moved and encoded again (:func:`path_safe`): the id stays one segment whatever the
target decodes. A value that would still be empty or a dot segment, or whose validity class the
replacement would change, is not sent. The transport refuses a path with an encoded slash or a dot
segment as a last guard (``transport.AmbiguousPath``).

Which parameters are resource ids: every path parameter of a write (any method but
GET/HEAD/OPTIONS), and in reads those that appear in some ``DELETE`` path of the spec (a
resource that can exist) or are UUIDs. Other read parameters (Speaker's ``{locale}``) are
values, not resources, and are kept.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from typing import Any
from urllib.parse import quote, unquote

__all__ = [
    "READ_METHODS",
    "is_write",
    "owned_body_references",
    "owned_id",
    "owned_path_parameters",
    "path_safe",
    "reference_schemas",
    "resource_parameters",
]

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_INVALID_SUFFIXES = ("~", "!", " ", "\u00e9")
_SEPARATORS = str.maketrans({"/": "~", "\\": "~", "%": "~"})


def is_write(method: str) -> bool:
    return method.upper() not in READ_METHODS


def _valid(value: str, schema: dict[str, Any]) -> bool:
    import jsonschema

    try:
        jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(value)
    except jsonschema.ValidationError:
        return False
    except jsonschema.SchemaError:  # pragma: no cover - the specs are validated elsewhere
        return False
    return True


def _is_uuid_schema(schema: dict[str, Any]) -> bool:
    return schema.get("format") == "uuid"


def owned_id(value: Any, schema: dict[str, Any], prefix: str) -> str | None:
    """``value`` moved into the run's id space with the same validity for ``schema``; ``None`` if impossible.

    ``schema`` is the parameter's resolved JSON schema; ``prefix`` the run's (``cc-<run>-<tag>-``).
    """
    text = "" if value is None else str(value)
    valid = _valid(text, schema)
    if _is_uuid_schema(schema) and valid:
        return str(uuid.uuid4())
    max_len = schema.get("maxLength")
    if valid:
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
        for candidate in (prefix + text, prefix + digest):
            candidate = candidate[: int(max_len)] if max_len is not None else candidate
            if _valid(candidate, schema):
                return candidate
        return None
    candidates = [prefix + text]
    if max_len is not None:
        candidates.append((prefix + text).ljust(int(max_len) + 1, "x"))
    candidates += [prefix + text + suffix for suffix in _INVALID_SUFFIXES]
    for candidate in candidates:
        if not _valid(candidate, schema):
            return candidate
    return None


def resource_parameters(document: dict[str, Any]) -> frozenset[str]:
    """Names of path parameters that name a resource: those in some DELETE path of the rendered spec."""
    names: set[str] = set()
    for template, item in (document.get("paths") or {}).items():
        if isinstance(item, dict) and "delete" in item:
            names.update(re.findall(r"\{([^{}]+)\}", template))
    return frozenset(names)


def path_safe(decoded: str) -> str:
    """``decoded`` (a path parameter after one percent-decoding) with every ``/``, ``\\`` and ``%`` made ``~``.

    No decoding a target may do (``%2F`` to ``/``, a second pass over ``%25``) can then split it
    into two segments or climb out of its collection.
    """
    return decoded.translate(_SEPARATORS)


def owned_path_parameters(case: Any, operation: Any, prefix: str, resources: frozenset[str]) -> bool:
    """Rewrite ``case.path_parameters`` (a Schemathesis case) into the run's id space, in place.

    Returns ``False`` when an id could not be moved (or made one segment, :func:`path_safe`) without
    changing its validity class: the case must not be sent.
    """
    params = getattr(case, "path_parameters", None)
    if not params:
        return True
    write = is_write(case.method)
    for param in operation.path_parameters:
        name = param.name
        if name not in params:
            continue
        schema = (param.definition or {}).get("schema") or {}
        decoded = unquote("" if params[name] is None else str(params[name]))
        safe = path_safe(decoded)
        if safe != decoded and _valid(safe, schema) != _valid(decoded, schema):
            return False
        if write or name in resources or _is_uuid_schema(schema):
            moved = owned_id(safe, schema, prefix)
            if moved is None:
                return False
            safe = moved
        if safe in ("", ".", "..") or "/" in safe:
            return False
        params[name] = quote(safe, safe="")
    return True


def reference_schemas(document: dict[str, Any], definition: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The resolved schemas of the ``…Id`` fields of an operation's request bodies (JSON and form), by name."""
    from cognitive_conformance.conformance.spec_render import deref

    found: dict[str, dict[str, Any]] = {}
    body = deref(document, definition.get("requestBody") or {})
    for media in (body.get("content") or {}).values() if isinstance(body, dict) else ():
        schema = deref(document, (media or {}).get("schema") or {})
        for name, prop in ((schema or {}).get("properties") or {}).items() if isinstance(schema, dict) else ():
            if _is_reference(name):
                resolved = deref(document, prop)
                found.setdefault(name, resolved if isinstance(resolved, dict) else {})
    return found


def _is_reference(name: str) -> bool:
    return name != "id" and name.endswith("Id") and len(name) > 2


def owned_body_references(case: Any, schemas: dict[str, dict[str, Any]], prefix: str) -> bool:
    """Rewrite a write case's top-level ``…Id`` body fields into the run's id space, in place.

    ``schemas``: :func:`reference_schemas` of the operation (only those fields are references).
    Returns ``False`` when a value could not keep its validity class.
    """
    body = getattr(case, "body", None)
    if not is_write(case.method) or not isinstance(body, dict):
        return True
    for name, value in list(body.items()):
        if name not in schemas or not isinstance(value, str):
            continue
        moved = owned_id(value, schemas[name], prefix)
        if moved is None:
            return False
        body[name] = moved
    return True
