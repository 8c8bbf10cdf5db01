"""Both stores behind the ``Store`` protocol: isolation, reset, critical sections; SqliteStore across connections."""

import os
import pickle
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from cognitive_conformance.emulator.store import DATABASE_NAME, InMemoryStore, SqliteStore, StoreFormatError


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path):
    return InMemoryStore() if request.param == "memory" else SqliteStore(tmp_path / "data")


def test_partitions_are_isolated_per_key_and_service(store) -> None:
    with store.partition("a", "face", dict) as state:
        state["g"] = 1
    with store.partition("b", "face", dict) as state:
        assert state == {}
    with store.partition("a", "speaker", dict) as state:
        assert state == {}
    with store.partition("a", "face", dict) as state:
        assert state == {"g": 1}
    assert store.keys() == [("a", "face"), ("a", "speaker"), ("b", "face")]


def test_reset_forgets_everything(store) -> None:
    with store.partition("a", "face", dict) as state:
        state["g"] = 1
    store.reset()
    assert store.keys() == []
    with store.partition("a", "face", dict) as state:
        assert state == {}


def test_partition_is_a_critical_section(store) -> None:
    def bump() -> None:
        for _ in range(300):
            with store.partition("k", "face", lambda: {"n": 0}) as state:
                value = state["n"]
                state["n"] = value + 1

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with store.partition("k", "face", dict) as state:
        assert state["n"] == 1200


def test_changes_made_before_an_error_stay_as_in_memory(store) -> None:
    with pytest.raises(KeyError):
        with store.partition("k", "face", dict) as state:
            state["kept"] = True
            raise KeyError("handler error after a change")
    with store.partition("k", "face", dict) as state:
        assert state == {"kept": True}


def test_a_partition_opened_inside_another_joins_it(store) -> None:
    with store.partition("k", "face", dict) as face:
        face["g"] = 1
        with store.partition("k", "fault:x", set) as seen:
            seen.add("g")
    with store.partition("k", "fault:x", set) as seen, store.partition("k", "face", dict) as face:
        assert seen == {"g"} and face == {"g": 1}


# -- SqliteStore: what two processes sharing a data dir see ------------------------------------


def _twin(store: SqliteStore) -> SqliteStore:
    """What a worker process gets: a pickled copy with a connection (and cache) of its own."""
    return pickle.loads(pickle.dumps(store))


def test_a_second_connection_sees_every_write_and_every_reset(tmp_path: Path) -> None:
    one = SqliteStore(tmp_path)
    two = _twin(one)
    with one.partition("k", "face", dict) as state:
        state["g"] = 1
    with two.partition("k", "face", dict) as state:  # two caches nothing yet
        assert state == {"g": 1}
        state["h"] = 2
    with one.partition("k", "face", dict) as state:  # one's cached copy is stale: reloaded
        assert state == {"g": 1, "h": 2}
    two.reset()
    with two.partition("k", "face", dict) as state:
        state["again"] = 1
    with one.partition("k", "face", dict) as state:  # recreated after a reset: not mistaken for the cached one
        assert state == {"again": 1}


def test_connections_on_one_data_dir_lose_no_update(tmp_path: Path) -> None:
    first = SqliteStore(tmp_path)
    stores = [first] + [_twin(first) for _ in range(3)]

    def bump(s: SqliteStore) -> None:
        for _ in range(150):
            with s.partition("k", "face", lambda: {"n": 0}) as state:
                state["n"] += 1

    threads = [threading.Thread(target=bump, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with _twin(first).partition("k", "face", dict) as state:
        assert state["n"] == 600


def test_a_read_only_partition_writes_nothing(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path)
    with store.partition("k", "face", lambda: {"n": 1}):
        pass
    db = sqlite3.connect(tmp_path / DATABASE_NAME)
    (version,) = db.execute("SELECT version FROM partitions").fetchone()
    with store.partition("k", "face", dict) as state:
        assert state == {"n": 1}
    assert db.execute("SELECT version FROM partitions").fetchone() == (version,)


def test_an_unreadable_data_dir_is_refused_at_open_not_mid_request(tmp_path: Path) -> None:
    SqliteStore(tmp_path)
    db = sqlite3.connect(tmp_path / DATABASE_NAME)
    db.execute("INSERT INTO partitions VALUES ('k', 'face', 1, ?)", (b"not a pickle",))
    db.commit()
    with pytest.raises(StoreFormatError, match="partition 'face' cannot be read"):
        SqliteStore(tmp_path)
    db.execute("DELETE FROM partitions")
    db.execute("UPDATE meta SET value = 'something-else/9' WHERE name = 'format'")
    db.commit()
    with pytest.raises(StoreFormatError, match="something-else/9"):
        SqliteStore(tmp_path)


def test_markers_of_a_dead_process_or_an_earlier_boot_do_not_count(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path)
    assert store.alive(store.holder())
    assert _twin(store).alive(store.holder())  # a worker of the same boot
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    boot = store.holder().split(":")[0]
    assert not store.alive(f"{boot}:{int(dead.stdout)}")
    restarted = SqliteStore(tmp_path)  # a new start of the emulator on the data dir
    assert not restarted.alive(store.holder())
    assert restarted.alive(restarted.holder())
    assert not restarted.alive("garbage")
    memory = InMemoryStore()
    assert memory.alive(memory.holder())


def test_a_store_crosses_into_a_child_process_by_pickle(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path)
    with store.partition("k", "face", dict) as state:
        state["from"] = "parent"
    code = (
        "import pickle, sys\n"
        "store = pickle.loads(sys.stdin.buffer.read())\n"
        "with store.partition('k', 'face', dict) as state:\n"
        "    assert state == {'from': 'parent'}, state\n"
        "    state['child'] = store.holder()\n"
    )
    subprocess.run([sys.executable, "-c", code], input=pickle.dumps(store), check=True, env={**os.environ})
    with store.partition("k", "face", dict) as state:
        assert state["child"].split(":")[0] == store.holder().split(":")[0]


def test_a_read_skips_the_write_back_and_a_verifying_store_catches_a_read_that_writes(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path)
    with store.partition("k", "face", dict) as state:
        state["n"] = 1
    with store.reading(), store.partition("k", "face", dict) as state:
        state["n"] = 2  # a handler bug: a GET that writes
    with _twin(store).partition("k", "face", dict) as stored:
        assert stored == {"n": 1}
    verifying = SqliteStore(tmp_path, verify_reads=True)
    with pytest.raises(RuntimeError, match="read-only request changed the 'face' partition"):
        with verifying.reading(), verifying.partition("k", "face", dict) as state:
            state["n"] = 3
    with verifying.reading(), verifying.partition("k", "face", dict) as state:
        assert state == {"n": 1}


def test_a_state_written_before_a_class_gained_a_field_gets_its_default_at_open(tmp_path: Path) -> None:
    """As after an upgrade that added state: an old pickle lacks the new field."""
    from cognitive_conformance.emulator.services.face.models import FaceState, Person

    store = SqliteStore(tmp_path)
    old_state = FaceState()
    person = Person("p1", "name")
    del person.__dict__["faces"]  # written by a version whose Person had no faces yet
    del old_state.__dict__["face_lists"]
    old_state.deleted[("persongroups", "g")] = person  # reachable through a dict value
    db = sqlite3.connect(tmp_path / DATABASE_NAME)
    db.execute("INSERT INTO partitions VALUES ('k', 'face', 1, ?)", (pickle.dumps(old_state),))
    db.commit()
    upgraded = SqliteStore(tmp_path)
    with upgraded.partition("k", "face", FaceState) as state:
        assert state.face_lists == {} and state.deleted[("persongroups", "g")].faces == {}
    (blob,) = db.execute("SELECT state FROM partitions").fetchone()
    assert pickle.loads(blob).face_lists == {}  # written back once, at open
    del person.__dict__["name"]  # a field without a default cannot be made up
    db.execute("UPDATE partitions SET state = ?", (pickle.dumps(old_state),))
    db.commit()
    with pytest.raises(StoreFormatError, match="without its field 'name'"):
        SqliteStore(tmp_path)
