"""PersonDirectory (v1.1-preview.1 and later): persons, their faces per recognition model, dynamic person groups.

As recorded (tests/reference/recordings/face/v1.2-preview.1/test-proxy-js/recording_createdynamicpersongroupwithperson.json,
…/recording_createdynamicpersongroup.json; tests/reference/recordings/README.md behaviours 7-11):

* Create Person -> 202 ``{personId}`` with ``Location`` (the person) and ``operation-location``
  (``{base}/face/{version}/operations/{operationId}``, absolute); Add Person Face -> 202 ``{persistedFaceId}``, the
  same two headers; Delete Person / Delete Dynamic Person Group -> 202 with ``operation-location``, empty body;
  Create / Update Dynamic Person Group -> 202 with ``operation-location`` when it adds (or removes) persons, else 200
  with an empty body.
* Every operation is read at ``GET /operations/{operationId}``: ``notStarted`` for its first 20 %, then ``running``,
  then ``succeeded`` after ``0.5 × training_seconds`` (1 s at the default 2 s; the recorded operations finished in
  0.3 to 0.9 s). A dynamic group operation's result carries ``resourceLocation`` (the group's
  absolute URL, [JPD] entry 4); the others carry none.
* A person, and a face, exist for reads (get, list, Identify) only once their operation succeeded; before that a
  read is 404 ``PersonNotFound`` / ``PersistedFaceNotFound`` (emulator decision: the Create Person reference says the
  client "can query the operation status" and the PersonDirectory how-to lists person and face creation as
  long-running; no recording reads a person before its operation ended). A dynamic group is readable at once, and
  its persons list reflects the change at once ("As soon as the call returns, the created DynamicPersonGroup will be
  ready to use in an Identify call", use-persondirectory how-to).
* Deletes take effect at once; their operation still runs its course.
* Ids: ``personId``/``persistedFaceId`` uuid (else 404 ``PersonNotFound`` / ``PersistedFaceNotFound``);
  ``dynamicPersonGroupId`` ``^[a-z0-9-_]{1,64}$`` (else 404 ``DynamicPersonGroupNotFound``, 400 ``BadArgument`` on
  create); ``recognitionModel`` path segment one of recognition_01..04 (else 400 ``BadArgument``). Creating an existing
  dynamic group is 409 ``DynamicPersonGroupExists``; ``addPersonIds`` naming an unknown person is 404 ``PersonNotFound``.

Sources: https://learn.microsoft.com/en-us/rest/api/face/person-directory-operations/create-person (202, Location,
operation-Location); https://learn.microsoft.com/en-us/rest/api/face/person-directory-operations/create-dynamic-person-group;
https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/how-to/use-persondirectory;
https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json
(PersonDirectoryOperations_*).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from cognitive_conformance.emulator.pipeline.validation import ensure_object
from cognitive_conformance.emulator.routing import NO_BODY, HandlerContext, RawInput, Reply
from cognitive_conformance.emulator.services.face import errors
from cognitive_conformance.emulator.services.face.images import check_image
from cognitive_conformance.emulator.services.face.models import DirectoryFace, DirectoryOperation, DirectoryPerson, DynamicGroup, FaceState
from cognitive_conformance.emulator.services.face.recognition import face_feature
from cognitive_conformance.emulator.services.face.state import face_state
from cognitive_conformance.emulator.services.face.validation import (
    FACE_USER_DATA_MAX,
    GROUP_ID_PATTERN,
    GROUP_USER_DATA_MAX,
    RECOGNITION_MODELS,
    UNSET,
    UUID_PATTERN,
    _name,
    _optional,
    _paging,
    _user_data,
    image_bytes,
    parse_person_id,
)
from cognitive_conformance.emulator.training import start_training

__all__ = ["DIRECTORY_VERSIONS", "OPERATION_SHARE", "routes_table"]

DIRECTORY_VERSIONS = ("v1.1-preview.1", "v1.2-preview.1", "v1.2")
OPERATION_SHARE = 0.5
"""A PersonDirectory operation lasts ``OPERATION_SHARE × training_seconds`` (module docstring)."""
LOCATION_HEADER = "operation-location"
"""The recorded spelling ([JPD] entries 0, 1, 6, 8)."""
_UUID = UUID_PATTERN


# ----------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class PersonInput:
    person_id: str = ""
    name: Any = UNSET
    user_data: Any = UNSET
    start: str | None = None
    top: int = 1000


@dataclass(frozen=True)
class FaceInput:
    person_id: str
    recognition_model: str
    persisted_face_id: str = ""
    feature: tuple[float, ...] = ()
    user_data: str | None = None


@dataclass(frozen=True)
class DynamicInput:
    group_id: str = ""
    name: Any = UNSET
    user_data: Any = UNSET
    add: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()
    start: str | None = None
    top: int = 1000


def _model(raw: RawInput) -> str:
    value = raw.path_params.get("recognitionModel", "")
    if value not in RECOGNITION_MODELS:
        raise errors.bad_argument("'recognitionModel' is invalid.")
    return value


def _group_id(raw: RawInput, *, creating: bool = False) -> str:
    value = raw.path_params.get("dynamicPersonGroupId", "")
    if not GROUP_ID_PATTERN.fullmatch(value):
        raise errors.bad_argument("Dynamic person group ID is invalid.") if creating else errors.dynamic_group_not_found()
    return value


def _ids(body: dict[str, Any], key: str) -> tuple[str, ...]:
    if key not in body:
        return ()
    value = body[key]
    if not isinstance(value, list) or not all(isinstance(v, str) and _UUID.fullmatch(v) for v in value):
        raise errors.bad_argument(f"'{key}' is invalid.")
    return tuple(dict.fromkeys(v.lower() for v in value))


async def _create_person(raw: RawInput, config: Any) -> PersonInput:
    body = ensure_object(raw.json)
    return PersonInput(name=_name(body, required=True), user_data=_optional(_user_data(body, GROUP_USER_DATA_MAX)))


async def _person_ref(raw: RawInput, config: Any) -> PersonInput:
    return PersonInput(person_id=parse_person_id(raw))


async def _list(raw: RawInput, config: Any) -> PersonInput:
    start, top = _paging(raw)
    return PersonInput(start=start, top=top)


async def _faces_ref(raw: RawInput, config: Any) -> FaceInput:
    return FaceInput(parse_person_id(raw), _model(raw))


async def _face_ref(raw: RawInput, config: Any) -> FaceInput:
    value = raw.path_params.get("persistedFaceId", "")
    if not _UUID.fullmatch(value):
        raise errors.persisted_face_id_invalid()
    return FaceInput(parse_person_id(raw), _model(raw), value.lower())


async def _add_face(raw: RawInput, config: Any) -> FaceInput:
    person_id, model = parse_person_id(raw), _model(raw)
    user_data = _optional(_user_data(raw.query, FACE_USER_DATA_MAX))
    limits = config.limits
    data = await image_bytes(raw, config)
    check_image(data, min_bytes=limits.min_image_bytes, max_bytes=limits.max_image_bytes)
    return FaceInput(person_id, model, feature=face_feature(data), user_data=user_data)


async def _create_dynamic(raw: RawInput, config: Any) -> DynamicInput:
    group_id = _group_id(raw, creating=True)
    body = ensure_object(raw.json)
    name = _name(body, required=True)
    return DynamicInput(group_id, name, _optional(_user_data(body, GROUP_USER_DATA_MAX)), _ids(body, "addPersonIds"))


async def _update_dynamic(raw: RawInput, config: Any) -> DynamicInput:
    group_id = _group_id(raw)
    body = ensure_object(raw.json)
    return DynamicInput(group_id, _name(body, required=False), _user_data(body, GROUP_USER_DATA_MAX), _ids(body, "addPersonIds"), _ids(body, "removePersonIds"))


async def _dynamic_ref(raw: RawInput, config: Any) -> DynamicInput:
    return DynamicInput(_group_id(raw))


async def _dynamic_list(raw: RawInput, config: Any) -> DynamicInput:
    group_id = _group_id(raw) if "dynamicPersonGroupId" in raw.path_params else ""
    start, top = _paging(raw)
    return DynamicInput(group_id, start=start, top=top)


# ----------------------------------------------------------------------------- helpers


def _base(ctx: HandlerContext) -> str:
    return f"{ctx.base_url}/face/{ctx.version}"


def _start_operation(ctx: HandlerContext, state: FaceState, resource_location: str | None = None) -> tuple[str, Any]:
    """Record a new operation; return its id and the instant it succeeds."""
    duration = OPERATION_SHARE * float(ctx.config.training_seconds) * ctx.behaviour.training_scale
    record = start_training(ctx.now, duration=duration, queue_basis=duration, succeeds=True, failure_message=None, previous=None)
    operation_id = str(uuid.uuid4())
    state.operations[operation_id] = DirectoryOperation(operation_id, record, resource_location)
    return operation_id, ctx.now + timedelta(seconds=duration)


def _accepted(ctx: HandlerContext, operation_id: str, *, body: Any = NO_BODY, location: str | None = None) -> Reply:
    headers = {LOCATION_HEADER: f"{_base(ctx)}/operations/{operation_id}"}
    if location is not None:
        headers["Location"] = location
    return Reply(202, json=body, headers=headers)


def _ready_person(state: FaceState, person_id: str, now: Any) -> DirectoryPerson:
    person = state.directory.get(person_id)
    if person is None or person.ready_at > now:
        raise errors.directory_person_not_found()
    return person


def _person_body(person: DirectoryPerson) -> dict[str, Any]:
    body: dict[str, Any] = {"personId": person.person_id, "name": person.name}
    if person.user_data is not None:
        body["userData"] = person.user_data
    return body


def _group_body(group: DynamicGroup) -> dict[str, Any]:
    body: dict[str, Any] = {"dynamicPersonGroupId": group.group_id, "name": group.name}
    if group.user_data is not None:
        body["userData"] = group.user_data
    return body


def _page(items: list[Any], key: Any, start: str | None, top: int) -> list[Any]:
    ordered = sorted(items, key=key)
    if start is not None:
        ordered = [i for i in ordered if key(i) > start]
    return ordered[:top]


# ----------------------------------------------------------------------------- handlers


async def create_person(ctx: HandlerContext) -> Reply:
    """PersonDirectoryOperations_CreatePerson."""
    inputs: PersonInput = ctx.inputs
    person_id = str(uuid.uuid4())
    with face_state(ctx.store, ctx.key) as state:
        operation_id, ready_at = _start_operation(ctx, state)
        state.directory[person_id] = DirectoryPerson(person_id, inputs.name, inputs.user_data, ready_at)
    return _accepted(ctx, operation_id, body={"personId": person_id}, location=f"{_base(ctx)}/persons/{person_id}")


async def get_person(ctx: HandlerContext) -> Reply:
    """PersonDirectoryOperations_GetPerson."""
    with face_state(ctx.store, ctx.key) as state:
        return Reply(200, json=_person_body(_ready_person(state, ctx.inputs.person_id, ctx.now)))


async def get_persons(ctx: HandlerContext) -> Reply:
    """PersonDirectoryOperations_GetPersons: ready persons by personId, ``start``/``top`` paging."""
    inputs: PersonInput = ctx.inputs
    with face_state(ctx.store, ctx.key) as state:
        ready = [p for p in state.directory.values() if p.ready_at <= ctx.now]
        return Reply(200, json=[_person_body(p) for p in _page(ready, lambda p: p.person_id, inputs.start, inputs.top)])


async def delete_person(ctx: HandlerContext) -> Reply:
    """PersonDirectoryOperations_DeletePerson: gone at once (also from every dynamic group); 202 with its operation."""
    with face_state(ctx.store, ctx.key) as state:
        _ready_person(state, ctx.inputs.person_id, ctx.now)
        del state.directory[ctx.inputs.person_id]
        for group in state.dynamic_groups.values():
            if ctx.inputs.person_id in group.person_ids:
                group.person_ids.remove(ctx.inputs.person_id)
        operation_id, _ = _start_operation(ctx, state)
    return _accepted(ctx, operation_id)


async def add_person_face(ctx: HandlerContext) -> Reply:
    """PersonDirectoryOperations_AddPersonFace / AddPersonFaceFromUrl."""
    inputs: FaceInput = ctx.inputs
    face_id = str(uuid.uuid4())
    with face_state(ctx.store, ctx.key) as state:
        person = _ready_person(state, inputs.person_id, ctx.now)
        in_model = [f for f in person.faces.values() if f.recognition_model == inputs.recognition_model]
        if len(in_model) >= ctx.config.limits.max_faces_per_person:
            raise errors.quota_exceeded("Persisted face number reached limit.")
        operation_id, ready_at = _start_operation(ctx, state)
        person.faces[face_id] = DirectoryFace(face_id, inputs.recognition_model, inputs.feature, ready_at, inputs.user_data)
    location = f"{_base(ctx)}/persons/{inputs.person_id}/recognitionModels/{inputs.recognition_model}/persistedfaces/{face_id}"
    return _accepted(ctx, operation_id, body={"persistedFaceId": face_id}, location=location)


async def get_person_faces(ctx: HandlerContext) -> Reply:
    """PersonDirectoryOperations_GetPersonFaces: ``{personId, persistedFaceIds}`` of one recognition model."""
    inputs: FaceInput = ctx.inputs
    with face_state(ctx.store, ctx.key) as state:
        person = _ready_person(state, inputs.person_id, ctx.now)
        ids = [f.persisted_face_id for f in person.faces.values() if f.recognition_model == inputs.recognition_model and f.ready_at <= ctx.now]
    return Reply(200, json={"personId": inputs.person_id, "persistedFaceIds": ids})


async def get_person_face(ctx: HandlerContext) -> Reply:
    """PersonDirectoryOperations_GetPersonFace: ``{persistedFaceId, userData?}``."""
    inputs: FaceInput = ctx.inputs
    with face_state(ctx.store, ctx.key) as state:
        person = _ready_person(state, inputs.person_id, ctx.now)
        face = person.faces.get(inputs.persisted_face_id)
        if face is None or face.recognition_model != inputs.recognition_model or face.ready_at > ctx.now:
            raise errors.persisted_face_not_found()
        body: dict[str, Any] = {"persistedFaceId": face.persisted_face_id}
        if face.user_data is not None:
            body["userData"] = face.user_data
    return Reply(200, json=body)


def _known_persons(state: FaceState, ids: tuple[str, ...], now: Any) -> None:
    for person_id in ids:
        _ready_person(state, person_id, now)


async def create_dynamic_group(ctx: HandlerContext) -> Reply:
    """PersonDirectoryOperations_CreateDynamicPersonGroup[WithPerson]: 200 without persons, 202 with ``addPersonIds``."""
    inputs: DynamicInput = ctx.inputs
    with face_state(ctx.store, ctx.key) as state:
        if inputs.group_id in state.dynamic_groups:
            raise errors.dynamic_group_exists()
        _known_persons(state, inputs.add, ctx.now)
        state.dynamic_groups[inputs.group_id] = DynamicGroup(inputs.group_id, inputs.name, inputs.user_data, list(inputs.add))
        if not inputs.add:
            return Reply(200)
        operation_id, _ = _start_operation(ctx, state, f"{_base(ctx)}/dynamicpersongroups/{inputs.group_id}")
    return _accepted(ctx, operation_id)


async def update_dynamic_group(ctx: HandlerContext) -> Reply:
    """PersonDirectoryOperations_UpdateDynamicPersonGroup[WithPersonChanges]: 200, or 202 when persons change."""
    inputs: DynamicInput = ctx.inputs
    with face_state(ctx.store, ctx.key) as state:
        group = _find_dynamic(state, inputs.group_id)
        _known_persons(state, inputs.add, ctx.now)
        if inputs.name is not UNSET:
            group.name = inputs.name
        if inputs.user_data is not UNSET:
            group.user_data = inputs.user_data
        group.person_ids = [p for p in group.person_ids if p not in inputs.remove]
        group.person_ids += [p for p in inputs.add if p not in group.person_ids]
        if not inputs.add and not inputs.remove:
            return Reply(200)
        operation_id, _ = _start_operation(ctx, state, f"{_base(ctx)}/dynamicpersongroups/{inputs.group_id}")
    return _accepted(ctx, operation_id)


def _find_dynamic(state: FaceState, group_id: str) -> DynamicGroup:
    group = state.dynamic_groups.get(group_id)
    if group is None:
        raise errors.dynamic_group_not_found()
    return group


async def get_dynamic_group(ctx: HandlerContext) -> Reply:
    """PersonDirectoryOperations_GetDynamicPersonGroup."""
    with face_state(ctx.store, ctx.key) as state:
        return Reply(200, json=_group_body(_find_dynamic(state, ctx.inputs.group_id)))


async def get_dynamic_groups(ctx: HandlerContext) -> Reply:
    """PersonDirectoryOperations_GetDynamicPersonGroups: by dynamicPersonGroupId, ``start``/``top`` paging."""
    inputs: DynamicInput = ctx.inputs
    with face_state(ctx.store, ctx.key) as state:
        groups = _page(list(state.dynamic_groups.values()), lambda g: g.group_id, inputs.start, inputs.top)
        return Reply(200, json=[_group_body(g) for g in groups])


async def get_dynamic_group_persons(ctx: HandlerContext) -> Reply:
    """PersonDirectoryOperations_GetDynamicPersonGroupPersons: ``{personIds}`` sorted, ``start``/``top`` paging."""
    inputs: DynamicInput = ctx.inputs
    with face_state(ctx.store, ctx.key) as state:
        group = _find_dynamic(state, inputs.group_id)
        return Reply(200, json={"personIds": _page(list(group.person_ids), lambda p: p, inputs.start, inputs.top)})


async def delete_dynamic_group(ctx: HandlerContext) -> Reply:
    """PersonDirectoryOperations_DeleteDynamicPersonGroup: gone at once; 202 with its operation."""
    with face_state(ctx.store, ctx.key) as state:
        if state.dynamic_groups.pop(ctx.inputs.group_id, None) is None:
            raise errors.dynamic_group_not_found()
        operation_id, _ = _start_operation(ctx, state)
    return _accepted(ctx, operation_id)


def routes_table() -> list[tuple[str, str, str, Any, Any, str]]:
    """``(operationId, method, template, handler, validator, body kind)`` of every PersonDirectory route."""
    person = "/{apiVersion}/persons/{personId}"
    faces = f"{person}/recognitionModels/{{recognitionModel}}/persistedfaces"
    dyn = "/{apiVersion}/dynamicpersongroups/{dynamicPersonGroupId}"
    p = "PersonDirectoryOperations_"
    return [
        (f"{p}CreatePerson", "POST", "/{apiVersion}/persons", create_person, _create_person, "json"),
        (f"{p}GetPersons", "GET", "/{apiVersion}/persons", get_persons, _list, "none"),
        (f"{p}GetPerson", "GET", person, get_person, _person_ref, "none"),
        (f"{p}DeletePerson", "DELETE", person, delete_person, _person_ref, "none"),
        (f"{p}AddPersonFace", "POST", faces, add_person_face, _add_face, "media"),
        (f"{p}GetPersonFaces", "GET", faces, get_person_faces, _faces_ref, "none"),
        (f"{p}GetPersonFace", "GET", f"{faces}/{{persistedFaceId}}", get_person_face, _face_ref, "none"),
        (f"{p}CreateDynamicPersonGroup", "PUT", dyn, create_dynamic_group, _create_dynamic, "json"),
        (f"{p}UpdateDynamicPersonGroup", "PATCH", dyn, update_dynamic_group, _update_dynamic, "json"),
        (f"{p}GetDynamicPersonGroup", "GET", dyn, get_dynamic_group, _dynamic_ref, "none"),
        (f"{p}DeleteDynamicPersonGroup", "DELETE", dyn, delete_dynamic_group, _dynamic_ref, "none"),
        (f"{p}GetDynamicPersonGroups", "GET", "/{apiVersion}/dynamicpersongroups", get_dynamic_groups, _dynamic_list, "none"),
        (f"{p}GetDynamicPersonGroupPersons", "GET", f"{dyn}/persons", get_dynamic_group_persons, _dynamic_list, "none"),
    ]
