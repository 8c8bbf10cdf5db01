"""What a run is asked to do: :class:`RunConfig`, its validation and its plan of jobs.

:meth:`RunConfig.plan` resolves service names and aliases through the service packs and the
API versions through each service's spec; :func:`jobs` and :func:`tasks_by_service` turn the
plan into (service, API version) jobs and the tasks worker processes run. Nothing here does
I/O beyond reading the specs.

Exit codes (documented in ``conformance run --help``): 0 conformant, 1 nonconformance found,
2 usage or configuration error, 3 target unreachable, 4 checker error (a defect of this tool,
not of the target: the message names the job and carries the traceback), 5 incomplete: a budget
(``--max-requests``, ``--max-time``) ran out before the run ended (and no error finding was
made), 130 interrupted by SIGINT (Ctrl-C), 143 interrupted by SIGTERM.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from cognitive_conformance.conformance import spec as spec_module
from cognitive_conformance.conformance.throttle import RateLimit, parse_rate_limit

__all__ = [
    "EXIT_CHECKER_ERROR",
    "EXIT_FINDINGS",
    "EXIT_INCOMPLETE",
    "EXIT_OK",
    "EXIT_SIGINT",
    "EXIT_SIGTERM",
    "EXIT_UNREACHABLE",
    "EXIT_USAGE",
    "DEFAULT_LIVE_RATE_LIMIT",
    "LIVE_POLL_INTERVAL_S",
    "LIVE_POLL_MAX_INTERVAL_S",
    "PHASES",
    "POLL_BACKOFF",
    "ConfigError",
    "Job",
    "RunConfig",
    "Task",
    "jobs",
    "tasks_by_service",
]

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_UNREACHABLE, EXIT_CHECKER_ERROR = 0, 1, 2, 3, 4
EXIT_INCOMPLETE = 5  # a budget (--max-requests, --max-time) ran out: the reports are marked incomplete
EXIT_SIGINT, EXIT_SIGTERM = 130, 143  # interrupted, as shells report 128 + the signal number
PHASES = ("stateless", "stateful")
#: A live resource is someone's quota: half of the Face S0 tier's 10 transactions per second.
DEFAULT_LIVE_RATE_LIMIT = "5/s"
_UNLIMITED = frozenset({"none", "off", "0"})


def _is_loopback(url: str | None) -> bool:
    """Whether ``url`` names this machine (127.0.0.0/8, ::1, localhost): a local fake, not a paid resource."""
    import ipaddress
    from urllib.parse import urlsplit

    host = (urlsplit(url).hostname or "") if url else ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


LIVE_POLL_INTERVAL_S = 1.0
"""A target's default first wait between status reads when no Retry-After is given (``--poll-interval``)."""
LIVE_POLL_MAX_INTERVAL_S = 10.0
"""A target's default longest wait between status reads (``--poll-max-interval``)."""
POLL_BACKOFF = 1.25
"""The default growth of the wait from one status read to the next (``--poll-backoff``)."""


class ConfigError(ValueError):
    """The run was asked for something that does not exist (exit code 2)."""


@dataclass(frozen=True)
class RunConfig:
    target: str | None = None
    key: str | None = None
    services: tuple[str, ...] = ()
    api_versions: tuple[str, ...] = ()
    profile: str = "observed"
    seed: int = 0
    max_examples: int = 5
    poll_timeout_s: float = 60.0
    # The poll schedule without Retry-After (scenarios/polling.py); None: the default for the target kind (poll_policy).
    poll_interval_s: float | None = None  # the wait after the first status read
    poll_backoff: float | None = None  # each later wait is the previous one times this
    poll_max_interval_s: float | None = None  # no wait is longer
    phases: tuple[str, ...] = PHASES
    scenarios: tuple[str, ...] = ()  # empty: all
    operations: tuple[str, ...] = ()  # stateless phase: only these operationIds (empty: all)
    checks: tuple[str, ...] = ()  # empty: all
    emulator_training_seconds: float = 0.3
    emulator_faults: tuple[str, ...] = ()
    emulator_mutations: tuple[str, ...] = ()  # blind mutants, OPERATOR@operationId[@apiVersion] (--mutate)
    request_timeout_s: float = 30.0  # read timeout of every request (--timeout), also bounding a whole body read
    connect_timeout_s: float = 10.0
    max_requests: int | None = None  # --max-requests: requests sent across every worker (cleanup is extra)
    max_time_s: float | None = None  # --max-time: no new request after this many seconds (cleanup is extra)
    rate_limit: str | None = None  # "N/s" or "N/m"; None: DEFAULT_LIVE_RATE_LIMIT for a target, unlimited for the embedded emulator
    # How the target is reached (conformance/access.py): the credential kind, a CA bundle, user media.
    auth: str = "key"  # "key": subscription key; "aad": key is a bearer token (None: DefaultAzureCredential)
    ca_bundle: str | None = None  # PEM file verifying the target's TLS certificate
    media_dir: str | None = None  # the user's faces and recordings (strategies/media_dir.py)
    # Jobs mix CPU work with waiting on the target (round trips, training), so more workers than
    # cores pay off: 4 measured best on 2 cores (benchmarks/gate_time.py).
    workers: int = field(default_factory=lambda: max(2, 2 * (os.cpu_count() or 1)))
    # What a run may touch on a live target (see conformance.ownership, conformance.ledger):
    ledger: str | None = None  # the run's ledger.jsonl (None: kept in memory only)
    har_parts: str | None = None  # folder each job streams its HAR part into (REPORT_DIR/.parts; None: no HAR)
    read_only: bool = False  # send GET requests only (--read-only)
    use_existing: tuple[str, ...] = ()  # SERVICE:KIND=ID resources only read, never written (--use-existing)

    def poll_policy(self):
        """The poller's policy: the ``poll_*`` fields, else the default schedule for the target kind.

        A target (live): the first wait :data:`LIVE_POLL_INTERVAL_S`, each next one
        :data:`POLL_BACKOFF` times longer, at most :data:`LIVE_POLL_MAX_INTERVAL_S` (a quota of 20 calls a
        minute leaves room for the rest of the run). The embedded emulator, whose training time the run
        sets: the first wait is half that time (never under 0.05 s), at most 1 s.
        """
        from cognitive_conformance.conformance.scenarios.polling import PollPolicy

        if self.target is None:
            interval = max(0.05, self.emulator_training_seconds / 2)
            default = PollPolicy(timeout_s=self.poll_timeout_s, initial_interval_s=interval,
                                 max_interval_s=max(interval, 1.0), factor=POLL_BACKOFF)
        else:
            default = PollPolicy(timeout_s=self.poll_timeout_s, initial_interval_s=LIVE_POLL_INTERVAL_S,
                                 max_interval_s=LIVE_POLL_MAX_INTERVAL_S, factor=POLL_BACKOFF)
        ceiling = self.poll_max_interval_s
        interval = self.poll_interval_s
        if interval is None:
            interval = default.initial_interval_s if ceiling is None else min(default.initial_interval_s, ceiling)
        if ceiling is None:
            ceiling = max(default.max_interval_s, interval)
        factor = default.factor if self.poll_backoff is None else self.poll_backoff
        try:
            return PollPolicy(timeout_s=self.poll_timeout_s, initial_interval_s=interval, max_interval_s=ceiling, factor=factor)
        except ValueError as exc:
            raise ConfigError(f"poll schedule: {exc} (--poll-interval, --poll-max-interval, --poll-backoff)") from None

    def existing(self) -> dict[str, tuple[tuple[str, str, tuple[str, ...]], ...]]:
        """service -> ((kind, id, read operationIds), ...) of ``use_existing``; raises ConfigError."""
        from cognitive_conformance.conformance.packs import UnknownPack, get_pack
        from cognitive_conformance.conformance.scenarios.existing import parse_existing

        found: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {}
        for text in self.use_existing:
            try:
                typed, kind, resource_id = parse_existing(text)
                pack = get_pack(typed)
            except (ValueError, UnknownPack) as exc:
                raise ConfigError(str(exc)) from None
            reads = pack.existing_reads(kind)
            if reads is None:
                kinds = ", ".join(k for k, _ in pack.existing) or "none"
                raise ConfigError(f"--use-existing {text!r}: {pack.service} has no kind {kind!r}; known: {kinds}")
            found.setdefault(pack.service, []).append((kind, resource_id, reads))
        return {service: tuple(refs) for service, refs in found.items()}

    def check_touch(self, plan: dict[str, tuple[str, ...]], scenarios: dict[str, bool]) -> None:
        """Refuse combinations of ``--read-only``/``--use-existing`` that cannot be honoured.

        ``scenarios``: name -> whether it is read-only, for every scenario of the planned services.
        """
        existing = self.existing()
        missing = sorted(set(existing) - set(plan))
        if missing:
            raise ConfigError(f"--use-existing names {', '.join(missing)}, which this run does not check (--service)")
        if existing and "stateful" not in self.phases:
            raise ConfigError("--use-existing reads run in the stateful phase: add --phase stateful")
        if self.read_only:
            writing = sorted(name for name in self.scenarios if not scenarios.get(name, True))
            if writing and "stateful" in self.phases:
                raise ConfigError(
                    f"--read-only: scenario(s) {', '.join(writing)} write to the target; "
                    f"read-only ones: {', '.join(sorted(n for n, ro in scenarios.items() if ro))}"
                )

    def rate(self, *, embedded: bool) -> RateLimit | None:
        """The request-rate limit in force: the configured one (``none``: unlimited), else the live
        default for a remote target; none for the embedded emulator or a loopback target."""
        if self.rate_limit is not None:
            return None if self.rate_limit.strip().lower() in _UNLIMITED else parse_rate_limit(self.rate_limit)
        if embedded or _is_loopback(self.target):
            return None
        return parse_rate_limit(DEFAULT_LIVE_RATE_LIMIT)

    def plan(self) -> dict[str, tuple[str, ...]]:
        """service -> API versions to check; raises ConfigError for unknown names."""
        from cognitive_conformance.conformance.packs import UnknownPack, all_packs, resolve

        try:
            services = tuple(dict.fromkeys(resolve(s) for s in self.services)) if self.services else tuple(
                p.service for p in all_packs()
            )
        except UnknownPack as exc:
            raise ConfigError(str(exc)) from None
        if self.rate_limit is not None and self.rate_limit.strip().lower() not in _UNLIMITED:
            try:
                parse_rate_limit(self.rate_limit)
            except ValueError as exc:
                raise ConfigError(str(exc)) from None
        if self.max_requests is not None and self.max_requests < 1:
            raise ConfigError("--max-requests must be at least 1")
        if self.max_time_s is not None and self.max_time_s <= 0:
            raise ConfigError("--max-time must be positive")
        if self.request_timeout_s <= 0 or self.connect_timeout_s <= 0:
            raise ConfigError("--timeout must be positive")
        if self.profile not in spec_module.PROFILES:
            raise ConfigError(f"unknown profile {self.profile!r}; known: {', '.join(spec_module.PROFILES)}")
        if self.auth not in ("key", "aad"):
            raise ConfigError(f"unknown --auth {self.auth!r}; known: key, aad")
        if self.ca_bundle is not None:
            from cognitive_conformance.conformance.access import tls_verify

            tls_verify(self.ca_bundle)
        if self.media_dir is not None:
            from cognitive_conformance.strategies.media_dir import MediaDirError, load_media_dir

            try:
                load_media_dir(self.media_dir, services)
            except MediaDirError as exc:
                raise ConfigError(str(exc)) from None
        for p in self.phases:
            if p not in PHASES:
                raise ConfigError(f"unknown phase {p!r}; known: {', '.join(PHASES)}")
        plan: dict[str, tuple[str, ...]] = {}
        wanted = set(self.api_versions)
        for s in services:
            versions = tuple(spec_module.api_versions(s))
            chosen = tuple(v for v in versions if not wanted or v in wanted)
            if chosen:
                plan[s] = chosen
        if wanted:
            all_versions = {v for s in services for v in spec_module.api_versions(s)}
            unknown = wanted - all_versions
            if unknown:
                raise ConfigError(
                    f"unknown API version(s) {', '.join(sorted(unknown))} for {', '.join(services)}; "
                    f"known: {', '.join(sorted(all_versions))}"
                )
        if not plan:
            raise ConfigError("nothing to check: no selected service has the selected API versions")
        return plan


Job = tuple[str, str]  # (service, API version)
Task = tuple[str, tuple[Job, ...]]  # (subscription key, jobs run one after the other)


def jobs(plan: dict[str, tuple[str, ...]]) -> list[Job]:
    return [(service, version) for service, versions in plan.items() for version in versions]


def tasks_by_service(key: str, job_list: list[Job]) -> list[Task]:
    by_service: dict[str, list[Job]] = {}
    for job in job_list:
        by_service.setdefault(job[0], []).append(job)
    return [(key, tuple(group)) for group in by_service.values()]
