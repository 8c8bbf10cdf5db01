"""The URL fetch policy (emulator/fetch.py): which addresses are refused by default, --allow-fetch parsing."""

from __future__ import annotations

import ipaddress

import pytest

from cognitive_conformance.emulator.__main__ import build_parser, environment_args, main
from cognitive_conformance.emulator.config import EmulatorConfig
from cognitive_conformance.emulator.fetch import FetchPolicy, address_permitted, parse_allow

REFUSED = [
    "127.0.0.1", "127.255.0.9", "::1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254", "169.254.0.1",
    "100.100.100.200", "100.64.0.1", "0.0.0.0", "::", "224.0.0.1", "255.255.255.255", "fe80::1", "fc00::1", "fd00:ec2::254",
    "::ffff:127.0.0.1", "::ffff:10.0.0.1", "2002:7f00:1::", "2002:a9fe:a9fe::", "64:ff9b::a9fe:a9fe", "192.0.2.1", "198.18.0.1",
]
PERMITTED = ["8.8.8.8", "20.42.65.92", "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"]


@pytest.mark.parametrize("text", REFUSED)
def test_non_public_addresses_are_refused_by_default(text: str) -> None:
    assert not address_permitted(ipaddress.ip_address(text))
    assert not FetchPolicy().address_allowed(ipaddress.ip_address(text))


@pytest.mark.parametrize("text", PERMITTED)
def test_public_addresses_are_permitted(text: str) -> None:
    assert address_permitted(ipaddress.ip_address(text))


def test_allow_entries_are_hosts_or_networks() -> None:
    policy = FetchPolicy.from_allow(("127.0.0.1", "10.0.0.0/8", "[::1]", "Blobs.Internal."))
    assert policy.address_allowed(ipaddress.ip_address("127.0.0.1")) and not policy.address_allowed(ipaddress.ip_address("127.0.0.2"))
    assert policy.address_allowed(ipaddress.ip_address("10.9.9.9")) and policy.address_allowed(ipaddress.ip_address("::1"))
    assert not policy.address_allowed(ipaddress.ip_address("192.168.0.1"))
    assert policy.host_allowed("blobs.internal") and not policy.host_allowed("internal")
    for bad in ("", " ", "a/b", "http://x", "300.1.1.1/8x"):
        with pytest.raises(ValueError):
            parse_allow((bad,))
    with pytest.raises(ValueError):
        EmulatorConfig(allow_fetch=("a/b",))


def test_the_flag_and_its_environment_variable() -> None:
    args = build_parser().parse_args(["--allow-fetch", "127.0.0.1", "--allow-fetch", "10.0.0.0/8"])
    assert args.allow_fetch == ["127.0.0.1", "10.0.0.0/8"]
    assert environment_args({"CONFORMANCE_EMULATOR_ALLOW_FETCH": "127.0.0.1, 10.0.0.0/8"}, []) == [
        "--allow-fetch", "127.0.0.1", "--allow-fetch", "10.0.0.0/8"]
    assert environment_args({"CONFORMANCE_EMULATOR_ALLOW_FETCH": "127.0.0.1"}, ["--allow-fetch", "::1"]) == []
    with pytest.raises(SystemExit) as exit_:
        main(["--allow-fetch", "not/a/cidr", "--port", "0"])
    assert exit_.value.code == 2
