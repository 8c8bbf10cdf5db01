"""A rendered spec with the questions checks and scenarios ask of it.

:class:`Spec` is one service, API version and profile rendered by
:mod:`conformance.spec_render`; it finds operations by upstream Azure operationId or by a
concrete request path, and answers which statuses, schemas, headers and error codes are
documented, memoising every answer (a rendered document never changes).
"""

from __future__ import annotations

import copy
import difflib
import re
from dataclasses import dataclass
from typing import Any, Iterator

from cognitive_conformance.conformance.spec_render import HTTP_METHODS, deref, default_api_version, render

__all__ = ["Operation", "Spec"]


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
    (Face v1.0). Source: ARCHITECTURE.md "Spec conventions"; https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json.
    """

    def __init__(self, service: str, version: str | None = None, profile: str = "docs") -> None:
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

        The query string is ignored; literal segments win over path parameters, whatever the method: a path
        of a more specific template (``/trainingsets/{id}:upload``) is never read as a parameter value of a
        less specific one (``/trainingsets/{id}`` with id ``x:upload``).
        """
        bare = path.split("?", 1)[0].split("#", 1)[0]
        wanted = method.upper()
        template = next((op.path for _, _, pattern, op in self._matchers if pattern.fullmatch(bare)), None)
        if template is None:
            return None
        return next((op for *_, op in self._matchers if op.path == template and op.method == wanted), None)

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
                    return copy.deepcopy(deref(self.document, responses[key]))
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
                resolved = copy.deepcopy(deref(self.document, header))
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


