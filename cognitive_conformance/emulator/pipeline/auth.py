"""Step 3: the subscription key.

Every call needs ``Ocp-Apim-Subscription-Key`` equal to one of the configured keys; otherwise
the service's 401 (Face: code ``Unspecified`` on v1.0, ``401`` on v1.1+, message from https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes).
The key chooses the tenant partition in the store. Microsoft Entra ID bearer tokens are
emulated only in a documented test mode: ``conformance emulator --aad-token TOKEN`` (repeatable,
``EmulatorConfig.aad_tokens``) accepts ``Authorization: Bearer TOKEN`` as a key-equivalent
credential, each token its own tenant exactly like a key; a wrong token, or no credential at
all, gets the same 401 as a wrong or missing key. A request carrying a subscription key is
judged by its key alone. The emulator does not validate JWTs (no signature, audience or
expiry): a token is an opaque string agreed with the test. Keys and tokens are never logged
or echoed.

Source: https://learn.microsoft.com/en-us/azure/ai-services/authentication (Microsoft Entra ID:
``Authorization: Bearer <token>``, scope ``https://cognitiveservices.azure.com/.default``);
https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/train-person-group?view=rest-face-v1.1-preview.1 (Security: ``Ocp-Apim-Subscription-Key`` header); https://westus.dev.cognitive.microsoft.com/docs/services/563879b61984550e40cbbe8d/operations/563879b61984550f30395247 (401
``Unspecified``); https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json (auth), https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes 401.
"""

from __future__ import annotations

import hmac
from typing import Mapping

from cognitive_conformance.emulator.errors import ApiError
from cognitive_conformance.emulator.routing import ServiceDefinition

__all__ = ["KEY_HEADER", "ANONYMOUS_TENANT", "authenticate"]

KEY_HEADER = "Ocp-Apim-Subscription-Key"
ANONYMOUS_TENANT = "anonymous"
"""Partition used when auth checking is disabled (``auth-ignored`` fault) and no key was sent."""


def authenticate(
    headers: Mapping[str, str],
    keys: tuple[str, ...],
    service: ServiceDefinition,
    version: str | None,
    *,
    enforce: bool = True,
    tokens: tuple[str, ...] = (),
) -> str:
    """Return the tenant (key or token) for this request or raise the service's 401 ``ApiError``.

    With ``enforce=False`` any key (or none) is accepted; the sent key, if any, still picks the tenant.
    ``tokens`` are the accepted bearer tokens (``--aad-token``); without a key header, a matching
    ``Authorization: Bearer`` picks that token's tenant.
    """
    sent = headers.get(KEY_HEADER.lower())
    if not enforce:
        return sent if sent else ANONYMOUS_TENANT
    if sent is not None:
        return _match(sent, keys, service, version)
    bearer = _bearer(headers.get("authorization"))
    if bearer is not None and tokens:
        return _match(bearer, tokens, service, version)
    error: ApiError = service.auth_error(version)
    raise error


def _bearer(value: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header (scheme case-insensitive), else None."""
    if not value:
        return None
    scheme, _, token = value.strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _match(sent: str, accepted: tuple[str, ...], service: ServiceDefinition, version: str | None) -> str:
    for one in accepted:
        if hmac.compare_digest(sent.encode("utf-8", "surrogateescape"), one.encode("utf-8")):
            return one
    error: ApiError = service.auth_error(version)
    raise error
