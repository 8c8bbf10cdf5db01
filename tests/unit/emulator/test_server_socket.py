"""The listening socket must let asyncio set TCP_NODELAY on accepted connections.

Without ``IPPROTO_TCP`` on the socket, asyncio skips TCP_NODELAY and every small response
waits ~40 ms for the client's delayed ACK (measured: 45 ms vs 0.9 ms per request).
"""

from __future__ import annotations

import socket
import time

import httpx

from emulator.config import EmulatorConfig
from emulator.server import bind_socket, running


def test_bind_socket_declares_tcp_so_asyncio_sets_nodelay() -> None:
    sock = bind_socket("127.0.0.1", 0)
    try:
        assert sock.proto == socket.IPPROTO_TCP
        assert sock.getsockname()[1] > 0
    finally:
        sock.close()


def test_small_responses_are_not_delayed_by_nagle() -> None:
    key = "k" * 32
    with running(EmulatorConfig(keys=(key,)), port=0) as url:
        with httpx.Client(base_url=url, headers={"Ocp-Apim-Subscription-Key": key}) as client:
            client.get("/face/v1.2/persongroups")
            start = time.perf_counter()
            for _ in range(20):
                assert client.get("/face/v1.2/persongroups").status_code == 200
            per_request = (time.perf_counter() - start) / 20
    # 20 delayed-ACK stalls would take ~0.8 s; allow a loaded 2-core machine plenty of slack
    assert per_request < 0.025
