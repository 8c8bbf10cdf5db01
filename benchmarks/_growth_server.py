"""The emulator for benchmarks/growth.py, holding a given amount of Face data before it serves.

``--groups G --persons P --faces F`` puts G PersonGroups of P persons with F persisted faces each
into the store, built from the Face models exactly as the create-group, create-person and
add-face handlers store them (uuid4-shaped ids, drawn like request ids, which is quicker than
``uuid.uuid4()`` a million times; no image bytes: the emulator keeps none), then serves
over uvicorn like ``conformance emulator``. Filling the store in-process keeps a million faces
to seconds (through HTTP each add-face decodes an image); every figure the benchmark prints is
then read over HTTP. Prints ``seeded ... in S s`` and then ``growth listening on URL``.
"""

from __future__ import annotations

import argparse
import sys
import time

import uvicorn

from cognitive_conformance.emulator.app import create_app
from cognitive_conformance.emulator.config import EmulatorConfig
from cognitive_conformance.emulator.pipeline.request_id import new_request_id
from cognitive_conformance.emulator.server import bind_socket
from cognitive_conformance.emulator.services.face.models import Group, PersistedFace, Person
from cognitive_conformance.emulator.services.face.state import face_state


def seed(config: EmulatorConfig, key: str, groups: int, persons: int, faces: int) -> None:
    now = config.clock.now()
    with face_state(config.store, key) as state:
        for g in range(groups):
            group = Group(
                kind="persongroups", group_id=f"growth-{g}", name=f"growth {g}", user_data=None,
                recognition_model="recognition_01", created_at=now,
            )
            for p in range(persons):
                person_id = new_request_id()
                person = Person(person_id=person_id, name=f"p{p}", user_data=None)
                for _ in range(faces):
                    face_id = new_request_id()
                    person.faces[face_id] = PersistedFace(persisted_face_id=face_id, user_data=None)
                group.persons[person_id] = person
            state.groups[("persongroups", group.group_id)] = group


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--groups", type=int, required=True)
    parser.add_argument("--persons", type=int, required=True)
    parser.add_argument("--faces", type=int, required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--training-seconds", type=float, default=0.001)
    args = parser.parse_args()
    config = EmulatorConfig(keys=(args.key,), training_seconds=args.training_seconds)
    t0 = time.perf_counter()
    seed(config, args.key, args.groups, args.persons, args.faces)
    print(f"seeded {args.groups * args.persons} persons, {args.groups * args.persons * args.faces} faces in {time.perf_counter() - t0:.2f} s", flush=True)
    sock = bind_socket("127.0.0.1", 0)
    print(f"growth listening on http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
    server = uvicorn.Server(uvicorn.Config(create_app(config), log_level="warning", access_log=False, lifespan="off"))
    server.run(sockets=[sock])
    return 0


if __name__ == "__main__":
    sys.exit(main())
