"""The socket guard in tests/conftest.py: only tests marked e2e may open network sockets."""

from __future__ import annotations

import socket

import pytest


def test_an_unmarked_test_cannot_connect_a_socket() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        with pytest.raises(AssertionError, match="mark it @pytest.mark.e2e"):
            sock.connect(("127.0.0.1", 9))


def test_an_unmarked_test_cannot_bind_a_socket() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        with pytest.raises(AssertionError, match="mark it @pytest.mark.e2e"):
            sock.bind(("127.0.0.1", 0))


@pytest.mark.e2e
def test_a_marked_test_may_bind_a_loopback_socket() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        assert sock.getsockname()[1] > 0
