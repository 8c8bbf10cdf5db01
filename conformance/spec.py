"""Load, render and query the hand-written service specs in ``specs/``.

A spec file (``specs/<service>.yaml``) describes every API version of one service and both
checking profiles. :func:`render` turns it into one plain, concrete OpenAPI 3.1 document for a
single version and profile, following the conventions in ``ARCHITECTURE.md`` ("Spec
conventions"):

1. drop operations whose ``x-api-versions`` does not list the version (and empty path items);
2. walk the document and, in every object, shallow-merge ``x-version-overrides[<version>]`` and
   then ``x-profile-overrides[<profile>]`` (a ``null`` value deletes the key), removing both
   override keys everywhere;
3. put the version where the service expects it: ``info.x-api-version-in: path`` replaces the
   literal ``{apiVersion}`` path segment and drops the ``apiVersion`` path parameter (Face);
   ``query`` pins the ``api-version`` query parameter to ``enum: [version]`` with that default.

:class:`Spec` answers the questions checks and scenarios ask (which operation is this request,
which statuses are documented, what schema must this body satisfy) using upstream Azure
operationIds. :func:`validate` runs Draft 2020-12 with format checking for ``date-time``
(RFC 3339), ``uuid`` and ``uri``, implemented here with the standard library so the result
does not depend on optional jsonschema extras.

Source: ARCHITECTURE.md "Spec conventions"; API-DIGEST §1.1 (Face path versioning), §2.1 and
§3.1 (query ``api-version``).
"""

from __future__ import annotations

import copy
import difflib
import functools
import json
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterator
from urllib.parse import urlsplit

import jsonschema
import yaml

import specs

__all__ = [
    "PROFILES",
    "Operation",
    "Spec",
    "api_versions",
    "default_api_version",
    "load_source",
    "render",
    "services",
    "validate",
]

PROFILES: tuple[str, ...] = ("strict", "lenient")

HTTP_METHODS: tuple[str, ...] = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

_VERSION_OVERRIDES = "x-version-overrides"
_PROFILE_OVERRIDES = "x-profile-overrides"


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------


def services() -> list[str]:
    """Names of every service that has a spec file (``specs/<service>.yaml``), sorted."""
    return sorted(path.stem for path in specs.SPEC_DIR.glob("*.yaml"))


def _check_service(service: str) -> None:
    known = services()
    if service not in known:
        raise ValueError(f"unknown service {service!r}; valid services: {', '.join(known)}")


@functools.cache
def _source(service: str) -> dict[str, Any]:
    _check_service(service)
    with specs.spec_path(service).open(encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    if not isinstance(raw, dict):
        raise ValueError(f"specs/{service}.yaml does not hold a mapping at the top level")
    # A JSON round trip removes YAML anchor sharing, so in-place rendering never aliases.
    try:
        return json.loads(json.dumps(raw))
    except TypeError as error:  # e.g. an unquoted 2026-01-01 that YAML read as a date
        raise ValueError(f"specs/{service}.yaml holds a non-JSON value (quote dates and times): {error}") from None


def load_source(service: str) -> dict[str, Any]:
    """The raw spec file of ``service`` as a dict (a fresh deep copy; the cache stays intact).

    Raises ValueError naming the valid services when ``service`` has no spec file.
    """
    return copy.deepcopy(_source(service))


def api_versions(service: str) -> list[str]:
    """Every API version ``service``'s spec describes, oldest first (``info.x-api-versions``)."""
    return list(_source(service)["info"]["x-api-versions"])


def default_api_version(service: str) -> str:
    """The version used when none is asked for (``info.x-default-api-version``)."""
    return str(_source(service)["info"]["x-default-api-version"])


# --------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------


def render(service: str, version: str | None = None, profile: str = "strict") -> dict[str, Any]:
    """A concrete OpenAPI 3.1 document for one version and one profile (a fresh deep copy).

    ``version`` defaults to the service's default version. Raises ValueError listing the valid
    values for an unknown service, version or profile.
    Source: ARCHITECTURE.md "Spec conventions".
    """
    _check_service(service)
    resolved = version if version is not None else default_api_version(service)
    valid_versions = api_versions(service)
    if resolved not in valid_versions:
        raise ValueError(
            f"unknown API version {resolved!r} for service {service!r}; "
            f"valid versions: {', '.join(valid_versions)}"
        )
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; valid profiles: {', '.join(PROFILES)}")
    return copy.deepcopy(_render_cached(service, resolved, profile))


@functools.cache
def _render_cached(service: str, version: str, profile: str) -> dict[str, Any]:
    document = copy.deepcopy(_source(service))
    _filter_operations(document, version)
    document = _apply_overrides(document, version, profile)
    where = document.get("info", {}).get("x-api-version-in")
    if where == "path":
        _version_in_path(document, version)
    elif where == "query":
        _version_in_query(document, version)
    else:
        raise ValueError(f"specs/{service}.yaml: info.x-api-version-in must be 'path' or 'query', got {where!r}")
    return document


def _filter_operations(document: dict[str, Any], version: str) -> None:
    paths = document.get("paths", {})
    for template in list(paths):
        item = paths[template]
        for method in HTTP_METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            allowed = operation.pop("x-api-versions", None)
            if allowed is not None and version not in allowed:
                del item[method]
        if not any(method in item for method in HTTP_METHODS):
            del paths[template]


def _merge(node: dict[str, Any], override: dict[str, Any]) -> None:
    for key, value in override.items():
        if value is None:
            node.pop(key, None)
        else:
            node[key] = value


def _apply_overrides(node: Any, version: str, profile: str) -> Any:
    if isinstance(node, dict):
        version_overrides = node.pop(_VERSION_OVERRIDES, None)
        profile_overrides = node.pop(_PROFILE_OVERRIDES, None)
        if version_overrides and version in version_overrides:
            _merge(node, copy.deepcopy(version_overrides[version]))
        if profile_overrides and profile in profile_overrides:
            _merge(node, copy.deepcopy(profile_overrides[profile]))
        for key in list(node):
            node[key] = _apply_overrides(node[key], version, profile)
        return node
    if isinstance(node, list):
        return [_apply_overrides(item, version, profile) for item in node]
    return node


def _resolve_pointer(document: dict[str, Any], ref: str) -> Any:
    if not ref.startswith("#/"):
        raise ValueError(f"only local $refs are supported, got {ref!r}")
    target: Any = document
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        target = target[part]
    return target


def _deref(document: dict[str, Any], node: Any) -> Any:
    seen = 0
    while isinstance(node, dict) and "$ref" in node and seen < 32:
        node = _resolve_pointer(document, node["$ref"])
        seen += 1
    return node


def _is_path_version_parameter(document: dict[str, Any], parameter: Any) -> bool:
    resolved = _deref(document, parameter)
    return isinstance(resolved, dict) and resolved.get("in") == "path" and resolved.get("name") == "apiVersion"


def _version_in_path(document: dict[str, Any], version: str) -> None:
    paths = document.get("paths", {})
    rendered: dict[str, Any] = {}
    for template, item in paths.items():
        for holder in [item, *(item[m] for m in HTTP_METHODS if isinstance(item.get(m), dict))]:
            if "parameters" in holder:
                holder["parameters"] = [
                    p for p in holder["parameters"] if not _is_path_version_parameter(document, p)
                ]
                if not holder["parameters"]:
                    del holder["parameters"]
        rendered[template.replace("{apiVersion}", version)] = item
    document["paths"] = rendered
    parameters = document.get("components", {}).get("parameters", {})
    for name in list(parameters):
        if _is_path_version_parameter(document, parameters[name]):
            del parameters[name]


def _version_in_query(document: dict[str, Any], version: str) -> None:
    def pin(parameter: Any) -> None:
        if isinstance(parameter, dict) and parameter.get("in") == "query" and parameter.get("name") == "api-version":
            schema = parameter.setdefault("schema", {"type": "string"})
            schema["enum"] = [version]
            schema["default"] = version

    for parameter in document.get("components", {}).get("parameters", {}).values():
        pin(parameter)
    for item in document.get("paths", {}).values():
        for parameter in item.get("parameters", []):
            pin(parameter)
        for method in HTTP_METHODS:
            for parameter in (item.get(method) or {}).get("parameters", []):
                pin(parameter)


# --------------------------------------------------------------------------------------------
# Querying
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    """One rendered operation: its upstream Azure operationId, method, path template, definition."""

    operation_id: str
    method: str
    path: str
    definition: dict[str, Any]


class Spec:
    """A rendered spec (one service, version and profile) with operation look-ups.

    Operations are found by their upstream Azure operationId: the document's ``operationId``,
    every id in ``x-operation-ids`` (one OpenAPI operation that Azure splits by media type, e.g.
    add-face from URL vs. from stream) and the older names in ``x-upstream-operation-id(s)``
    (Face v1.0). Source: ARCHITECTURE.md "Spec conventions"; API-DIGEST §1.2.
    """

    def __init__(self, service: str, version: str | None = None, profile: str = "strict") -> None:
        self.document: dict[str, Any] = render(service, version, profile)
        self.service: str = service
        self.version: str = version if version is not None else default_api_version(service)
        self.profile: str = profile
        self._operations: list[Operation] = list(self._iter_operations())
        self._index: dict[str, Operation] = {}
        for operation in self._operations:
            for name in _operation_names(operation.definition):
                self._index.setdefault(name, operation)
        self._matchers: list[tuple[int, int, re.Pattern[str], Operation]] = []
        for operation in self._operations:
            pattern, params = _template_regex(operation.path)
            literal = len(operation.path) - sum(len(p) + 2 for p in params)
            self._matchers.append((len(params), -literal, pattern, operation))
        self._matchers.sort(key=lambda entry: (entry[0], entry[1]))

    def __repr__(self) -> str:
        return f"Spec(service={self.service!r}, version={self.version!r}, profile={self.profile!r})"

    def _iter_operations(self) -> Iterator[Operation]:
        for template, item in self.document.get("paths", {}).items():
            for method in HTTP_METHODS:
                definition = item.get(method)
                if isinstance(definition, dict):
                    yield Operation(str(definition["operationId"]), method.upper(), template, definition)

    def operations(self) -> list[Operation]:
        """Every operation of the rendered document, in document order."""
        return list(self._operations)

    def operation(self, operation_id: str) -> Operation:
        """The operation known by ``operation_id``; KeyError naming close matches otherwise."""
        try:
            return self._index[operation_id]
        except KeyError:
            close = difflib.get_close_matches(operation_id, list(self._index), n=5, cutoff=0.5)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise KeyError(
                f"no operation {operation_id!r} in {self.service} {self.version} ({self.profile}){hint}"
            ) from None

    def match(self, method: str, path: str) -> Operation | None:
        """The operation whose templated path matches a concrete request path, or None.

        The query string is ignored; literal segments win over path parameters.
        """
        bare = path.split("?", 1)[0].split("#", 1)[0]
        wanted = method.upper()
        for _, _, pattern, operation in self._matchers:
            if operation.method == wanted and pattern.fullmatch(bare):
                return operation
        return None

    def documented_statuses(self, operation_id: str) -> set[str]:
        """The keys of the operation's ``responses`` (e.g. ``{"200", "404", "default"}``)."""
        return set(self.operation(operation_id).definition.get("responses", {}))

    def _memo(self, kind: str, key: tuple, compute: Any) -> Any:
        """Per-Spec memo for the query methods: a rendered document never changes, and checks ask
        the same questions for every response (measured: most of the stateless phase's check time)."""
        cache = self.__dict__.setdefault("_cache", {})
        full = (kind, *key)
        if full not in cache:
            cache[full] = compute()
        return cache[full]

    def response(self, operation_id: str, status: int) -> dict[str, Any] | None:
        """The response object for ``status``: exact code, then ``4XX``/``5XX``, then ``default``.

        ``$ref``s to ``components.responses`` are resolved. None when nothing applies. The
        result is shared and must be treated as read-only (the same holds for
        :meth:`response_schema` and :meth:`response_headers`).
        """

        def compute() -> dict[str, Any] | None:
            responses = self.operation(operation_id).definition.get("responses", {})
            for key in (str(status), f"{status // 100}XX", f"{status // 100}xx", "default"):
                if key in responses:
                    return copy.deepcopy(_deref(self.document, responses[key]))
            return None

        return self._memo("response", (operation_id, status), compute)

    def response_schema(
        self, operation_id: str, status: int, media_type: str = "application/json"
    ) -> dict[str, Any] | None:
        """A self-contained JSON Schema for the response body, or None if none is documented.

        ``components.schemas`` references are bundled under ``$defs`` so the result can be
        given to jsonschema (or :func:`validate`) directly.
        """
        def compute() -> dict[str, Any] | None:
            response = self.response(operation_id, status)
            if response is None:
                return None
            content = response.get("content") or {}
            media = content.get(media_type)
            if media is None or "schema" not in media:
                return None
            return self.bundle(media["schema"])

        return self._memo("response_schema", (operation_id, status, media_type), compute)

    def response_headers(self, operation_id: str, status: int) -> dict[str, dict[str, Any]]:
        """The documented response headers for ``status``, keyed by lower-cased name, refs resolved."""
        def compute() -> dict[str, dict[str, Any]]:
            response = self.response(operation_id, status)
            if response is None:
                return {}
            headers: dict[str, dict[str, Any]] = {}
            for name, header in (response.get("headers") or {}).items():
                resolved = copy.deepcopy(_deref(self.document, header))
                if "schema" in resolved:
                    resolved["schema"] = self.bundle(resolved["schema"])
                headers[name.lower()] = resolved
            return headers

        return self._memo("response_headers", (operation_id, status), compute)

    def error_codes(self, operation_id: str, status: int) -> list[str]:
        """The documented ``error.code`` values (``x-error-codes``) for ``status``; [] if none."""
        response = self.response(operation_id, status)
        if response is None:
            return []
        return list(response.get("x-error-codes", []))

    def long_running(self, operation_id: str) -> dict[str, Any] | None:
        """How the operation's outcome is polled (``x-long-running``), or None."""
        value = self.operation(operation_id).definition.get("x-long-running")
        return copy.deepcopy(value) if value is not None else None

    def source(self, operation_id: str, status: int | None = None) -> str:
        """The nearest ``x-source``: the response's (when ``status`` is given), the operation's, the file's."""
        if status is not None:
            response = self.response(operation_id, status)
            if response is not None and "x-source" in response:
                return str(response["x-source"])
        definition = self.operation(operation_id).definition
        if "x-source" in definition:
            return str(definition["x-source"])
        return str(self.document.get("info", {}).get("x-source", f"specs/{self.service}.yaml"))

    def schema(self, name: str) -> dict[str, Any]:
        """``components.schemas[name]`` as a self-contained JSON Schema; KeyError if unknown."""
        schemas = self.document.get("components", {}).get("schemas", {})
        if name not in schemas:
            close = difflib.get_close_matches(name, list(schemas), n=5, cutoff=0.5)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise KeyError(f"no schema {name!r} in {self.service} {self.version} ({self.profile}){hint}")
        return self.bundle({"$ref": f"#/components/schemas/{name}"})

    def bundle(self, schema: dict[str, Any]) -> dict[str, Any]:
        """``schema`` made self-contained: ``#/components/schemas/X`` refs bundled under ``$defs``."""
        schemas = self.document.get("components", {}).get("schemas", {})
        needed: dict[str, Any] = {}
        pending = [schema]
        while pending:
            for ref in _refs(pending.pop()):
                name = _schema_ref_name(ref)
                if name not in needed:
                    if name not in schemas:
                        raise KeyError(f"dangling $ref {ref!r} in {self.service} {self.version}")
                    needed[name] = schemas[name]
                    pending.append(schemas[name])
        bundled = _rewrite_refs(copy.deepcopy(schema))
        if needed:
            bundled = dict(bundled)
            bundled["$defs"] = {name: _rewrite_refs(copy.deepcopy(body)) for name, body in sorted(needed.items())}
        return bundled


def _operation_names(definition: dict[str, Any]) -> list[str]:
    names = [str(definition["operationId"])]
    names.extend(str(v) for v in (definition.get("x-operation-ids") or {}).values())
    if definition.get("x-upstream-operation-id"):
        names.append(str(definition["x-upstream-operation-id"]))
    names.extend(str(v) for v in (definition.get("x-upstream-operation-ids") or {}).values())
    return names


def _template_regex(template: str) -> tuple[re.Pattern[str], list[str]]:
    params = re.findall(r"\{([^{}]+)\}", template)
    parts = re.split(r"\{[^{}]+\}", template)
    pattern = "[^/]+".join(re.escape(part) for part in parts)
    return re.compile(pattern), params


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            yield ref
        for key, value in node.items():
            if key != "$ref":
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def _schema_ref_name(ref: str) -> str:
    prefix = "#/components/schemas/"
    if not ref.startswith(prefix):
        raise KeyError(f"schema $ref {ref!r} does not point into components.schemas")
    return ref[len(prefix):]


def _rewrite_refs(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            key: ("#/$defs/" + _schema_ref_name(value) if key == "$ref" and isinstance(value, str) else _rewrite_refs(value))
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_rewrite_refs(item) for item in node]
    return node


# --------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------

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
