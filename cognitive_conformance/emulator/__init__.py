"""cognitive-conformance emulator: a faithful ASGI fake of the Azure train-then-poll APIs.

Public API::

    from cognitive_conformance.emulator import EmulatorConfig, create_app, running, serve, ManualClock
    with running(EmulatorConfig(training_seconds=0.2)) as base_url: ...

``DEFAULT_KEY`` (``1f0e2d3c4b5a69788796a5b4c3d2e1f0``) is the well-known development
subscription key, accepted when no keys are configured (like Azurite's account key).
See ARCHITECTURE.md "The emulator".
"""

from cognitive_conformance.emulator.app import create_app
from cognitive_conformance.emulator.clock import Clock, ManualClock, SystemClock
from cognitive_conformance.emulator.config import DEFAULT_KEY, EmulatorConfig, Limits
from cognitive_conformance.emulator.faults import FAULTS
from cognitive_conformance.emulator.server import running, serve
from cognitive_conformance.emulator.store import InMemoryStore, Store

__all__ = [
    "DEFAULT_KEY",
    "FAULTS",
    "Clock",
    "EmulatorConfig",
    "InMemoryStore",
    "Limits",
    "ManualClock",
    "Store",
    "SystemClock",
    "create_app",
    "running",
    "serve",
]
