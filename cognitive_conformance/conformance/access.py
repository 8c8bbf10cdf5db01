"""How the checker reaches and authenticates to a target: the auth mode, bearer tokens, TLS trust.

* ``--auth key`` (default) sends the subscription key in ``Ocp-Apim-Subscription-Key``.
* ``--auth aad`` sends a Microsoft Entra ID token as ``Authorization: Bearer <token>`` instead,
  for the scope :data:`AAD_SCOPE`. The token is ``CONFORMANCE_TOKEN`` when that is set (a static
  token: for CI and tests; the embedded emulator gets a generated one), else one from
  ``azure-identity``'s ``DefaultAzureCredential``, an optional extra
  (``pip install 'cognitive-conformance[aad]'``) imported only here and only then, and fetched
  again :data:`REFRESH_MARGIN_S` before it expires. A token is a secret like a key: every
  record, report, repro and HAR shows ``***`` (:mod:`conformance.transport`).
* ``--ca-bundle PATH`` is a PEM file of the certificate authorities that verify the target's
  TLS certificate (:func:`tls_verify`). Proxies come from the environment: ``HTTPS_PROXY``,
  ``HTTP_PROXY``, ``NO_PROXY`` (httpx's ``trust_env``, which the transport keeps on).

Source: https://learn.microsoft.com/en-us/azure/ai-services/authentication (Microsoft Entra ID:
``Authorization: Bearer``, scope ``https://cognitiveservices.azure.com/.default``, a custom
subdomain endpoint); https://learn.microsoft.com/en-us/python/api/azure-identity/azure.identity.defaultazurecredential
(``get_token(scope)`` returns ``token`` and ``expires_on``); https://www.python-httpx.org/advanced/ssl/ (``verify``);
https://www.python-httpx.org/environment_variables/ (proxy variables).
"""

from __future__ import annotations

import os
import ssl
import threading
import time
from collections.abc import Callable

from cognitive_conformance.conformance.config import ConfigError
from cognitive_conformance.conformance.transport import TargetUnreachable

__all__ = [
    "AAD_SCOPE",
    "AUTH_MODES",
    "REFRESH_MARGIN_S",
    "TOKEN_ENV",
    "TokenUnavailable",
    "aad_token_provider",
    "static_token",
    "tls_verify",
]

AUTH_MODES = ("key", "aad")
AAD_SCOPE = "https://cognitiveservices.azure.com/.default"
TOKEN_ENV = "CONFORMANCE_TOKEN"
REFRESH_MARGIN_S = 300.0
INSTALL_HINT = "pip install 'cognitive-conformance[aad]'"


class TokenUnavailable(TargetUnreachable):
    """DefaultAzureCredential found no identity or could not get a token (the target is unusable: exit 3)."""


def aad_token_provider(*, credential: object | None = None, clock: Callable[[], float] = time.time) -> Callable[[], str]:
    """A function returning a valid Entra ID token for :data:`AAD_SCOPE`, refreshed before it expires.

    Raises :class:`ConfigError` (exit 2) with the install command when ``azure-identity`` is not
    installed; the returned function raises :class:`TokenUnavailable` when no token can be had.
    ``credential`` (anything with ``get_token(scope)``) may be injected by tests.
    """
    if credential is None:
        try:
            from azure.identity import DefaultAzureCredential
        except ImportError:
            raise ConfigError(
                f"--auth aad needs the azure-identity package: {INSTALL_HINT} (or set {TOKEN_ENV} to a token)"
            ) from None
        credential = DefaultAzureCredential()
    lock = threading.Lock()
    cached: dict[str, object] = {}

    def token() -> str:
        with lock:
            if not cached or float(cached["expires_on"]) - clock() < REFRESH_MARGIN_S:
                try:
                    got = credential.get_token(AAD_SCOPE)  # type: ignore[attr-defined]
                except Exception as exc:  # azure-identity raises ClientAuthenticationError & co.
                    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                    raise TokenUnavailable(f"could not get a Microsoft Entra ID token (--auth aad): {first}") from None
                cached.update(token=got.token, expires_on=got.expires_on)
            return str(cached["token"])

    return token


def static_token() -> str | None:
    """``CONFORMANCE_TOKEN`` when set and not blank."""
    value = os.environ.get(TOKEN_ENV, "").strip()
    return value or None


def tls_verify(ca_bundle: str | None) -> ssl.SSLContext | bool:
    """What httpx's ``verify=`` gets: a context trusting ``ca_bundle`` (PEM), else ``True`` (the system's CAs).

    Raises :class:`ConfigError` (exit 2) when the file is missing or holds no usable certificate.
    """
    if ca_bundle is None:
        return True
    if not os.path.isfile(ca_bundle):
        raise ConfigError(f"--ca-bundle {ca_bundle}: no such file (give a PEM file of CA certificates)")
    try:
        return ssl.create_default_context(cafile=ca_bundle)
    except (ssl.SSLError, OSError, ValueError) as exc:
        raise ConfigError(f"--ca-bundle {ca_bundle}: not a PEM file of CA certificates ({exc})") from None
