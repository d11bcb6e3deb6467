"""Citizen look-ups are limited per tracking code and per address (docs/configuration.md,
"Citizen look-ups"): guessing one case's password from many addresses is stopped, and one
address's abuse does not lock its neighbours out."""

from __future__ import annotations

import pytest

from tests.conftest import register_appeal


@pytest.fixture
def two_cases(county):
    return register_appeal(county), register_appeal(county, title="另一件事")


def look_up(client, reg, password, ip):
    return client.get(
        f"/api/v1/track/{reg.tracking_code}",
        headers={"X-Query-Password": password},
        REMOTE_ADDR=ip,
    )


def test_guessing_one_code_from_many_addresses_is_stopped_after_ten_tries(client, two_cases):
    target, other = two_cases
    answers = [look_up(client, target, f"{i:010d}", f"10.0.{i}.1").status_code for i in range(12)]
    assert answers[:10] == [404] * 10 and answers[10:] == [429, 429]
    # Now even the right password is refused on that code, from a fresh address, for the day...
    refused = look_up(client, target, target.query_password, "10.9.9.9")
    assert refused.status_code == 429
    assert refused.json()["message"] == "该查询码今日密码错误次数过多，请明天再试或致电信访部门"
    # ...while other cases open as usual from the same addresses.
    assert look_up(client, other, other.query_password, "10.0.1.1").status_code == 200


def test_one_abuser_behind_a_shared_address_does_not_lock_out_the_neighbours(client, two_cases):
    target, neighbour = two_cases
    nat = "203.0.113.7"
    for i in range(30):  # hammering one code, far beyond its limit
        look_up(client, target, f"{i:010d}", nat)
    assert look_up(client, target, target.query_password, nat).status_code == 429
    # A neighbour behind the same address opens their own case.
    assert look_up(client, neighbour, neighbour.query_password, nat).status_code == 200


def test_query_passwords_are_ten_digits(county):
    reg = register_appeal(county)
    assert reg.query_password.isdigit() and len(reg.query_password) == 10
