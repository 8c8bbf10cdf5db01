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
from typing import Any, Callable, ContextManager, Generic, Protocol, TypeVar

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

    def partition(self, key: str, service: str, factory: Callable[[], T]) -> ContextManager[T]:
        """Hold the lock while the caller reads/mutates the ``(key, service)`` state."""
        return _Held(self, (key, service), factory)

    def reset(self) -> None:
        """Drop all state of all keys and services."""
        with self._lock:
            self._partitions.clear()

    def keys(self) -> list[tuple[str, str]]:
        """The ``(key, service)`` partitions that exist (for tests and diagnostics)."""
        with self._lock:
            return sorted(self._partitions)


class _Held(Generic[T]):
    """:meth:`InMemoryStore.partition`'s context manager: the lock for the block, the partition as its value.

    A class rather than ``@contextmanager``: every request enters one, and a generator-based
    context manager costs several times more to create and run.
    """

    __slots__ = ("_store", "_ident", "_factory")

    def __init__(self, store: InMemoryStore, ident: tuple[str, str], factory: Callable[[], T]) -> None:
        self._store = store
        self._ident = ident
        self._factory = factory

    def __enter__(self) -> T:
        store = self._store
        store._lock.acquire()
        try:
            state = store._partitions.get(self._ident)
            if state is None:
                state = self._factory()
                store._partitions[self._ident] = state
        except BaseException:
            store._lock.release()
            raise
        return state  # type: ignore[return-value]

    def __exit__(self, *exc: Any) -> None:
        self._store._lock.release()
