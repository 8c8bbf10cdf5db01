import threading

from cognitive_conformance.emulator.store import InMemoryStore


def test_partitions_are_isolated_per_key_and_service() -> None:
    store = InMemoryStore()
    with store.partition("a", "face", dict) as state:
        state["g"] = 1
    with store.partition("b", "face", dict) as state:
        assert state == {}
    with store.partition("a", "speaker", dict) as state:
        assert state == {}
    with store.partition("a", "face", dict) as state:
        assert state == {"g": 1}
    assert store.keys() == [("a", "face"), ("a", "speaker"), ("b", "face")]


def test_reset_forgets_everything() -> None:
    store = InMemoryStore()
    with store.partition("a", "face", dict) as state:
        state["g"] = 1
    store.reset()
    assert store.keys() == []
    with store.partition("a", "face", dict) as state:
        assert state == {}


def test_partition_is_a_critical_section() -> None:
    store = InMemoryStore()

    def bump() -> None:
        for _ in range(2000):
            with store.partition("k", "face", lambda: {"n": 0}) as state:
                value = state["n"]
                state["n"] = value + 1

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with store.partition("k", "face", dict) as state:
        assert state["n"] == 8000
