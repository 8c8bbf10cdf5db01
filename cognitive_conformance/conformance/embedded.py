"""The embedded emulator: started as a subprocess, reached only over HTTP.

``conformance/`` never imports ``emulator/``: :func:`embedded_emulator` runs
``conformance emulator --port 0``, reads the address it prints, yields it, and stops the process
afterwards.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from cognitive_conformance.conformance.config import ConfigError

#: What each optional part needs beyond the checker's own dependencies (pyproject.toml's extras).
EXTRAS = {"emulator": ("starlette", "uvicorn", "python_multipart"), "proxy": ("starlette", "uvicorn")}


def require_extra(extra: str, what: str) -> None:
    """Raise :class:`ConfigError` naming the extra to install when a module ``extra`` needs is missing."""
    import importlib

    missing = []
    for module in EXTRAS[extra]:
        try:
            importlib.import_module(module)
        except ImportError:
            missing.append(module)
    if missing:
        raise ConfigError(
            f"{what} needs the [{extra}] extra ({', '.join(missing)} not installed): "
            f"pip install 'cognitive-conformance[{extra}]'"
        )
from cognitive_conformance.conformance.transport import redact

__all__ = ["embedded_emulator"]

_LISTENING = re.compile(r"listening on (https?://\S+)")


@contextmanager
def embedded_emulator(
    *,
    key: str | tuple[str, ...],
    training_seconds: float,
    faults: tuple[str, ...] = (),
    mutations: tuple[str, ...] = (),
    profile: str = "observed",
    timeout_s: float = 30.0,
    aad_tokens: tuple[str, ...] = (),
) -> Iterator[str]:
    """Start ``conformance emulator`` on a free loopback port; yield its base URL; stop it after.

    ``key`` may be several keys: each is an isolated tenant of the emulator. ``profile`` is the
    emulator's ``--profile``: the run's checking profile, so that ``docs`` checks an emulator that
    follows the documents and ``observed`` one that behaves as the real service was recorded. ``aad_tokens`` are
    bearer tokens it accepts like keys (its ``--aad-token`` test mode), for ``--auth aad`` runs.
    """
    require_extra("emulator", "the embedded emulator (or pass --target URL)")
    keys = (key,) if isinstance(key, str) else tuple(key)
    cmd = [sys.executable, "-m", "cognitive_conformance.emulator", "--host", "127.0.0.1", "--port", "0", "--training-seconds", str(training_seconds)]
    cmd += ["--profile", profile]
    for one in keys:
        cmd += ["--key", one]
    for token in aad_tokens:
        cmd += ["--aad-token", token]
    for fault in faults:
        cmd += ["--fault", fault]
    for mutant in mutations:
        cmd += ["--mutate", mutant]
    # The checker alone configures its embedded emulator: the variables a container sets for a
    # standalone emulator (CONFORMANCE_EMULATOR_*) must not add faults or keys to it.
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONFORMANCE_EMULATOR_")}
    env["PYTHONUNBUFFERED"] = "1"
    # Its own session: a Ctrl-C at the terminal reaches the run, which still needs the emulator for its
    # cleanup, and not the emulator; the run stops it below in every case.
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, start_new_session=True)
    lines: list[str] = []
    found: dict[str, str] = {}

    def reader() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            m = _LISTENING.search(line)
            if m and "url" not in found:
                found["url"] = m.group(1).rstrip("/")

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout_s
    try:
        while "url" not in found:
            if proc.poll() is not None:
                err = proc.stderr.read() if proc.stderr else ""
                raise ConfigError(f"the embedded emulator exited with {proc.returncode}: {redact(err.strip(), [*keys, *aad_tokens])[-2000:]}")
            if time.monotonic() > deadline:
                raise ConfigError("the embedded emulator did not start within 30 s")
            time.sleep(0.02)
        yield found["url"]
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
        for stream in (proc.stdout, proc.stderr):
            if stream:
                stream.close()
