"""Outbound fetches of a URL a client named (an image URL, a consent audio URL, a blob container): the one safe GET.

An emulator that downloads whatever URL a request names is a proxy into the network it runs in
(a CI runner, a container next to a cloud metadata service). Every fetch of the emulator goes
through :func:`safe_get`, which by default refuses any destination that is not a public address:

* only ``http``/``https`` URLs with a host;
* the host is resolved first and **every** address it resolves to must be global: loopback
  (127/8, ::1), private (10/8, 172.16/12, 192.168/16, fc00::/7, so also the AWS IPv6 metadata
  address fd00:ec2::254), link-local (169.254/16 with the 169.254.169.254 metadata address,
  fe80::/10), shared (100.64/10, so Alibaba's 100.100.100.200), unspecified, multicast, reserved
  and documentation ranges are all refused, as is an IPv4 address wrapped in IPv6 (mapped, 6to4,
  Teredo, NAT64) that would be; the metadata host names (``metadata.google.internal`` …) are
  refused by name;
* the connection goes to the address that was checked (the URL's host becomes that IP, with the
  original ``Host`` header and TLS server name), so a second DNS answer cannot swap it (rebinding);
* redirects are followed by hand, at most :attr:`FetchPolicy.max_redirects`, and each hop is
  checked again like the first URL;
* the body is read up to a byte cap (``max_bytes + 1`` bytes, so the caller sees an oversize
  body as such without it being buffered) and the whole fetch, redirects included, has one deadline.

``FetchPolicy.allow`` (``--allow-fetch``, ``CONFORMANCE_EMULATOR_ALLOW_FETCH``) names exceptions
for tests and CI: a host name (matched exactly, case-insensitive; such a host is trusted as named
and connected to by name) or an address or CIDR (``127.0.0.1``, ``10.0.0.0/8``, ``::1``) whose
addresses are then permitted. Each service turns :class:`FetchRefused` and :class:`FetchFailed`
into its documented error for a URL it cannot download.

Source: https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes
(InvalidURL: "Invalid image URL or error downloading from target server"); OWASP Server Side
Request Forgery Prevention Cheat Sheet
(https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html:
validate the resolved address, disable or re-validate redirects, beware DNS rebinding).
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from typing import Union
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

__all__ = [
    "DEFAULT_MAX_REDIRECTS",
    "FetchFailed",
    "FetchPolicy",
    "FetchRefused",
    "Fetched",
    "METADATA_HOSTS",
    "address_permitted",
    "parse_allow",
    "safe_get",
]

IPAddress = Union[ipaddress.IPv4Address, ipaddress.IPv6Address]
IPNetwork = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]

DEFAULT_MAX_REDIRECTS = 5
"""Redirect hops followed before a fetch is refused."""

METADATA_HOSTS = frozenset(
    {
        "metadata",
        "metadata.google.internal",
        "metadata.goog",
        "metadata.azure.com",
        "instance-data",
        "instance-data.ec2.internal",
    }
)
"""Cloud instance-metadata host names, refused by name before any resolution (their addresses are refused as well)."""

_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


class FetchRefused(Exception):
    """The URL (or a redirect it led to) is outside the fetch policy; nothing was sent there."""


class FetchFailed(Exception):
    """The destination was permitted but could not be read (network error, timeout, bad URL)."""


@dataclass(frozen=True)
class Fetched:
    """A permitted fetch's answer: the final status, at most ``max_bytes + 1`` body bytes, and the final URL."""

    status_code: int
    content: bytes
    url: str

    @property
    def ok(self) -> bool:
        return 200 <= self.status_code < 300


@dataclass(frozen=True)
class FetchPolicy:
    """Where fetches may go: public addresses, plus the allowed hosts and networks."""

    hosts: frozenset[str] = frozenset()
    networks: tuple[IPNetwork, ...] = ()
    max_redirects: int = DEFAULT_MAX_REDIRECTS

    @classmethod
    def from_allow(cls, allow: tuple[str, ...]) -> "FetchPolicy":
        return _policy(tuple(allow))

    def host_allowed(self, host: str) -> bool:
        return host.lower().rstrip(".") in self.hosts

    def address_allowed(self, address: IPAddress) -> bool:
        return any(address in net for net in self.networks if net.version == address.version) or address_permitted(address)


@functools.lru_cache(maxsize=32)
def _policy(allow: tuple[str, ...]) -> FetchPolicy:
    hosts, networks = parse_allow(allow)
    return FetchPolicy(hosts=hosts, networks=networks)


def parse_allow(allow: tuple[str, ...]) -> tuple[frozenset[str], tuple[IPNetwork, ...]]:
    """Split ``--allow-fetch`` entries into host names and networks; raise ``ValueError`` for a malformed one."""
    hosts: set[str] = set()
    networks: list[IPNetwork] = []
    for entry in allow:
        text = entry.strip() if isinstance(entry, str) else ""
        if not text:
            raise ValueError("an --allow-fetch entry must be a host name, an address or a CIDR")
        try:
            networks.append(ipaddress.ip_network(text.strip("[]"), strict=False))
            continue
        except ValueError:
            pass
        if "/" in text or ":" in text or any(c.isspace() for c in text):
            raise ValueError(f"invalid --allow-fetch entry {entry!r}: not a host name, an address or a CIDR")
        hosts.add(text.lower().rstrip("."))
    return frozenset(hosts), tuple(networks)


def address_permitted(address: IPAddress) -> bool:
    """Whether the default policy lets a fetch connect to ``address``: a global unicast address, nothing wrapped inside it that is not."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour or (address.teredo[1] if address.teredo else None)
        if embedded is None and address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:  # an IPv4 address carried in IPv6 is judged as that IPv4 address
            return address_permitted(embedded)
    return address.is_global and not address.is_multicast and not address.is_reserved


async def _addresses(host: str, port: int) -> list[IPAddress]:
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise FetchFailed(f"cannot resolve {host}: {exc}") from None
    found: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in found:
            found.append(address)
    if not found:
        raise FetchFailed(f"{host} resolves to no address")
    return found


async def _checked(url: str, policy: FetchPolicy) -> tuple[str, dict[str, str], dict[str, str]]:
    """``(url to connect to, extra headers, request extensions)`` for a permitted ``url``; raise :class:`FetchRefused` otherwise."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise FetchFailed("malformed URL") from None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if scheme not in ("http", "https") or not host:
        raise FetchRefused("only http(s) URLs with a host are fetched")
    if policy.host_allowed(host):
        return url, {}, {}
    if host.rstrip(".") in METADATA_HOSTS:
        raise FetchRefused(f"{host} is a cloud metadata host")
    port = port or (443 if scheme == "https" else 80)
    addresses = await _addresses(host, port)
    refused = [a for a in addresses if not policy.address_allowed(a)]
    if refused:
        raise FetchRefused(f"{host} resolves to {refused[0]}, which the fetch policy refuses")
    address = addresses[0]
    shown = f"[{address}]" if address.version == 6 else str(address)
    netloc = f"{shown}:{parts.port}" if parts.port else shown
    pinned = urlunsplit((scheme, netloc, parts.path, parts.query, ""))
    extensions = {"sni_hostname": host} if scheme == "https" else {}
    return pinned, {"Host": parts.netloc.rsplit("@", 1)[-1]}, extensions


async def safe_get(
    url: str,
    *,
    policy: FetchPolicy,
    max_bytes: int,
    timeout: float,
    transport: httpx.AsyncBaseTransport | None = None,
    headers: dict[str, str] | None = None,
) -> Fetched:
    """GET ``url`` under ``policy``: raise :class:`FetchRefused` (outside the policy) or :class:`FetchFailed` (unreadable)."""
    try:
        async with asyncio.timeout(timeout):
            return await _get(url, policy, max_bytes, timeout, transport, headers or {})
    except TimeoutError:
        raise FetchFailed(f"no answer within {timeout:g} s") from None


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """One TLS context (httpx's defaults: certifi's CAs, hostname checks) for every fetch: building one
    loads the CA bundle, which cost a few milliseconds of the emulator's one event loop per fetch."""
    return httpx.create_ssl_context(trust_env=False)


async def _get(
    url: str, policy: FetchPolicy, max_bytes: int, timeout: float, transport: httpx.AsyncBaseTransport | None, headers: dict[str, str]
) -> Fetched:
    async with httpx.AsyncClient(
        transport=transport, verify=_tls_context(), timeout=timeout, follow_redirects=False, trust_env=False
    ) as client:
        for _hop in range(policy.max_redirects + 1):
            target, host_header, extensions = await _checked(url, policy)
            try:
                request = client.build_request("GET", target, headers={**headers, **host_header}, extensions=extensions)
                response = await client.send(request, stream=True)
            except httpx.HTTPError as exc:
                raise FetchFailed(type(exc).__name__) from None
            except (ValueError, UnicodeError):
                raise FetchFailed("malformed URL") from None
            try:
                location = response.headers.get("location")
                if response.status_code in _REDIRECTS and location:
                    url = urljoin(url, location)
                    continue
                buffer = bytearray()
                async for chunk in response.aiter_bytes():
                    buffer.extend(chunk)
                    if len(buffer) > max_bytes:
                        break
                return Fetched(response.status_code, bytes(buffer[: max_bytes + 1]), url)
            except httpx.HTTPError as exc:
                raise FetchFailed(type(exc).__name__) from None
            finally:
                await response.aclose()
        raise FetchRefused(f"more than {policy.max_redirects} redirects")
