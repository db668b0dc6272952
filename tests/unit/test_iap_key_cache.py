"""IAP's public keys are kept between requests: fetched once, again after an hour, and at once for
a key id we do not hold — but not more than once a minute, whatever key ids assertions name."""
from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from google.auth.exceptions import TransportError

from shared.adapters.google_identity import KEYS_MAX_AGE, REFETCH_INTERVAL, PublicKeys


class KeyServer:
    """IAP's key endpoint as a google-auth transport: serves `keys`, counts fetches."""

    def __init__(self, keys: dict, status: int = 200):
        self.keys, self.status, self.fetches = keys, status, 0

    def __call__(self, url, method="GET", **kwargs):
        self.fetches += 1
        return SimpleNamespace(status=self.status, data=json.dumps(self.keys).encode())


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def server():
    return KeyServer({"k1": "PEM 1"})


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def keys(server, clock):
    return PublicKeys(server, "https://keys.example/iap", clock)


def test_keys_are_fetched_once_and_kept(keys, server, clock):
    for _ in range(10):
        assert keys.for_key_id("k1") == {"k1": "PEM 1"}
        clock.now += 60
    assert server.fetches == 1


def test_kept_keys_are_fetched_again_after_their_age(keys, server, clock):
    keys.for_key_id("k1")
    clock.now += KEYS_MAX_AGE
    server.keys = {"k2": "PEM 2"}  # IAP withdrew k1
    assert keys.for_key_id("k1") == {"k2": "PEM 2"}
    assert server.fetches == 2


def test_an_unknown_key_id_fetches_again_but_at_most_once_a_minute(keys, server, clock):
    keys.for_key_id("k1")
    clock.now += REFETCH_INTERVAL
    server.keys = {"k1": "PEM 1", "k2": "PEM 2"}  # IAP started signing with a new key
    assert "k2" in keys.for_key_id("k2")
    for made_up in ("x1", "x2", "x3"):  # forged assertions with invented key ids
        keys.for_key_id(made_up)
    assert server.fetches == 2
    clock.now += REFETCH_INTERVAL
    keys.for_key_id("x4")
    assert server.fetches == 3


@pytest.mark.parametrize("status,body", [(500, {"k1": "PEM"}), (200, {"keys": [{"kid": "k1"}]}),
                                         (200, ["k1"])])
def test_keys_that_cannot_be_read_are_our_failure(clock, status, body):
    keys = PublicKeys(KeyServer(body, status), "https://keys.example/iap", clock)
    with pytest.raises(TransportError):
        keys.for_key_id("k1")
