"""Per-client rate limit on requests that make the server synthesize speech.

Synthesis is the one expensive thing a stranger can ask for, so only requests that will create new
audio spend tokens: the API calls ``check_synthesis_quota()`` after it knows the document is not
cached. Downloads of cached audio are never limited.

Each client has a token bucket (``RATE_LIMIT = "30/minute"``: 30 tokens, refilled at 30 per
minute). Buckets live in an LRU of at most ``RATE_LIMIT_MAX_CLIENTS`` entries, so ten thousand
clients cost a bounded, small amount of memory; an evicted client simply starts with a full bucket,
which only happens to clients that have been idle longest. IPv6 clients are keyed by their /64,
because one host can pick any address in it.

Wrong admin tokens spend from a second bucket per client (``ADMIN_AUTH_RATE = "10/minute"``); while
it is empty the admin API answers 429 to that client *before* looking at its token, so a right guess
during the lock-out gains nothing and guessing is held to the refill rate.
"""

from __future__ import annotations

import ipaddress
import math
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask
from flask import Response
from flask import current_app
from flask import g
from flask import has_request_context
from flask import jsonify
from flask import request
from werkzeug.exceptions import TooManyRequests

EXTENSION = "bobao.ratelimit"
ADMIN_EXTENSION = "bobao.admin_auth_limit"
DEFAULT_RATE = "30/minute"
DEFAULT_ADMIN_AUTH_RATE = "10/minute"
DEFAULT_MAX_CLIENTS = 10_000
_PERIODS_S = {"second": 1.0, "minute": 60.0, "hour": 3600.0, "day": 86400.0}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*(second|minute|hour|day)s?\s*$")


class RateLimited(TooManyRequests):
    """The client has used its synthesis quota; ``retry_after_s`` says when a token is back."""

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(description="Too many new documents from this client; try again later.")
        self.retry_after_s = retry_after_s


@dataclass(frozen=True, slots=True)
class Rate:
    """``tokens`` requests per ``period_s`` seconds; also the burst size."""

    tokens: int
    period_s: float

    @classmethod
    def parse(cls, text: str) -> Rate:
        """Read ``"30/minute"``, ``"100/hour"``, ``"5/10second"``."""
        match = _RATE.match(text)
        if not match or int(match[1]) < 1:
            raise ValueError(f"RATE_LIMIT must look like '30/minute', not {text!r}")
        return cls(int(match[1]), float(match[2] or 1) * _PERIODS_S[match[3]])


class TokenBucketLimiter:
    """Token buckets per client key, in a bounded LRU; thread-safe."""

    def __init__(
        self,
        rate: Rate,
        *,
        max_clients: int = DEFAULT_MAX_CLIENTS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate = rate
        self.max_clients = max_clients
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._buckets)

    def wait_s(self, key: str) -> float:
        """Seconds until ``key`` has a token again (0.0: it has one now), without spending any."""
        refill_per_s = self.rate.tokens / self.rate.period_s
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.rate.tokens), self._clock()))
            tokens = min(float(self.rate.tokens), tokens + (self._clock() - last) * refill_per_s)
            return 0.0 if tokens >= 1.0 else (1.0 - tokens) / refill_per_s

    def take(self, key: str) -> float:
        """Spend one token for ``key``: 0.0 if allowed, else the seconds until a token is back."""
        refill_per_s = self.rate.tokens / self.rate.period_s
        with self._lock:
            now = self._clock()
            tokens, last = self._buckets.pop(key, (float(self.rate.tokens), now))
            tokens = min(float(self.rate.tokens), tokens + (now - last) * refill_per_s)
            wait_s = 0.0 if tokens >= 1.0 else (1.0 - tokens) / refill_per_s
            if wait_s == 0.0:
                tokens -= 1.0
            self._buckets[key] = (tokens, now)
            while len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)
            return wait_s


def client_key(remote_addr: str | None) -> str:
    """The bucket key for a client address: the IPv4 address, or the IPv6 /64."""
    if not remote_addr:
        return "unknown"
    try:
        ip = ipaddress.ip_address(remote_addr)
    except ValueError:
        return remote_addr
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is None:
        return str(ipaddress.IPv6Network(f"{ip}/64", strict=False))
    return str(ip.ipv4_mapped or ip) if isinstance(ip, ipaddress.IPv6Address) else str(ip)


def check_synthesis_quota(key: str | None = None) -> None:
    """Spend one synthesis token for this request's client; raise ``RateLimited`` when there is none.

    Outside a request (the CLI, a worker, ``bobao build``) there is no client to limit: no-op.
    One request spends at most one token: the URL route spends it before fetching, and the
    synthesis that follows is already paid for.
    """
    if not has_request_context() or g.get("synthesis_quota_spent"):
        return
    g.synthesis_quota_spent = True
    limiter: TokenBucketLimiter | None = current_app.extensions.get(EXTENSION)
    if limiter is None:
        return
    wait_s = limiter.take(key or client_key(request.remote_addr))
    if wait_s > 0:
        raise RateLimited(max(1, math.ceil(wait_s)))


def admin_lockout_s() -> int:
    """Whole seconds this request's client must wait after too many wrong admin tokens (0: none)."""
    limiter: TokenBucketLimiter | None = current_app.extensions.get(ADMIN_EXTENSION)
    if limiter is None:
        return 0
    return math.ceil(limiter.wait_s(client_key(request.remote_addr)))


def record_admin_failure() -> None:
    """Spend one of this request's client's wrong-token allowance."""
    limiter: TokenBucketLimiter | None = current_app.extensions.get(ADMIN_EXTENSION)
    if limiter is not None:
        limiter.take(client_key(request.remote_addr))


def _rate_limited_response(error: RateLimited) -> Response:
    # Same shape as web.errors' answers, so clients handle one error format.
    body = {"status": 429, "code": "rate_limited", "message": "新建朗读过于频繁，请稍后再试。"}
    response = jsonify({"error": {**body, "retry_after_s": error.retry_after_s}})
    response.status_code = 429
    response.headers["Retry-After"] = str(error.retry_after_s)
    return response


def init_app(app: Flask) -> None:
    """Build the limiters from ``RATE_LIMIT`` and ``ADMIN_AUTH_RATE`` ("off" disables either); 429 handler."""
    setting = str(app.config.get("RATE_LIMIT", DEFAULT_RATE) or "").strip()
    if setting and setting.lower() not in ("off", "none", "0"):
        max_clients = int(app.config.get("RATE_LIMIT_MAX_CLIENTS", DEFAULT_MAX_CLIENTS))
        app.extensions[EXTENSION] = TokenBucketLimiter(Rate.parse(setting), max_clients=max_clients)
    admin = str(app.config.get("ADMIN_AUTH_RATE", DEFAULT_ADMIN_AUTH_RATE) or "").strip()
    if admin and admin.lower() not in ("off", "none", "0"):
        app.extensions[ADMIN_EXTENSION] = TokenBucketLimiter(Rate.parse(admin))
    app.register_error_handler(RateLimited, _rate_limited_response)
