"""The emulator's only state: per-subscription-key, per-service partitions behind one lock.

Each service keeps its own state object (e.g. Face's ``FaceState``) inside a partition
identified by ``(subscription key, service name)``, so resources are isolated per key:
a group created with key A does not exist for key B (https://github.com/Azure/azure-rest-api-specs/blob/1b7c640702b1a65e61c0682dff8534618e8194da/specification/ai/data-plane/Face/stable/v1.2/Face.json, auth by
``Ocp-Apim-Subscription-Key``; one Azure resource per key). Access goes through
:meth:`Store.partition`, a context manager that holds the store lock for the whole
read-modify-write, so concurrent requests (uvicorn thread, test threads, worker processes)
never interleave. Handlers receive the store; nothing imports a global one.

Two stores:

* :class:`InMemoryStore` (the default): a dict behind a thread lock; gone with the process.
* :class:`SqliteStore` (``--data-dir DIR``): one SQLite database (stdlib ``sqlite3``, WAL) that
  several processes share. A partition's state object is stored whole, pickled, with a version
  (random, new on every write). :meth:`SqliteStore.partition` opens ``BEGIN IMMEDIATE`` (SQLite's
  write lock: one writer across all processes, queued on the data dir's lock file), reloads the
  state only if its version moved since this process last saw it, yields it, and writes it back
  with a new version when its pickle changed. A GET's handler runs within :meth:`Store.reading`:
  its partitions are read in a deferred transaction (a snapshot, concurrent with the writer) and
  neither pickled nor written. Nothing is specific to a service: whatever a state object holds
  (dataclasses, dicts, sets, datetimes, tuples of floats) persists. A write's cost grows with the
  size of its partition (pickled and stored whole), see ARCHITECTURE.md "The emulator".

Writes on one profile need an in-flight marker that outlives no process: :meth:`Store.holder`
names the current process for this store's lifetime and :meth:`Store.alive` says whether a marker
left by a holder still counts (a killed process's markers do not).

Source: ARCHITECTURE.md "The emulator" (store.py is the only place state lives;
``reset()`` between tests; no module-level state); https://www.sqlite.org/wal.html (WAL:
readers and one writer across processes on one host; ``synchronous=NORMAL`` loses no
committed transaction when a process dies); https://www.sqlite.org/lang_transaction.html
(``BEGIN IMMEDIATE`` takes the write lock at once).
"""

from __future__ import annotations

import contextvars
import dataclasses
import os
import sys
import pickle
import sqlite3
import threading
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any, Callable, ContextManager, Generic, Iterator, Protocol, TypeVar

if sys.platform != "win32":
    import fcntl
else:  # pragma: no cover - without flock, writers wait in SQLite's busy handler
    fcntl = None

__all__ = ["Store", "InMemoryStore", "SqliteStore", "DATABASE_NAME", "LOCK_NAME", "StoreFormatError"]

T = TypeVar("T")

DATABASE_NAME = "emulator.sqlite3"
"""The database file :class:`SqliteStore` keeps in its data dir (plus SQLite's ``-wal``/``-shm``)."""

LOCK_NAME = "emulator.lock"
"""The lock file writers queue on (``flock``), next to the database."""

_FORMAT = "cognitive-conformance-store/1"
"""Written once into a new database; another value is refused (:class:`StoreFormatError`)."""


class Store(Protocol):
    """What the pipeline and handlers need from state storage."""

    def partition(self, key: str, service: str, factory: Callable[[], T]) -> ContextManager[T]:
        """Lock the store and yield the ``(key, service)`` state, created by ``factory()`` on first use."""
        ...

    def reset(self) -> None:
        """Forget every partition."""
        ...

    def reading(self) -> ContextManager[None]:
        """Within it, partitions are only read (a GET's handler): the store may skip writing them back."""
        ...

    def holder(self) -> str:
        """A token naming this process for as long as it uses this store (for in-flight markers)."""
        ...

    def alive(self, holder: str) -> bool:
        """Whether a marker left by ``holder`` still counts: its process is running and used this store since it opened."""
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

    def reading(self) -> ContextManager[None]:
        """Nothing to skip: the state is never written anywhere."""
        return nullcontext()

    def holder(self) -> str:
        """Markers live and die with this process's memory: one holder."""
        return "memory"

    def alive(self, holder: str) -> bool:
        """Every marker in memory was left by this process, which is running."""
        return True


_READING: contextvars.ContextVar[bool] = contextvars.ContextVar("store_reading", default=False)
"""True inside :meth:`SqliteStore.reading` (per asyncio task / thread)."""


class StoreFormatError(RuntimeError):
    """The data dir holds a database this version cannot read (another format or unreadable state)."""


class SqliteStore:
    """Partitions in ``DIR/emulator.sqlite3``, shared by every process opened on ``DIR``.

    ``SqliteStore(directory)`` starts a new *boot* of the data dir (an emulator start): in-flight
    markers of earlier boots no longer count. A copy made by ``pickle`` (what a worker process
    receives) joins the boot of the store it was copied from. Each process keeps one connection and
    a cache ``(key, service) -> (version, pickle, state)``; the connection is opened lazily, so a
    store built before a fork or spawn is safe to hand over.
    """

    def __init__(
        self,
        directory: str | os.PathLike[str],
        *,
        busy_timeout_s: float = 30.0,
        verify_reads: bool = False,
        _boot: int | None = None,
    ) -> None:
        self.directory = Path(directory)
        self.verify_reads = verify_reads
        self.path = self.directory / DATABASE_NAME
        self.busy_timeout_s = busy_timeout_s
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        self._lockfile: Any = None
        self._pid: int | None = None
        self._depth = 0
        self._cache: dict[tuple[str, str], tuple[int, bytes, Any]] = {}
        if _boot is None:
            self.directory.mkdir(parents=True, exist_ok=True)
            conn = self._connection()
            with self._write():
                row = conn.execute("SELECT value FROM meta WHERE name = 'boot'").fetchone()
                _boot = (int(row[0]) if row else 0) + 1
                conn.execute("INSERT OR REPLACE INTO meta(name, value) VALUES ('boot', ?)", (str(_boot),))
            self._boot = _boot
            self.check()
        else:
            self._boot = _boot

    def __reduce__(self) -> tuple[Any, ...]:
        return (_reopen, (str(self.directory), self.busy_timeout_s, self.verify_reads, self._boot))

    # -- connection -------------------------------------------------------------------------

    def _connection(self) -> sqlite3.Connection:
        if self._conn is not None and self._pid == os.getpid():
            return self._conn
        # A connection never crosses a fork: a child opens its own (https://www.sqlite.org/howtocorrupt.html 2.6).
        self._cache.clear()
        self._lockfile = open(self.directory / LOCK_NAME, "ab")  # noqa: SIM115 - held as long as the connection
        conn = sqlite3.connect(self.path, timeout=self.busy_timeout_s, isolation_level=None, check_same_thread=False)
        self._conn, self._pid = conn, os.getpid()
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        with self._write():
            conn.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS partitions ("
                " key TEXT NOT NULL, service TEXT NOT NULL, version INTEGER NOT NULL, state BLOB NOT NULL,"
                " PRIMARY KEY (key, service))"
            )
            conn.execute("INSERT OR IGNORE INTO meta(name, value) VALUES ('format', ?)", (_FORMAT,))
            stored = conn.execute("SELECT value FROM meta WHERE name = 'format'").fetchone()[0]
        if stored != _FORMAT:
            self.close()
            raise StoreFormatError(f"{self.path} was written in format {stored!r}, this emulator reads {_FORMAT!r}; use another --data-dir")
        return conn

    def _begin(self, write: bool) -> None:
        """Open a transaction: a writer first takes the data dir's lock file, then SQLite's write lock.

        Writers queue on ``flock`` (the kernel wakes the next one when the lock is released; a killed
        process's lock goes with it) instead of SQLite's busy handler, which polls with sleeps of up
        to 100 ms. A read opens a deferred transaction: a snapshot, concurrent with the writer (WAL).
        """
        assert self._conn is not None
        if not write:
            self._conn.execute("BEGIN")
            return
        if fcntl is not None:
            fcntl.flock(self._lockfile.fileno(), fcntl.LOCK_EX)
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except BaseException:
            self._unlock()
            raise

    def _end(self, commit: bool) -> None:
        """Commit (or roll back) the open transaction and release the lock file."""
        assert self._conn is not None
        try:
            if self._conn.in_transaction:
                self._conn.execute("COMMIT" if commit else "ROLLBACK")
        finally:
            self._unlock()

    def _unlock(self) -> None:
        if fcntl is not None and self._lockfile is not None:
            fcntl.flock(self._lockfile.fileno(), fcntl.LOCK_UN)

    @contextmanager
    def _write(self) -> Iterator[None]:
        self._begin(write=True)
        try:
            yield
        except BaseException:
            self._end(commit=False)
            raise
        self._end(commit=True)

    # -- the Store protocol -----------------------------------------------------------------

    @contextmanager
    def partition(self, key: str, service: str, factory: Callable[[], T]) -> Iterator[T]:
        """Hold SQLite's write lock while the caller reads/mutates the ``(key, service)`` state.

        A partition opened inside another one (same thread) joins the outer transaction.
        """
        with self._lock:
            conn = self._connection()
            outer = self._depth == 0
            reading = _READING.get()
            if outer:
                self._begin(write=not reading or self.verify_reads)
            self._depth += 1
            ident = (key, service)
            raised: BaseException | None = None
            try:
                row = conn.execute("SELECT version FROM partitions WHERE key = ? AND service = ?", ident).fetchone()
                cached = self._cache.get(ident)
                if row is None:
                    version, loaded, state = 0, b"", factory()
                elif cached is not None and cached[0] == row[0]:
                    version, loaded, state = cached
                else:
                    blob = conn.execute("SELECT state FROM partitions WHERE key = ? AND service = ?", ident).fetchone()[0]
                    version, loaded, state = row[0], bytes(blob), self._load(ident, blob)
                try:
                    yield state
                except BaseException as exc:  # like the in-memory store, what the caller changed stays changed
                    raised = exc
                if reading and not self.verify_reads:
                    dumped = loaded  # a read: the pickle (the cost that grows with the partition) is skipped
                else:
                    dumped = pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)
                    if reading and dumped != loaded and row is not None:
                        raise RuntimeError(f"a read-only request changed the {service!r} partition")
                if dumped != loaded:
                    version = _new_version()
                    conn.execute(
                        "INSERT OR REPLACE INTO partitions(key, service, version, state) VALUES (?, ?, ?, ?)",
                        (key, service, version, dumped),
                    )
                self._cache[ident] = (version, dumped, state)
            except BaseException:  # the storage itself failed: nothing of this transaction stays
                self._depth -= 1
                self._cache.pop(ident, None)
                if outer:
                    self._rollback()
                raise
            self._depth -= 1
            if outer:
                try:
                    self._end(commit=True)
                except BaseException:
                    self._rollback()
                    raise
            if raised is not None:
                raise raised

    def _rollback(self) -> None:
        self._cache.clear()  # cached objects may hold changes that were not committed
        self._end(commit=False)

    def _load(self, ident: tuple[str, str], blob: bytes) -> Any:
        try:
            return pickle.loads(blob)
        except Exception as exc:  # an unreadable partition is the data dir's fault, said plainly
            raise StoreFormatError(
                f"{self.path}: the state of partition {ident[1]!r} cannot be read by this version "
                f"({type(exc).__name__}: {exc}); start with an empty --data-dir"
            ) from exc

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Partitions opened within it (in this task or thread) are not written back.

        The pipeline wraps the handler of a GET or HEAD in it. With ``verify_reads`` the state is
        still pickled and a change raises ``RuntimeError`` (the tests' check that no read writes).
        """
        token = _READING.set(True)
        try:
            yield
        finally:
            _READING.reset(token)

    def reset(self) -> None:
        """Drop all state of all keys and services (every process sharing the data dir sees it)."""
        with self._lock:
            conn = self._connection()
            with self._write():
                conn.execute("DELETE FROM partitions")
            self._cache.clear()

    def keys(self) -> list[tuple[str, str]]:
        """The ``(key, service)`` partitions that exist (for tests and diagnostics)."""
        with self._lock:
            rows = self._connection().execute("SELECT key, service FROM partitions ORDER BY key, service").fetchall()
        return [(k, s) for k, s in rows]

    def check(self) -> None:
        """Read every stored partition once, at start-up, and bring it up to this version's state classes.

        A dataclass that gained a field with a default since the partition was written gets that
        default (and the partition is written back), so a data dir outlives an upgrade that adds
        state. :class:`StoreFormatError` if a partition cannot be read, or a class gained a field
        without a default: said at start-up, never mid-request.
        """
        with self._lock, self._write():
            conn = self._connection()
            for key, service, blob in conn.execute("SELECT key, service, state FROM partitions").fetchall():
                state = self._load((key, service), blob)
                if _add_missing_fields(state, (key, service), self.path):
                    conn.execute(
                        "UPDATE partitions SET version = ?, state = ? WHERE key = ? AND service = ?",
                        (_new_version(), pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL), key, service),
                    )

    def holder(self) -> str:
        """``boot:pid``: this process, in this boot of the data dir."""
        return f"{self._boot}:{os.getpid()}"

    def alive(self, holder: str) -> bool:
        """The holder belongs to this boot and its process still runs (same host: SQLite WAL needs one)."""
        boot, _, pid = holder.partition(":")
        if boot != str(self._boot) or not pid.isdigit():
            return False
        if int(pid) == os.getpid() or sys.platform == "win32":  # Windows has no harmless probe (os.kill terminates)
            return True
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    def close(self) -> None:
        """Close this process's connection (reopened on next use)."""
        with self._lock:
            if self._pid == os.getpid():
                if self._conn is not None:
                    self._conn.close()
                if self._lockfile is not None:
                    self._lockfile.close()
            self._conn, self._lockfile, self._pid = None, None, None
            self._cache.clear()


def _add_missing_fields(root: Any, ident: tuple[str, str], path: Path) -> bool:
    """Give every dataclass instance reachable from ``root`` the fields its class has and it lacks; True if any."""
    changed, seen, todo = False, set(), [root]
    while todo:
        obj = todo.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, dict):
            todo.extend(obj.keys())
            todo.extend(obj.values())
        elif isinstance(obj, (list, tuple, set, frozenset)):
            todo.extend(obj)
        elif dataclasses.is_dataclass(obj) and not isinstance(obj, type) and hasattr(obj, "__dict__"):
            for f in dataclasses.fields(obj):
                if f.name in obj.__dict__:
                    todo.append(obj.__dict__[f.name])
                    continue
                if f.default is not dataclasses.MISSING:
                    value = f.default
                elif f.default_factory is not dataclasses.MISSING:
                    value = f.default_factory()
                else:
                    raise StoreFormatError(
                        f"{path}: partition {ident[1]!r} holds a {type(obj).__name__} without its field {f.name!r}, "
                        "which has no default in this version; start with an empty --data-dir"
                    )
                object.__setattr__(obj, f.name, value)
                changed = True
    return changed


def _new_version() -> int:
    """A fresh random version: never equal to one another process cached, even across ``reset()``."""
    return int.from_bytes(os.urandom(8), "big") >> 1


def _reopen(directory: str, busy_timeout_s: float, verify_reads: bool, boot: int) -> SqliteStore:
    """Unpickle a :class:`SqliteStore`: same data dir and boot, a connection of its own."""
    return SqliteStore(directory, busy_timeout_s=busy_timeout_s, verify_reads=verify_reads, _boot=boot)


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
