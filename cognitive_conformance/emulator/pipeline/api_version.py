"""Step 4: the API version.

A service's :class:`~emulator.routing.ApiVersionPolicy` says where the version lives (Face:
the ``{apiVersion}`` path segment; Speaker/Custom Voice: the ``api-version`` query
parameter) and which values exist. An unknown version gets the service's documented error
(Face: 404 with the JSON envelope). An operation that does not exist in the requested
version (Face ``/operations/{id}`` on v1.0) is an unknown resource: 404.

Source: https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json (Face versions v1.0, v1.1-preview.1, v1.2-preview.1, v1.2; version in
path), https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json (GetOperationResult only v1.1+).
"""

from __future__ import annotations

from typing import Mapping

from cognitive_conformance.emulator import errors
from cognitive_conformance.emulator.routing import Route, ServiceDefinition

__all__ = ["requested_version", "negotiate"]


def requested_version(service: ServiceDefinition, path_params: Mapping[str, str], query: Mapping[str, str]) -> str | None:
    """The version the client asked for, before checking it (``None`` when absent)."""
    policy = service.versions
    if policy.location == "path":
        return path_params.get(policy.parameter)
    return query.get(policy.parameter)


def negotiate(service: ServiceDefinition, route: Route, path_params: Mapping[str, str], query: Mapping[str, str]) -> str:
    """Return the supported version of this request or raise the documented ``ApiError``."""
    policy = service.versions
    version = requested_version(service, path_params, query)
    if version is None:
        if policy.missing is not None:
            raise policy.missing()
        raise policy.unsupported("")
    if version not in policy.supported:
        raise policy.unsupported(version)
    if route.versions is not None and version not in route.versions:
        raise errors.resource_not_found()
    return version
