"""The listening socket must let asyncio set TCP_NODELAY on accepted connections.

Without ``IPPROTO_TCP`` on the socket, asyncio skips TCP_NODELAY and every small response
waits ~40 ms for the client's delayed ACK (measured: 45 ms vs 0.9 ms per request).
"""

from __future__ import annotations

import socket

import pytest
from cognitive_conformance.emulator.server import bind_socket


@pytest.mark.e2e
def test_bind_socket_declares_tcp_so_asyncio_sets_nodelay() -> None:
    sock = bind_socket("127.0.0.1", 0)
    try:
        assert sock.proto == socket.IPPROTO_TCP
        assert sock.getsockname()[1] > 0
    finally:
        sock.close()
