"""The emulator's only state: per-subscription-key, per-service partitions behind one lock.

Each service keeps its own state object (e.g. Face's ``FaceState``) inside a partition
identified by ``(subscription key, service name)``, so resources are isolated per key:
a group created with key A does not exist for key B (https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json, auth by
``Ocp-Apim-Subscription-Key``; one Azure resource per key). Access goes through
:meth:`Store.partition`, a context manager that holds the store lock for the whole
read-modify-write, so concurrent requests (uvicorn thread, test threads) never interleave.
Handlers receive the store; nothing imports a global one.

Source: ARCHITECTURE.md "The emulator" (store.py is the only place state lives;
``reset()`` between tests; no module-level state).
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Callable, ContextManager, Iterator, Protocol, TypeVar

__all__ = ["Store", "InMemoryStore"]

T = TypeVar("T")


class Store(Protocol):
    """What the pipeline and handlers need from state storage."""

    def partition(self, key: str, service: str, factory: Callable[[], T]) -> ContextManager[T]:
        """Lock the store and yield the ``(key, service)`` state, created by ``factory()`` on first use."""
        ...

    def reset(self) -> None:
        """Forget every partition."""
        ...


class InMemoryStore:
    """Thread-safe dict of partitions; ``reset()`` empties it."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._partitions: dict[tuple[str, str], object] = {}

    @contextmanager
    def partition(self, key: str, service: str, factory: Callable[[], T]) -> Iterator[T]:
        """Hold the lock while the caller reads/mutates the ``(key, service)`` state."""
        with self._lock:
            state = self._partitions.get((key, service))
            if state is None:
                state = factory()
                self._partitions[(key, service)] = state
            yield state  # type: ignore[misc]

    def reset(self) -> None:
        """Drop all state of all keys and services."""
        with self._lock:
            self._partitions.clear()

    def keys(self) -> list[tuple[str, str]]:
        """The ``(key, service)`` partitions that exist (for tests and diagnostics)."""
        with self._lock:
            return sorted(self._partitions)
