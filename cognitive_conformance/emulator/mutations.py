"""Blind mutation operators: generic rewrites of one operation's successful replies.

A named fault (``emulator/faults.py``) breaks one documented rule and names the check that
must catch it. A *mutant* knows no check: it is one generic operator applied to the 2xx
replies of one operation, derived from that operation's response in ``specs/<service>.yaml``
alone. Running the checker against every mutant measures what the checker catches without
having been written for it; a mutant that yields no new finding *survives*.

Operators (each acts on a 2xx reply of the targeted operation and leaves every other reply alone):

* ``drop-required-field``   removes the first ``required`` property of the documented body schema
  (for an array, from its first element that has it);
* ``change-success-status`` answers another 2xx the operation does not document (200, 201, 202,
  204 in that order of preference; 204 only for an empty body);
* ``enum-case``             changes the case of the first enum-valued string in the body to a
  spelling the enum does not list;
* ``drop-header``           removes the first (by name) documented response header the reply has
  (``Content-Type`` included: the body is then sent without one);
* ``corrupt-header``        truncates that header's value to its first half;
* ``regress-terminal-status`` once a status resource (same tenant, version and path) was read with
  a terminal value (``succeeded``, ``failed``, ``enrolled``, ...), later reads report the last
  in-progress value of the same enum (``running``, ``training``, ...);
* ``shift-timestamp-earlier`` in the first object that has ``date-time`` fields, the latest one is
  moved to one hour before the earliest (a lone timestamp moves one hour earlier).

A mutant is switched on by ``OPERATOR@operationId`` or ``OPERATOR@operationId@apiVersion``
(``conformance emulator --mutate ...``, repeatable); :func:`list_mutants` (``--list-mutants``)
enumerates every operator × operation × API version where the operator can apply.

The spec is read here (the emulator never imports the checker): operations whose
``x-api-versions`` omit the version are dropped, and every object gets its
``x-version-overrides[<version>]`` and then ``x-profile-overrides["docs"]`` merged in, as
ARCHITECTURE.md "Spec conventions" describes.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from typing import Any, ClassVar, Iterable, Iterator

import yaml

from cognitive_conformance import specs
from cognitive_conformance.emulator.clock import format_rfc3339
from cognitive_conformance.emulator.routing import NO_BODY, Reply

__all__ = [
    "OPERATORS",
    "Call",
    "Mutant",
    "Mutants",
    "OperationView",
    "Operator",
    "build_mutants",
    "describe_operators",
    "list_mutants",
    "operation_view",
    "parse_mutant",
]

_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
_SUCCESS_ORDER = (200, 201, 202, 204)
_TERMINAL = re.compile(r"^(succeeded|failed|canceled|cancelled|enrolled|completed)$", re.IGNORECASE)
_IN_PROGRESS = re.compile(r"^(notstarted|nonstarted|running|training|enrolling|inprogress)$", re.IGNORECASE)
_MAX_DEPTH = 12


# ----------------------------------------------------------------------------- reading the spec


@functools.cache
def _source(service: str) -> dict[str, Any]:
    with specs.spec_path(service).open(encoding="utf-8") as handle:
        return json.loads(json.dumps(yaml.safe_load(handle)))


def _spec_services() -> list[str]:
    return sorted(path.stem for path in specs.SPEC_DIR.glob("*.yaml"))


def _versions(service: str) -> list[str]:
    return [str(v) for v in _source(service)["info"]["x-api-versions"]]


def _with_overrides(node: Any, version: str) -> Any:
    if isinstance(node, dict):
        merged = {k: v for k, v in node.items() if k not in ("x-version-overrides", "x-profile-overrides")}
        for overrides, key in ((node.get("x-version-overrides"), version), (node.get("x-profile-overrides"), "docs")):
            for name, value in ((overrides or {}).get(key) or {}).items():
                if value is None:
                    merged.pop(name, None)
                else:
                    merged[name] = value
        return {k: _with_overrides(v, version) for k, v in merged.items()}
    if isinstance(node, list):
        return [_with_overrides(v, version) for v in node]
    return node


@functools.cache
def _document(service: str, version: str) -> dict[str, Any]:
    return _with_overrides(copy.deepcopy(_source(service)), version)


def _deref(document: dict[str, Any], node: Any, depth: int = 0) -> Any:
    """``node`` with every local ``$ref`` replaced by its target (to a bounded depth)."""
    if depth > _MAX_DEPTH:
        return {}
    if isinstance(node, dict):
        if "$ref" in node and isinstance(node["$ref"], str) and node["$ref"].startswith("#/"):
            target: Any = document
            for part in node["$ref"][2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            rest = {k: v for k, v in node.items() if k != "$ref"}
            resolved = _deref(document, target, depth + 1)
            return {**resolved, **_deref(document, rest, depth + 1)} if rest and isinstance(resolved, dict) else resolved
        return {k: _deref(document, v, depth + 1) for k, v in node.items()}
    if isinstance(node, list):
        return [_deref(document, v, depth + 1) for v in node]
    return node


def _names(definition: dict[str, Any]) -> list[str]:
    names = [str(definition.get("operationId"))]
    names += [str(v) for v in (definition.get("x-operation-ids") or {}).values()]
    if definition.get("x-upstream-operation-id"):
        names.append(str(definition["x-upstream-operation-id"]))
    names += [str(v) for v in (definition.get("x-upstream-operation-ids") or {}).values()]
    return names


@dataclass(frozen=True)
class OperationView:
    """What an operator may know about one operation in one API version: its documented replies.

    ``responses`` maps each documented success status (``200``...) to ``{"schema": <JSON schema of
    the application/json body or None>, "headers": {<lower-case name>: <header object>}}``.
    """

    service: str
    version: str
    operation_id: str
    method: str
    path: str
    responses: dict[int, dict[str, Any]]

    def success_statuses(self) -> tuple[int, ...]:
        return tuple(sorted(self.responses))


@functools.cache
def _operations(service: str, version: str) -> dict[str, OperationView]:
    document = _document(service, version)
    found: dict[str, OperationView] = {}
    for template, item in (document.get("paths") or {}).items():
        for method in _METHODS:
            definition = item.get(method)
            if not isinstance(definition, dict):
                continue
            allowed = definition.get("x-api-versions")
            if allowed is not None and version not in [str(v) for v in allowed]:
                continue
            responses: dict[int, dict[str, Any]] = {}
            for status, response in (definition.get("responses") or {}).items():
                if not (str(status).isdigit() and 200 <= int(status) < 300):
                    continue
                response = _deref(document, response)
                media = ((response.get("content") or {}).get("application/json") or {}) if isinstance(response, dict) else {}
                headers = {str(n).lower(): h for n, h in ((response or {}).get("headers") or {}).items()}
                responses[int(status)] = {"schema": media.get("schema"), "headers": headers}
            view = OperationView(service, version, str(definition.get("operationId")), method.upper(), template, responses)
            for name in _names(definition):
                found.setdefault(name, view)
    return found


def operation_view(service: str, version: str, operation_id: str) -> OperationView | None:
    """The operation known as ``operation_id`` in ``service`` ``version`` (None if it has none)."""
    return _operations(service, version).get(operation_id)


# ----------------------------------------------------------------------------- schema walking


def _branches(schema: Any) -> list[dict[str, Any]]:
    """``schema`` and every ``allOf``/``anyOf``/``oneOf`` member, flattened."""
    if not isinstance(schema, dict):
        return []
    out = [schema]
    for key in ("allOf", "anyOf", "oneOf"):
        for member in schema.get(key) or []:
            out += _branches(member)
    return out


def _properties(schema: Any) -> dict[str, Any]:
    props: dict[str, Any] = {}
    for branch in _branches(schema):
        for name, sub in (branch.get("properties") or {}).items():
            props.setdefault(name, sub)
    return props


def _required(schema: Any) -> list[str]:
    """``required`` of the schema and its ``allOf`` members (``anyOf``/``oneOf`` require nothing for sure)."""
    if not isinstance(schema, dict):
        return []
    names = list(schema.get("required") or [])
    for member in schema.get("allOf") or []:
        names += [n for n in _required(member) if n not in names]
    return names


def _items(schema: Any) -> Any:
    for branch in _branches(schema):
        if isinstance(branch.get("items"), dict):
            return branch["items"]
    return None


def _string_enum(schema: Any) -> list[str]:
    values: list[str] = []
    for branch in _branches(schema):
        values += [v for v in branch.get("enum") or [] if isinstance(v, str) and v not in values]
    return values


def _is_date_time(schema: Any) -> bool:
    return any(branch.get("format") == "date-time" for branch in _branches(schema))


def _schema_leaves(schema: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Every property schema reachable from ``schema`` through properties and array items."""
    if depth > _MAX_DEPTH or not isinstance(schema, dict):
        return
    for sub in _properties(schema).values():
        yield sub
        yield from _schema_leaves(sub, depth + 1)
    items = _items(schema)
    if items is not None:
        yield from _schema_leaves(items, depth + 1)


def _body_fields(value: Any, schema: Any, depth: int = 0) -> Iterator[tuple[dict[str, Any], str, dict[str, Any]]]:
    """``(object, property name, property schema)`` for every documented property present in ``value``, in body order."""
    if depth > _MAX_DEPTH or not isinstance(schema, dict):
        return
    if isinstance(value, dict):
        props = _properties(schema)
        for name in list(value):
            if name in props:
                yield value, name, props[name]
                yield from _body_fields(value[name], props[name], depth + 1)
    elif isinstance(value, list):
        items = _items(schema)
        for element in value:
            yield from _body_fields(element, items, depth + 1)


# ----------------------------------------------------------------------------- operators


@dataclass(frozen=True)
class Call:
    """The request a reply answers: tenant key, method and path."""

    key: str | None
    method: str
    path: str


class Operator:
    """A generic rewrite. ``applies`` says whether it can act on an operation; ``mutate`` rewrites one reply."""

    name: ClassVar[str]
    description: ClassVar[str]

    def applies(self, view: OperationView) -> str | None:
        """``None`` when the operator can act on some success reply of ``view``, else why it cannot."""
        raise NotImplementedError

    def mutate(self, view: OperationView, call: Call, reply: Reply, state: dict[Any, Any]) -> Reply:
        """The reply to send instead (``reply`` itself when this reply offers nothing to mutate).

        ``state`` is this mutant's own memory across requests (e.g. status URLs already read).
        """
        raise NotImplementedError


def _schema_for(view: OperationView, reply: Reply) -> Any:
    entry = view.responses.get(reply.status)
    return entry["schema"] if entry else None


def _json_body(reply: Reply) -> Any:
    return reply.json if reply.content is None and reply.json is not NO_BODY else None


class DropRequiredField(Operator):
    name = "drop-required-field"
    description = "remove the first required property of the documented 2xx body"

    def applies(self, view: OperationView) -> str | None:
        for entry in view.responses.values():
            schema = entry["schema"]
            if _required(schema) or _required(_items(schema)):
                return None
        return "no documented 2xx JSON body schema with a required property"

    def mutate(self, view: OperationView, call: Call, reply: Reply, state: dict[Any, Any]) -> Reply:
        schema, body = _schema_for(view, reply), _json_body(reply)
        if isinstance(body, dict):
            for name in _required(schema):
                if name in body:
                    return replace(reply, json={k: v for k, v in body.items() if k != name})
        elif isinstance(body, list):
            required = _required(_items(schema))
            for index, element in enumerate(body):
                if isinstance(element, dict):
                    for name in required:
                        if name in element:
                            changed = list(body)
                            changed[index] = {k: v for k, v in element.items() if k != name}
                            return replace(reply, json=changed)
        return reply


class ChangeSuccessStatus(Operator):
    name = "change-success-status"
    description = "answer another 2xx that the operation does not document"

    def applies(self, view: OperationView) -> str | None:
        if not view.responses:
            return "no documented 2xx response"
        return None

    def mutate(self, view: OperationView, call: Call, reply: Reply, state: dict[Any, Any]) -> Reply:
        if reply.status not in view.responses:
            return reply
        empty = reply.content is None and reply.json is NO_BODY or reply.content == b""
        for status in _SUCCESS_ORDER:
            if status not in view.responses and (status != 204 or empty):
                return replace(reply, status=status)
        return reply


def _other_case(value: str, enum: list[str]) -> str | None:
    for candidate in (value[:1].swapcase() + value[1:], value.upper(), value.lower()):
        if candidate != value and candidate not in enum:
            return candidate
    return None


class EnumCase(Operator):
    name = "enum-case"
    description = "change the case of the first enum-valued string to a spelling the enum does not list"

    def applies(self, view: OperationView) -> str | None:
        for entry in view.responses.values():
            for leaf in _schema_leaves(entry["schema"]):
                enum = _string_enum(leaf)
                if any(_other_case(v, enum) for v in enum):
                    return None
        return "no enum-valued string in any documented 2xx body"

    def mutate(self, view: OperationView, call: Call, reply: Reply, state: dict[Any, Any]) -> Reply:
        body = copy.deepcopy(_json_body(reply))
        for holder, name, schema in _body_fields(body, _schema_for(view, reply)):
            enum, value = _string_enum(schema), holder[name]
            if isinstance(value, str) and value in enum:
                other = _other_case(value, enum)
                if other is not None:
                    holder[name] = other
                    return replace(reply, json=body)
        return reply


_JSON_MEDIA = "application/json; charset=utf-8"


def _headers_sent(reply: Reply) -> dict[str, tuple[str | None, str]]:
    """lower-case name -> (key in ``reply.headers`` or None, value) of every header the reply will carry,
    ``Content-Type`` included (rendering adds it from the body when ``reply.headers`` has none)."""
    sent: dict[str, tuple[str | None, str]] = {k.lower(): (k, v) for k, v in reply.headers.items()}
    if "content-type" not in sent:
        if reply.content is not None and reply.media_type:
            sent["content-type"] = (None, reply.media_type)
        elif reply.content is None and reply.json is not NO_BODY:
            sent["content-type"] = (None, _JSON_MEDIA)
    return sent


def _header_target(view: OperationView, reply: Reply) -> tuple[str, str | None, str] | None:
    """``(lower-case name, key in reply.headers or None, value)`` of the first documented header the reply carries."""
    entry = view.responses.get(reply.status)
    if not entry:
        return None
    sent = _headers_sent(reply)
    for name in sorted(entry["headers"]):
        if name in sent:
            return (name, *sent[name])
    return None


def _without_header(reply: Reply, name: str) -> Reply:
    headers = {k: v for k, v in reply.headers.items() if k.lower() != name}
    if name != "content-type":
        return replace(reply, headers=headers)
    body = reply.content
    if body is None:  # render the JSON here, so that no media type is added back
        body = b"" if reply.json is NO_BODY else json.dumps(reply.json, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return replace(reply, headers=headers, json=NO_BODY, content=body, media_type=None)


class DropHeader(Operator):
    name = "drop-header"
    description = "remove the first (by name) documented response header the 2xx reply carries"

    def applies(self, view: OperationView) -> str | None:
        if any(entry["headers"] for entry in view.responses.values()):
            return None
        return "no documented header on any 2xx response"

    def mutate(self, view: OperationView, call: Call, reply: Reply, state: dict[Any, Any]) -> Reply:
        target = _header_target(view, reply)
        return reply if target is None else _without_header(reply, target[0])


class CorruptHeader(DropHeader):
    name = "corrupt-header"
    description = "truncate the first (by name) documented response header of the 2xx reply to half its value"

    def mutate(self, view: OperationView, call: Call, reply: Reply, state: dict[Any, Any]) -> Reply:
        target = _header_target(view, reply)
        if target is None:
            return reply
        name, key, value = target
        headers = {k: v for k, v in reply.headers.items() if k.lower() != name}
        headers[key or name] = value[: len(value) // 2]
        return replace(reply, headers=headers)


def _status_field(schema: Any) -> tuple[str, list[str], str] | None:
    """``(property, enum, in-progress value)`` of the first top-level enum holding terminal and in-progress values."""
    for name, sub in _properties(schema).items():
        enum = _string_enum(sub)
        progress = [v for v in enum if _IN_PROGRESS.match(v)]
        if progress and any(_TERMINAL.match(v) for v in enum):
            return name, enum, progress[-1]
    return None


class RegressTerminalStatus(Operator):
    name = "regress-terminal-status"
    description = "after a status resource was read terminal, later reads of it report an in-progress status"

    def applies(self, view: OperationView) -> str | None:
        if view.method != "GET":
            return "not a GET: nothing is read twice"
        if any(_status_field(entry["schema"]) for entry in view.responses.values()):
            return None
        return "no top-level status enum with terminal and in-progress values in any documented 2xx body"

    def mutate(self, view: OperationView, call: Call, reply: Reply, state: dict[Any, Any]) -> Reply:
        body, found = _json_body(reply), _status_field(_schema_for(view, reply))
        if call.method != "GET" or not isinstance(body, dict) or found is None:
            return reply
        name, _, progress = found
        value = body.get(name)
        if not (isinstance(value, str) and _TERMINAL.match(value)):
            return reply
        seen = state.setdefault("terminal-read", set())
        where = (call.key, view.version, call.path)
        if where not in seen:
            seen.add(where)
            return reply
        return replace(reply, json={**body, name: progress})


def _instant(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


class ShiftTimestampEarlier(Operator):
    name = "shift-timestamp-earlier"
    description = "move the latest date-time of the first object that has some to one hour before its earliest"

    def applies(self, view: OperationView) -> str | None:
        for entry in view.responses.values():
            if any(_is_date_time(leaf) for leaf in _schema_leaves(entry["schema"])):
                return None
        return "no date-time property in any documented 2xx body"

    def mutate(self, view: OperationView, call: Call, reply: Reply, state: dict[Any, Any]) -> Reply:
        body = copy.deepcopy(_json_body(reply))
        groups: dict[int, tuple[dict[str, Any], list[tuple[str, datetime]]]] = {}
        for holder, name, schema in _body_fields(body, _schema_for(view, reply)):
            instant = _instant(holder[name]) if _is_date_time(schema) else None
            if instant is not None:
                groups.setdefault(id(holder), (holder, []))[1].append((name, instant))
        if not groups:
            return reply
        holder, stamps = next(iter(groups.values()))
        latest = max(stamps, key=lambda s: s[1])
        earliest = min(s[1] for s in stamps)
        holder[latest[0]] = format_rfc3339(earliest - timedelta(hours=1))
        return replace(reply, json=body)


OPERATORS: dict[str, Operator] = {
    op.name: op
    for op in (
        DropRequiredField(),
        ChangeSuccessStatus(),
        EnumCase(),
        DropHeader(),
        CorruptHeader(),
        RegressTerminalStatus(),
        ShiftTimestampEarlier(),
    )
}
"""Every operator by its CLI name."""


def describe_operators() -> str:
    """One line per operator, ``name: description``, for ``--help``."""
    return "\n".join(f"{name}: {op.description}" for name, op in OPERATORS.items())


# ----------------------------------------------------------------------------- mutants


@dataclass(frozen=True)
class Mutant:
    """One operator aimed at one operation (in one API version, or every version that has it)."""

    operator: str
    service: str
    operation_id: str
    version: str | None = None

    @property
    def spec(self) -> str:
        return "@".join([self.operator, self.operation_id] + ([self.version] if self.version else []))


def _emulated(service: str) -> dict[str, tuple[str, ...] | None] | None:
    """operationId -> the versions the emulator serves it in (None: all), or None if the emulator lacks the service."""
    from cognitive_conformance.emulator.services import registered_services

    for definition in registered_services():
        if definition.name == service:
            return {route.operation_id: route.versions for route in definition.routes}
    return None


def _served(service: str, version: str, operation_id: str) -> bool:
    routes = _emulated(service)
    if routes is None or operation_id not in routes:
        return False
    versions = routes[operation_id]
    return versions is None or version in versions


def parse_mutant(text: str) -> Mutant:
    """``OPERATOR@operationId[@apiVersion]`` -> :class:`Mutant`; ``ValueError`` says what is wrong."""
    parts = text.split("@")
    if len(parts) not in (2, 3) or not all(parts):
        raise ValueError(f"mutant {text!r}: expected OPERATOR@operationId or OPERATOR@operationId@apiVersion")
    operator, operation_id = parts[0], parts[1]
    version = parts[2] if len(parts) == 3 else None
    if operator not in OPERATORS:
        raise ValueError(f"mutant {text!r}: unknown operator {operator!r}; known: {', '.join(OPERATORS)}")
    for service in _spec_services():
        versions = [v for v in _versions(service) if operation_view(service, v, operation_id) is not None]
        if not versions:
            continue
        if version is not None and version not in versions:
            raise ValueError(f"mutant {text!r}: {operation_id} has no API version {version!r}; it has {', '.join(versions)}")
        reasons = [OPERATORS[operator].applies(operation_view(service, v, operation_id)) for v in ([version] if version else versions)]
        if all(reasons):
            raise ValueError(f"mutant {text!r}: {operator} cannot apply to {operation_id}: {reasons[0]}")
        return Mutant(operator, service, operation_id, version)
    raise ValueError(f"mutant {text!r}: no operation {operation_id!r} in any spec")


@dataclass
class Mutants:
    """The mutants one emulator applies, each with its own state."""

    mutants: tuple[Mutant, ...] = ()
    _state: dict[Mutant, dict[Any, Any]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.mutants)

    def apply(self, service: str | None, operation_id: str | None, version: str | None, call: Call, reply: Reply) -> Reply:
        """Rewrite ``reply`` with every mutant aimed at this operation and version (only 2xx replies change)."""
        if service is None or operation_id is None or version is None or not 200 <= reply.status < 300:
            return reply
        for mutant in self.mutants:
            if mutant.service != service or mutant.operation_id != operation_id or mutant.version not in (None, version):
                continue
            view = operation_view(service, version, operation_id)
            if view is not None:
                reply = OPERATORS[mutant.operator].mutate(view, call, reply, self._state.setdefault(mutant, {}))
        return reply


def build_mutants(texts: Iterable[str]) -> Mutants:
    """Parse every ``OPERATOR@operationId[@apiVersion]`` (``ValueError`` on the first bad one)."""
    return Mutants(tuple(parse_mutant(t) for t in texts))


def list_mutants(services: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Every operator × operation × API version where the operator can apply and the emulator serves the operation.

    Each entry: ``mutant`` (what ``--mutate`` takes), ``operator``, ``service``, ``apiVersion``,
    ``operationId``, ``method``, ``path``. This is the blind self-test's catalogue.
    """
    wanted = set(services)
    out: list[dict[str, Any]] = []
    for service in _spec_services():
        if wanted and service not in wanted:
            continue
        for version in _versions(service):
            seen: set[str] = set()
            for view in _operations(service, version).values():
                if view.operation_id in seen or not _served(service, version, view.operation_id):
                    continue
                seen.add(view.operation_id)
                for name, operator in OPERATORS.items():
                    if operator.applies(view) is None:
                        mutant = Mutant(name, service, view.operation_id, version)
                        out.append(
                            {
                                "mutant": mutant.spec,
                                "operator": name,
                                "service": service,
                                "apiVersion": version,
                                "operationId": view.operation_id,
                                "method": view.method,
                                "path": view.path,
                            }
                        )
    return out
