"""Step 3: the subscription key.

Every call needs ``Ocp-Apim-Subscription-Key`` equal to one of the configured keys; otherwise
the service's 401 (Face: code ``Unspecified`` on v1.0, ``401`` on v1.1+, message from https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes).
The key chooses the tenant partition in the store. AAD bearer tokens are not emulated and
are rejected like a missing key. The key itself is never logged or echoed.

Source: https://learn.microsoft.com/en-us/rest/api/face/person-group-operations/train-person-group?view=rest-face-v1.1-preview.1 (Security: ``Ocp-Apim-Subscription-Key`` header); https://westus.dev.cognitive.microsoft.com/docs/services/563879b61984550e40cbbe8d/operations/563879b61984550f30395247 (401
``Unspecified``); https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json (auth), https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes 401.
"""

from __future__ import annotations

import hmac
from typing import Mapping

from emulator.errors import ApiError
from emulator.routing import ServiceDefinition

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
) -> str:
    """Return the tenant key for this request or raise the service's 401 ``ApiError``.

    With ``enforce=False`` any key (or none) is accepted; the sent key, if any, still picks the tenant.
    """
    sent = headers.get(KEY_HEADER.lower())
    if not enforce:
        return sent if sent else ANONYMOUS_TENANT
    if sent is not None:
        for key in keys:
            if hmac.compare_digest(sent.encode("utf-8", "surrogateescape"), key.encode("utf-8")):
                return key
    error: ApiError = service.auth_error(version)
    raise error
