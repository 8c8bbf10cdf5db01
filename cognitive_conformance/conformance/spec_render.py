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
from typing import Any

import yaml

from cognitive_conformance import specs

__all__ = ["HTTP_METHODS", "PROFILES", "api_versions", "default_api_version", "deref", "load_source", "render", "services"]

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

