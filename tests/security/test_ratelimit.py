"""The synthesis rate limit: token buckets per client, bounded memory, 429 with Retry-After."""

from __future__ import annotations

import pytest
from flask import Flask

from web import ratelimit
from web.ratelimit import Rate
from web.ratelimit import TokenBucketLimiter
from web.ratelimit import check_synthesis_quota
from web.ratelimit import client_key


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(
    ("text", "tokens", "period_s"),
    [("30/minute", 30, 60.0), ("5/second", 5, 1.0), ("100/hours", 100, 3600.0), ("2/10second", 2, 10.0)],
)
def test_rate_parse(text, tokens, period_s):
    assert Rate.parse(text) == Rate(tokens, period_s)


@pytest.mark.parametrize("text", ["", "30", "0/minute", "x/minute", "30/fortnight"])
def test_rate_parse_refuses_garbage(text):
    with pytest.raises(ValueError):
        Rate.parse(text)


def test_bucket_allows_burst_then_waits_then_refills():
    clock = Clock()
    limiter = TokenBucketLimiter(Rate(3, 60.0), clock=clock)
    assert [limiter.take("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.take("a") == pytest.approx(20.0)
    assert limiter.take("b") == 0.0  # another client has its own bucket
    clock.now += 20.0
    assert limiter.take("a") == 0.0
    assert limiter.take("a") > 0.0


def test_wait_is_read_without_spending():
    clock = Clock()
    limiter = TokenBucketLimiter(Rate(2, 60.0), clock=clock)
    assert [limiter.wait_s("a") for _ in range(5)] == [0.0] * 5
    limiter.take("a")
    limiter.take("a")
    assert limiter.wait_s("a") == pytest.approx(30.0)
    clock.now += 10.0
    assert limiter.wait_s("a") == pytest.approx(20.0)
    clock.now += 20.0
    assert limiter.wait_s("a") == 0.0


def test_ten_thousand_clients_keep_memory_bounded():
    limiter = TokenBucketLimiter(Rate(30, 60.0), max_clients=500)
    for i in range(10_000):
        limiter.take(f"10.{i // 65536}.{i // 256 % 256}.{i % 256}")
    assert len(limiter) == 500


def test_lru_keeps_active_client_throttled():
    """A busy client is the most recently used, so a flood of others cannot reset its bucket."""
    clock = Clock()
    limiter = TokenBucketLimiter(Rate(2, 60.0), max_clients=10, clock=clock)
    limiter.take("abuser")
    limiter.take("abuser")
    for i in range(1000):
        limiter.take(f"other-{i}")
        assert limiter.take("abuser") > 0


@pytest.mark.parametrize(
    ("addr", "key"),
    [
        ("203.0.113.9", "203.0.113.9"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:bbbb::7", "2001:db8:1:2::/64"),
        ("::ffff:198.51.100.1", "198.51.100.1"),
        (None, "unknown"),
    ],
)
def test_client_key(addr, key):
    assert client_key(addr) == key


@pytest.fixture
def tiny_app():
    app = Flask(__name__)
    app.config["RATE_LIMIT"] = "2/minute"
    ratelimit.init_app(app)

    @app.post("/make")
    def make():
        check_synthesis_quota()
        return {"ok": True}, 201

    return app


def test_429_json_with_retry_after(tiny_app):
    client = tiny_app.test_client()
    assert [client.post("/make").status_code for _ in range(2)] == [201, 201]
    response = client.post("/make")
    assert response.status_code == 429
    assert response.json["error"]["code"] == "rate_limited"
    assert 1 <= int(response.headers["Retry-After"]) <= 30
    other = client.post("/make", environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert other.status_code == 201


def test_rate_limit_off():
    app = Flask(__name__)
    app.config["RATE_LIMIT"] = "off"
    ratelimit.init_app(app)
    with app.test_request_context("/"):
        for _ in range(100):
            check_synthesis_quota()
