"""Tracking codes and query passwords: every character uniform over its alphabet, drawn from the
system's random source."""

from __future__ import annotations

import re
from collections import Counter

from xinfang.core import crypto


def test_codes_and_passwords_have_their_length_and_alphabet():
    codes = {crypto.new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(re.fullmatch(f"[{crypto.CODE_ALPHABET}]{{10}}", c) for c in codes)
    passwords = [crypto.new_password() for _ in range(200)]
    assert all(re.fullmatch(r"\d{10}", p) for p in passwords)
    assert len(crypto.new_code(16)) == 16


def test_every_character_is_equally_likely_bytes_that_would_favour_some_are_dropped(monkeypatch):
    # Every byte value once: what a uniform source gives over 256 draws.
    monkeypatch.setattr(crypto.os, "urandom", lambda n: bytes(range(256)))
    # 250 of the 256 bytes are used (250 is the largest multiple of 10): 25 of each digit.
    assert set(Counter(crypto.new_password(250)).values()) == {25}
    # 32 letters and digits divide 256: every byte is used, 8 of each.
    letters = Counter(crypto.new_code(256))
    assert len(letters) == 32 and set(letters.values()) == {8}


def test_a_run_of_unusable_bytes_draws_again(monkeypatch):
    reads = iter([bytes([255] * 18), bytes([250, 1, 2, 3, 4, 5, 6, 7, 8, 9] + [0] * 8)])
    monkeypatch.setattr(crypto.os, "urandom", lambda n: next(reads))
    assert crypto.new_password() == "1234567890"
