"""The auth scenario every service shares: a wrong and a missing credential are rejected with 401.

With ``--auth key`` the credential is the subscription key; with ``--auth aad`` it is the bearer
token, so the same two provocations send a wrong token (``Authorization: Bearer`` with a token
no tenant issued) and no ``Authorization`` at all, judged by the same rules: the documents
answer both with 401 (specs/face.yaml ``Unauthorized401``, specs/speaker.yaml and
specs/customvoice.yaml ``Unauthorized``).
"""

from __future__ import annotations

from collections.abc import Callable

from cognitive_conformance.conformance.flows.evidence import BAD_KEY, NO_KEY, Expected
from cognitive_conformance.conformance.scenarios.session import Session

__all__ = ["WRONG_KEY", "WRONG_TOKEN", "auth_scenario", "check_auth"]

#: A well-formed key no target accepts.
WRONG_KEY = "not-a-valid-key-0000"
#: A JWT-shaped token no tenant issued (header and payload base64url, no valid signature).
WRONG_TOKEN = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiJodHRwczovL2NvZ25pdGl2ZXNlcnZpY2VzLmF6dXJlLmNvbSJ9.bm90LXNpZ25lZA"


def check_auth(session: Session, path: str, *, codes: tuple[str, ...] = (), source: str = "") -> None:
    """GET ``path`` with a wrong credential and with none; each must be 401 with one of ``codes`` (any if empty)."""
    expected = Expected(401, codes, source)
    wrong = WRONG_TOKEN if getattr(session.transport, "auth", "key") == "aad" else WRONG_KEY
    session.provoke(BAD_KEY, expected, "GET", path, key=wrong)
    session.provoke(NO_KEY, expected, "GET", path, key=None)


def auth_scenario(
    path: Callable[[Session], str], *, codes: tuple[str, ...] = (), source: str = ""
) -> Callable[[Session], None]:
    """A scenario body running :func:`check_auth` on the path ``path(session)`` gives."""

    def run(session: Session) -> None:
        check_auth(session, path(session), codes=codes, source=source)

    return run
