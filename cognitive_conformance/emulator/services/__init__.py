"""Pluggable emulated services.

This package is the one registry of services: every sub-package ``emulator/services/<svc>/``
that exposes ``SERVICE``, a :class:`~emulator.routing.ServiceDefinition` (URL prefix, routes,
error envelope, API-version policy, 401 factory), is a service. Importing a sub-package also
registers its faults (``faults.py``, with :func:`emulator.faults.register_fault`); they belong to
that service, and its spec is ``specs/<SERVICE.name>.yaml``. :func:`registered_services` imports
every sub-package (sorted by name) and returns their definitions; ``create_app`` mounts them
all, so a new service is added by creating its package, without touching the core. The core
imports service packages only through this function.
"""

from __future__ import annotations

import importlib
import pkgutil

from cognitive_conformance.emulator.routing import ServiceDefinition

__all__ = ["registered_services"]


def registered_services() -> tuple[ServiceDefinition, ...]:
    """The ``SERVICE`` of every package under ``emulator.services`` (packages without one are skipped)."""
    found: list[ServiceDefinition] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if not info.ispkg:
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        service = getattr(module, "SERVICE", None)
        if isinstance(service, ServiceDefinition):
            found.append(service)
    return tuple(found)
