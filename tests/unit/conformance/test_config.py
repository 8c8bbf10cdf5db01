"""Planning a run: services and aliases through the packs, API versions through the specs."""

from __future__ import annotations

import pytest

from cognitive_conformance.conformance import spec
from cognitive_conformance.conformance.config import ConfigError, RunConfig, jobs, tasks_by_service
from cognitive_conformance.conformance.packs import all_packs


def test_the_default_plan_covers_every_pack_and_every_version() -> None:
    plan = RunConfig().plan()
    assert set(plan) == {p.service for p in all_packs()}
    for service, versions in plan.items():
        assert list(versions) == spec.api_versions(service)


@pytest.mark.parametrize("alias", ["voice", "custom-voice", "CustomVoice", " voice "])
def test_an_alias_resolves_to_its_pack(alias: str) -> None:
    assert list(RunConfig(services=(alias,)).plan()) == ["customvoice"]


def test_aliases_and_names_of_one_service_collapse_to_one_job_set() -> None:
    assert list(RunConfig(services=("voice", "customvoice", "face")).plan()) == ["customvoice", "face"]


def test_an_unknown_service_is_a_config_error_listing_the_known_ones() -> None:
    with pytest.raises(ConfigError, match=r"unknown service 'fase'; known: customvoice \(also voice, custom-voice\); face"):
        RunConfig(services=("fase",)).plan()


def test_an_api_version_selects_only_the_services_that_have_it() -> None:
    assert RunConfig(api_versions=("v1.2",)).plan() == {"face": ("v1.2",)}


def test_an_unknown_api_version_is_named() -> None:
    with pytest.raises(ConfigError, match=r"unknown API version\(s\) v9"):
        RunConfig(services=("face",), api_versions=("v9",)).plan()


def test_a_version_of_another_service_is_unknown_for_the_chosen_one() -> None:
    with pytest.raises(ConfigError, match=r"unknown API version\(s\) v1.2 for speaker; known: 2021-09-05"):
        RunConfig(services=("speaker",), api_versions=("v1.2",)).plan()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("profile", "loose", "unknown profile 'loose'"), ("phases", ("stateless", "warmup"), "unknown phase 'warmup'")],
)
def test_unknown_profile_or_phase_is_refused(field: str, value: object, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        RunConfig(**{field: value}).plan()


def test_jobs_are_one_per_service_and_version_in_plan_order() -> None:
    assert jobs({"face": ("v1.0", "v1.2"), "speaker": ("2021-09-05",)}) == [
        ("face", "v1.0"),
        ("face", "v1.2"),
        ("speaker", "2021-09-05"),
    ]


def test_against_one_key_the_versions_of_a_service_run_in_one_task() -> None:
    job_list = [("face", "v1.0"), ("speaker", "2021-09-05"), ("face", "v1.2")]
    assert tasks_by_service("k", job_list) == [("k", (("face", "v1.0"), ("face", "v1.2"))), ("k", (("speaker", "2021-09-05"),))]


@pytest.mark.parametrize(
    ("target", "configured", "expected"),
    [
        ("https://res.cognitiveservices.azure.com", None, "5/s"),  # a remote resource is someone's quota
        ("http://127.0.0.1:5000", None, None),  # a local fake
        ("http://localhost:5000", None, None),
        ("http://[::1]:5000", None, None),
        ("http://127.0.0.1:5000", "20/m", "20/m"),  # a loopback proxy to a paid resource can still be limited
        ("https://res.cognitiveservices.azure.com", "none", None),
    ],
)
def test_the_rate_limit_defaults_to_polite_for_remote_targets_only(target: str, configured: str | None, expected: str | None) -> None:
    rate = RunConfig(target=target, rate_limit=configured).rate(embedded=False)
    assert (str(rate) if rate else None) == expected


def test_the_embedded_emulator_has_no_rate_limit_and_a_bad_limit_is_refused() -> None:
    assert RunConfig().rate(embedded=True) is None
    with pytest.raises(ConfigError, match="e.g. 20/m"):
        RunConfig(rate_limit="fast").plan()


def test_the_poll_schedule_defaults_to_the_target_kind_and_takes_each_flag() -> None:
    from cognitive_conformance.conformance.config import LIVE_POLL_INTERVAL_S, LIVE_POLL_MAX_INTERVAL_S, POLL_BACKOFF

    live = RunConfig(target="https://example.invalid", poll_timeout_s=30).poll_policy()
    assert (live.initial_interval_s, live.factor, live.max_interval_s, live.timeout_s) == (
        LIVE_POLL_INTERVAL_S, POLL_BACKOFF, LIVE_POLL_MAX_INTERVAL_S, 30)
    embedded = RunConfig(emulator_training_seconds=0.3).poll_policy()
    assert (embedded.initial_interval_s, embedded.max_interval_s) == (0.15, 1.0)
    assert RunConfig(emulator_training_seconds=0).poll_policy().initial_interval_s == 0.05  # never a busy loop
    given = RunConfig(target="https://example.invalid", poll_interval_s=2, poll_backoff=1, poll_max_interval_s=4).poll_policy()
    assert (given.initial_interval_s, given.factor, given.max_interval_s) == (2, 1, 4)
    assert RunConfig(target="https://example.invalid", poll_max_interval_s=0.5).poll_policy().initial_interval_s == 0.5
    with pytest.raises(ConfigError, match="poll schedule"):
        RunConfig(poll_interval_s=3, poll_max_interval_s=1).poll_policy()
