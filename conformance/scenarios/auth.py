"""The auth scenario every service shares: a wrong and a missing subscription key are rejected with 401."""

from __future__ import annotations

from collections.abc import Callable

from conformance.flows.evidence import BAD_KEY, NO_KEY, Expected
from conformance.scenarios.session import Session

__all__ = ["WRONG_KEY", "auth_scenario", "check_auth"]

#: A well-formed key no target accepts.
WRONG_KEY = "not-a-valid-key-0000"


def check_auth(session: Session, path: str, *, codes: tuple[str, ...] = (), source: str = "") -> None:
    """GET ``path`` with a wrong key and with none; each must be 401 with one of ``codes`` (any if empty)."""
    expected = Expected(401, codes, source)
    session.provoke(BAD_KEY, expected, "GET", path, key=WRONG_KEY)
    session.provoke(NO_KEY, expected, "GET", path, key=None)


def auth_scenario(
    path: Callable[[Session], str], *, codes: tuple[str, ...] = (), source: str = ""
) -> Callable[[Session], None]:
    """A scenario body running :func:`check_auth` on the path ``path(session)`` gives."""

    def run(session: Session) -> None:
        check_auth(session, path(session), codes=codes, source=source)

    return run
