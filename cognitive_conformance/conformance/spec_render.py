"""Load and render the hand-written service specs in ``specs/``.

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
"""

from __future__ import annotations

import copy
import functools
import json
import re
from dataclasses import dataclass
from typing import Any

import yaml

from cognitive_conformance import specs

__all__ = [
    "HTTP_METHODS",
    "PROFILES",
    "Link",
    "add_links",
    "api_versions",
    "default_api_version",
    "deref",
    "derive_links",
    "load_source",
    "render",
    "services",
    "standalone",
]

PROFILES: tuple[str, ...] = ("observed", "docs")

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


def render(service: str, version: str | None = None, profile: str = "docs") -> dict[str, Any]:
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
    if profile == "observed":
        _open_response_schemas(document)
    where = document.get("info", {}).get("x-api-version-in")
    if where == "path":
        _version_in_path(document, version)
    elif where == "query":
        _version_in_query(document, version)
    else:
        raise ValueError(f"specs/{service}.yaml: info.x-api-version-in must be 'path' or 'query', got {where!r}")
    return document


def _open_response_schemas(document: dict[str, Any]) -> None:
    """The observed profile reads responses as the Azure guidelines tell clients to: unknown fields and values are allowed.

    In every schema a response reaches, ``additionalProperties: false`` is dropped (the real
    service adds fields, e.g. ``lastSuccessfulTrainingId``:
    tests/reference/recordings/README.md behaviour 4), and so is the ``enum`` of a schema marked
    extensible (``x-ms-enum: {modelAsString: true}``, as the upstream specs mark them) unless a
    request also uses that schema (generated requests keep to the documented values). Status
    fields that drive polling are never marked extensible: an unknown status is always a
    failure. Source: https://github.com/microsoft/api-guidelines/blob/vNext/azure/Guidelines.md#extensible-enums
    (clients must accept values they do not know).
    """
    schemas = document.get("components", {}).get("schemas", {})
    requests: set[str] = set()
    responses: set[str] = set()
    request_nodes: list[Any] = []
    response_nodes: list[Any] = []
    for item in document.get("paths", {}).values():
        for method in HTTP_METHODS:
            operation = item.get(method) if isinstance(item, dict) else None
            if not isinstance(operation, dict):
                continue
            request_nodes += [operation.get("parameters"), operation.get("requestBody")]
            response_nodes.append(operation.get("responses"))
        if isinstance(item, dict):
            request_nodes.append(item.get("parameters"))
    for component in ("parameters", "requestBodies"):
        request_nodes.append(document.get("components", {}).get(component))
    response_nodes.append(document.get("components", {}).get("responses"))

    def closure(nodes: list[Any], names: set[str]) -> list[dict]:
        reached: list[dict] = []
        stack = list(nodes)
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                reached.append(node)
                ref = node.get("$ref")
                if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
                    name = ref.rsplit("/", 1)[-1]
                    if name not in names and name in schemas:
                        names.add(name)
                        stack.append(schemas[name])
                elif isinstance(ref, str) and ref.startswith("#/components/"):
                    target: Any = document
                    for part in ref[2:].split("/"):
                        target = target.get(part) if isinstance(target, dict) else None
                    if isinstance(target, dict) and all(target is not r for r in reached):
                        stack.append(target)
                stack.extend(v for k, v in node.items() if k != "$ref")
            elif isinstance(node, list):
                stack.extend(node)
        return reached

    request_reached = {id(n) for n in closure(request_nodes, requests)}
    for node in closure(response_nodes, responses):
        if node.get("additionalProperties") is False:
            del node["additionalProperties"]
        extensible = isinstance(node.get("x-ms-enum"), dict) and node["x-ms-enum"].get("modelAsString") is True
        if extensible and "enum" in node and id(node) not in request_reached:
            del node["enum"]


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


def deref(document: dict[str, Any], node: Any) -> Any:
    seen = 0
    while isinstance(node, dict) and "$ref" in node and seen < 32:
        node = _resolve_pointer(document, node["$ref"])
        seen += 1
    return node


def _is_path_version_parameter(document: dict[str, Any], parameter: Any) -> bool:
    resolved = deref(document, parameter)
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
# OpenAPI links and the standalone document
# --------------------------------------------------------------------------------------------

_PARAM = re.compile(r"^\{([^{}]+)\}$")


@dataclass(frozen=True)
class Link:
    """One derived OpenAPI link: after ``source`` answers ``status``, call ``target`` with ``parameters``."""

    source: str  # operationId
    status: str  # a documented 2xx status of the source
    target: str  # operationId
    parameters: tuple[tuple[str, str], ...]  # ("path.<name>", runtime expression)
    reason: str  # how it was derived, for the link's description

    @property
    def name(self) -> str:
        return self.target

    def definition(self) -> dict[str, Any]:
        return {"operationId": self.target, "parameters": dict(self.parameters), "description": self.reason}


def _segments(template: str) -> list[str]:
    return [s for s in template.split("/") if s]


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    found = []
    for template, item in document.get("paths", {}).items():
        for method in HTTP_METHODS:
            if isinstance(item, dict) and isinstance(item.get(method), dict):
                found.append((template, method, item[method]))
    return found


def _schema_properties(document: dict[str, Any], schema: Any) -> set[str]:
    """Property names of an object schema (its own and those of its ``allOf`` members)."""
    names: set[str] = set()
    pending = [schema]
    while pending:
        node = deref(document, pending.pop())
        if isinstance(node, dict):
            names.update((node.get("properties") or {}).keys())
            pending.extend(node.get("allOf") or [])
    return names


def _body_schema(document: dict[str, Any], response: dict[str, Any]) -> Any:
    return deref(document, ((response.get("content") or {}).get("application/json") or {}).get("schema"))


def _list_items(document: dict[str, Any], response: dict[str, Any]) -> tuple[str, set[str]] | None:
    """For a list response, the JSON pointer of its first item and the item's property names, or None.

    A bare array (Face) or a page ``{"value": [...]}`` (Speaker, Custom Voice, ``x-ms-pageable``).
    """
    schema = _body_schema(document, response)
    if isinstance(schema, dict) and schema.get("type") == "array":
        return "/0", _schema_properties(document, schema.get("items"))
    value = deref(document, ((schema or {}).get("properties") or {}).get("value")) if isinstance(schema, dict) else None
    if isinstance(value, dict) and value.get("type") == "array":
        return "/value/0", _schema_properties(document, value.get("items"))
    return None


def _header(response: dict[str, Any], name: str) -> str | None:
    """The documented spelling of response header ``name`` (case-insensitive), or None."""
    return next((h for h in (response.get("headers") or {}) if h.lower() == name.lower()), None)


def _location_regex(template: str, wanted: str) -> str:
    """A regex whose one group captures path parameter ``wanted`` from a URL of ``template``; others match a segment."""
    parts = []
    for segment in _segments(template):
        match = _PARAM.match(segment)
        if match is None:
            parts.append(re.escape(segment))
        else:
            parts.append("([^/?#]+)" if match.group(1) == wanted else "[^/?#]+")
    # No `}` may appear: Schemathesis' runtime-expression lexer ends an expression there.
    return "/" + "/".join(parts) + "(?:[?#]|$)"


def _params(template: str) -> list[str]:
    return [m.group(1) for m in (_PARAM.match(s) for s in _segments(template)) if m]


def _yielded(document: dict[str, Any], template: str, method: str, response: dict[str, Any], gets: set[str]) -> tuple[str, dict[str, str], str] | None:
    """The resource a response leads to: its path template, an expression for each of its path parameters, and how.

    * a PUT or POST on a path that names one resource (it ends with a parameter): that resource, from the
      request's own path (Face ``PUT …/persongroups/{personGroupId}``, Custom Voice ``POST …/consents/{id}``);
    * a POST on a collection whose direct child ``…/{id}`` has a GET, when the body returns ``id``: the new child
      (``POST …/persons`` 200 ``{personId}``);
    * a GET of such a collection, when its items carry ``id``: the first item (``GET …/persongroups`` 200
      ``[{personGroupId, …}]``; a page ``{"value": [{id, …}]}``).
    """
    params = {name: f"$request.path.{name}" for name in _params(template)}
    last = _segments(template)[-1] if _segments(template) else ""
    if method in ("put", "post") and _PARAM.match(last):
        return template, params, "the resource the request names"
    if method not in ("post", "get") or _PARAM.match(last):
        return None
    items = _list_items(document, response) if method == "get" else ("", _schema_properties(document, _body_schema(document, response)))
    if items is None:
        return None
    pointer, properties = items
    for child in sorted(gets):
        segments = _segments(child)
        name = _PARAM.match(segments[-1]).group(1) if segments and _PARAM.match(segments[-1]) else None
        if segments[:-1] == _segments(template) and name in properties:
            how = "the new child, by the id the response body returns" if method == "post" else "the first listed item"
            return child, {**params, name: f"$response.body#{pointer}/{name}"}, how
    return None


def _monitor(document: dict[str, Any], source_template: str, response: dict[str, Any], target_template: str, status_monitor: bool) -> dict[str, str] | None:
    """Expressions for a long-running operation's status read: path parameters the two paths share, and the monitor's id.

    A parameter is taken from the source request's path when both paths agree on every segment up to it (the
    same resource: ``…/persongroups/{personGroupId}/train`` and ``…/{personGroupId}/training``); a parameter of
    the same name elsewhere is another resource's and never reused. The status monitor of a ``poll:
    operation-location`` operation gets its id from the documented ``Operation-Id`` header, else from
    ``Operation-Location`` with a regex built from the monitor's path.
    """
    source, target = _segments(source_template), _segments(target_template)
    filled: dict[str, str] = {}
    for index, segment in enumerate(target):
        match = _PARAM.match(segment)
        if match is None:
            continue
        name = match.group(1)
        operation_id, location = _header(response, "Operation-Id"), _header(response, "Operation-Location")
        if target[: index + 1] == source[: index + 1]:
            filled[name] = f"$request.path.{name}"
        elif status_monitor and operation_id:
            filled[name] = f"$response.header.{operation_id}"
        elif status_monitor and location:
            filled[name] = f"$response.header.{location}#regex:{_location_regex(target_template, name)}"
        else:
            return None
    return filled


def derive_links(document: dict[str, Any]) -> list[Link]:
    """The OpenAPI links a rendered document implies, derived from its own structure (no hand-written list).

    For each documented 2xx response of a PUT or POST, and the 200 of a list GET:

    * **to the resource it leads to** (see :func:`_yielded`: the resource a create names, the child a create
      returns the id of, the first item of a list): that resource's GET, and every POST acting on it (a path
      under it with no further parameter: ``…/persons``, ``…/persistedfaces``, ``…/train``), the documented
      flow "create a group, add persons and faces, train it";
    * **long-running** (PUT/POST with ``x-long-running``): its ``resource-operation``, and its
      ``status-operation``, through the path they share (``POST …/train`` -> ``GET …/training``) or, for the
      status monitor of a ``poll: operation-location`` operation, through the ``Operation-Id`` header when the
      response documents one (Custom Voice), else through ``Operation-Location`` with a regex (Face
      ``…/operations/{operationId}``).

    A link whose target parameters cannot all be expressed is not made; each target appears once per response.
    Source: https://spec.openapis.org/oas/v3.1.0#link-object (links and runtime expressions); ARCHITECTURE.md
    "Spec conventions" (``x-long-running``); the flows in each spec's ``info.description``.
    """
    operations = _operations(document)
    by_id = {str(op.get("operationId")): (template, method) for template, method, op in operations}
    gets = {template for template, method, _ in operations if method == "get"}
    posts = {template: str(op.get("operationId")) for template, method, op in operations if method == "post"}
    links: list[Link] = []
    for template, method, operation in operations:
        if method not in ("put", "post", "get"):
            continue
        lro = (operation.get("x-long-running") or {}) if method != "get" else {}
        for status, raw in (operation.get("responses") or {}).items():
            if not (str(status).startswith("2") if method != "get" else str(status) == "200"):
                continue
            response = deref(document, raw)
            found: dict[str, Link] = {}
            source_id = str(operation.get("operationId"))

            def add(target_template: str, target_method: str, expressions: dict[str, str], reason: str) -> None:
                target_id = str(document["paths"][target_template][target_method].get("operationId"))
                if target_id in found or target_id == source_id:
                    return
                parameters = tuple((f"path.{name}", expressions[name]) for name in _params(target_template))
                found[target_id] = Link(source_id, str(status), target_id, parameters, reason)

            yielded = _yielded(document, template, method, response, gets)
            if yielded is not None:
                resource, expressions, how = yielded
                if resource in gets:
                    add(resource, "get", expressions, f"its resource: {how}")
                for action in sorted(posts):
                    rest = _segments(action)[len(_segments(resource)):]
                    if _segments(action)[: len(_segments(resource))] == _segments(resource) and rest and not any(_PARAM.match(r) for r in rest):
                        add(action, "post", expressions, f"an action on its resource ({how})")
            for key in ("resource-operation", "status-operation"):
                target_id = lro.get(key)
                if target_id in by_id and by_id[target_id][1] == "get":
                    target_template = by_id[target_id][0]
                    monitor = key == "status-operation" and lro.get("poll") == "operation-location"
                    expressions = _monitor(document, template, response, target_template, monitor)
                    if expressions is not None:
                        add(target_template, "get", expressions, f"x-long-running {key} (poll: {lro.get('poll')})")
            links.extend(found.values())
    return links


def add_links(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with the links of :func:`derive_links` in its responses (in place; returned for chaining).

    A response that is a ``$ref`` to ``components.responses`` is inlined first, so a link reaches only its own
    operation and never every operation sharing that component.
    """
    operations = {str(op.get("operationId")): op for _, _, op in _operations(document)}
    for link in derive_links(document):
        responses = operations[link.source]["responses"]
        if "$ref" in responses[link.status]:
            responses[link.status] = copy.deepcopy(deref(document, responses[link.status]))
        responses[link.status].setdefault("links", {})[link.name] = link.definition()
    return document


def standalone(service: str, version: str | None = None, profile: str = "observed", *, server: str | None = None) -> dict[str, Any]:
    """One plain OpenAPI 3.1 document for a user's own tools (``conformance spec render``; Schemathesis).

    :func:`render` plus the links of :func:`add_links`, and ``info.x-api-version`` / ``info.x-profile`` beside
    ``info.x-service``, so a tool that loads the document knows what it describes. ``servers`` is ``[{url:
    server}]``, or absent without ``server``: the document then points nowhere and the caller names the target
    (``st run --url``). Raises ValueError as :func:`render` does.
    """
    document = render(service, version, profile)
    info = document.setdefault("info", {})
    info["x-api-version"] = version if version is not None else default_api_version(service)
    info["x-profile"] = profile
    if server is None:
        document.pop("servers", None)
    else:
        document["servers"] = [{"url": server}]
    return add_links(document)
