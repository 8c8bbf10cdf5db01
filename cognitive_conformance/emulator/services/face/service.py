"""The Face service definition: prefix ``/face``, version in the path, route table.

Paths are ``/face/{apiVersion}/...`` with versions v1.0, v1.1-preview.1, v1.2-preview.1 and v1.2;
an unknown version is 404 with the JSON envelope. ``/operations/{operationId}`` exists from
v1.1-preview.1 on. The 401 code is ``Unspecified`` on v1.0 (https://westus.dev.cognitive.microsoft.com/docs/services/563879b61984550e40cbbe8d/operations/563879b61984550f30395247) and ``401`` on v1.1+ (https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes).
Operation ids are those of ``specs/face.yaml`` (https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json ``PersonGroupOperations_*``, ``GetOperationResult``);
handlers are the snake_case of the operation name (both group kinds share one handler).

Sources: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json (versions; version as path segment), https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json (operations), https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json (envelope).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from cognitive_conformance.emulator.errors import ApiError, azure_envelope
from cognitive_conformance.emulator.routing import ApiVersionPolicy, Route, ServiceDefinition
from cognitive_conformance.emulator.services.face import errors
from cognitive_conformance.emulator.services.face import faces, person_groups, persons, train, views
from cognitive_conformance.emulator.services.face.models import KINDS, GroupKind
from cognitive_conformance.emulator.services.face.validation import validate_operation_ref, validators
from cognitive_conformance.emulator.services.face import face_lists, identify, large_face_lists, person_directory
from cognitive_conformance.emulator.services.face.list_validation import LIST_ID_PARAM, list_validators
from cognitive_conformance.emulator.services.face.models import LIST_KINDS, ListKind

__all__ = ["VERSIONS", "SERVICE", "face_auth_error", "image_body_limit", "routes"]

VERSIONS = ("v1.0", "v1.1-preview.1", "v1.2-preview.1", "v1.2")
_JSON = ("application/json",)
_IMAGE = ("application/octet-stream", "application/json")
_NAMES = {"persongroups": ("PersonGroup", "personGroupId"), "largepersongroups": ("LargePersonGroup", "largePersonGroupId")}


def face_auth_error(version: str | None) -> ApiError:
    """401: code ``Unspecified`` on v1.0, ``401`` otherwise (see :func:`emulator.services.face.errors.auth_error`)."""
    return errors.auth_error(version)


def image_body_limit(config: Any) -> tuple[int, ApiError]:
    """The cap on an image body (every ``media`` route): ``Limits.max_image_bytes``, else 400 InvalidImageSize (https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes)."""
    return config.limits.max_image_bytes, errors.invalid_image_size("Image size is too big.")


def _group_routes(kind: GroupKind) -> list[Route]:
    noun, param = _NAMES[kind]
    v = validators(kind)
    base = f"/{{apiVersion}}/{kind}"
    one = f"{base}/{{{param}}}"
    person = f"{one}/persons/{{personId}}"
    face = f"{person}/persistedfaces/{{persistedFaceId}}"
    return [
        Route(f"PersonGroupOperations_Create{noun}", "PUT", one, person_groups.create_person_group, v["create_group"], "json", _JSON),
        Route(f"PersonGroupOperations_Get{noun}", "GET", one, person_groups.get_person_group, v["get_group"]),
        Route(f"PersonGroupOperations_Update{noun}", "PATCH", one, person_groups.update_person_group, v["update_group"], "json", _JSON),
        Route(f"PersonGroupOperations_Delete{noun}", "DELETE", one, person_groups.delete_person_group, v["group_ref"]),
        Route(f"PersonGroupOperations_Get{noun}s", "GET", base, person_groups.get_person_groups, v["list_groups"]),
        Route(f"PersonGroupOperations_Train{noun}", "POST", f"{one}/train", train.train_person_group, v["group_ref"]),
        Route(f"PersonGroupOperations_Get{noun}TrainingStatus", "GET", f"{one}/training", train.get_person_group_training_status, v["group_ref"]),
        Route(f"PersonGroupOperations_Create{noun}Person", "POST", f"{one}/persons", persons.create_person_group_person, v["create_person"], "json", _JSON),
        Route(f"PersonGroupOperations_Get{noun}Persons", "GET", f"{one}/persons", persons.get_person_group_persons, v["list_persons"]),
        Route(f"PersonGroupOperations_Get{noun}Person", "GET", person, persons.get_person_group_person, v["person_ref"]),
        Route(f"PersonGroupOperations_Update{noun}Person", "PATCH", person, persons.update_person_group_person, v["update_person"], "json", _JSON),
        Route(f"PersonGroupOperations_Delete{noun}Person", "DELETE", person, persons.delete_person_group_person, v["person_ref"]),
        Route(f"PersonGroupOperations_Add{noun}PersonFace", "POST", f"{person}/persistedfaces", faces.add_person_group_person_face, v["add_face"], "media", _IMAGE),
        Route(f"PersonGroupOperations_Get{noun}PersonFace", "GET", face, faces.get_person_group_person_face, v["face_ref"]),
        Route(f"PersonGroupOperations_Update{noun}PersonFace", "PATCH", face, faces.update_person_group_person_face, v["update_face"], "json", _JSON),
        Route(f"PersonGroupOperations_Delete{noun}PersonFace", "DELETE", face, faces.delete_person_group_person_face, v["face_ref"]),
    ]


def _list_routes(kind: ListKind) -> list[Route]:
    """FaceList (no training; no single-face get/update or face listing) or LargeFaceList routes."""
    noun = "FaceList" if kind == "facelists" else "LargeFaceList"
    v = list_validators(kind)
    base = f"/{{apiVersion}}/{kind}"
    one = f"{base}/{{{LIST_ID_PARAM[kind]}}}"
    face = f"{one}/persistedfaces/{{persistedFaceId}}"
    table = [
        Route(f"FaceListOperations_Create{noun}", "PUT", one, face_lists.create_face_list, v["create_list"], "json", _JSON),
        Route(f"FaceListOperations_Get{noun}", "GET", one, face_lists.get_face_list, v["get_list"]),
        Route(f"FaceListOperations_Update{noun}", "PATCH", one, face_lists.update_face_list, v["update_list"], "json", _JSON),
        Route(f"FaceListOperations_Delete{noun}", "DELETE", one, face_lists.delete_face_list, v["list_ref"]),
        Route(f"FaceListOperations_Get{noun}s", "GET", base, face_lists.get_face_lists, v["list_lists"]),
        Route(f"FaceListOperations_Add{noun}Face", "POST", f"{one}/persistedfaces", face_lists.add_face_list_face, v["add_face"], "media", _IMAGE),
        Route(f"FaceListOperations_Delete{noun}Face", "DELETE", face, face_lists.delete_face_list_face, v["face_ref"]),
    ]
    if kind == "largefacelists":
        table += [
            Route("FaceListOperations_GetLargeFaceListFaces", "GET", f"{one}/persistedfaces", face_lists.get_face_list_faces, v["list_faces"]),
            Route("FaceListOperations_GetLargeFaceListFace", "GET", face, face_lists.get_face_list_face, v["face_ref"]),
            Route("FaceListOperations_UpdateLargeFaceListFace", "PATCH", face, face_lists.update_face_list_face, v["update_face"], "json", _JSON),
            Route("FaceListOperations_TrainLargeFaceList", "POST", f"{one}/train", large_face_lists.train_large_face_list, v["list_ref"]),
            Route("FaceListOperations_GetLargeFaceListTrainingStatus", "GET", f"{one}/training", large_face_lists.get_large_face_list_training_status, v["list_ref"]),
        ]
    return table


def routes() -> tuple[Route, ...]:
    """Every Face route: both group kinds plus GetOperationResult (v1.1+)."""
    table: list[Route] = []
    for kind in KINDS:
        table.extend(_group_routes(kind))
    for list_kind in LIST_KINDS:
        table.extend(_list_routes(list_kind))
    table.append(
        Route(
            "GetOperationResult",
            "GET",
            "/{apiVersion}/operations/{operationId}",
            train.get_operation_result,
            validate_operation_ref,
            versions=VERSIONS[1:],
        )
    )
    table.append(Route("FaceDetectionOperations_Detect", "POST", "/{apiVersion}/detect", identify.detect, identify.validate_detect, "media", _IMAGE))
    table.append(Route("FaceRecognitionOperations_Identify", "POST", "/{apiVersion}/identify", identify.identify, identify.validate_identify, "json", _JSON))
    for operation_id, method, template, handler, validate, body in person_directory.routes_table():
        media = _IMAGE if body == "media" else _JSON if body == "json" else ()
        table.append(Route(operation_id, method, template, handler, validate, body, media, versions=person_directory.DIRECTORY_VERSIONS))
    return tuple(replace(r, body_limit=image_body_limit) if r.body == "media" and r.body_limit is None else r for r in table)


SERVICE = ServiceDefinition(
    name="face",
    prefix="/face",
    routes=routes(),
    envelope=azure_envelope,
    envelope_for=errors.envelope_for_profile,
    versions=ApiVersionPolicy(location="path", supported=VERSIONS, unsupported=errors.unsupported_api_version),
    auth_error=face_auth_error,
    in_progress=views.in_progress,
)
