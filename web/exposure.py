"""Whether ``bobao serve`` is reachable by strangers without the buffering proxy it needs in front.

gunicorn's threaded worker reads a request's headers on one of its threads, so a client that sends
them a byte at a time (slowloris) holds that thread; eight of them stall a worker (measured in
``tests/security/test_slowloris.py``). The documented deployment (docs/deployment.md) puts nginx in
front, which reads whole requests itself before passing them on. Serving on a non-loopback address
with no trusted proxy configured means no such proxy is there: ``bobao serve`` says so at start.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any

WARNING = (
    "bobao: warning: serving on {host} with no reverse proxy configured (TRUSTED_PROXIES=0). "
    "Slow clients can hold every server thread; put a buffering proxy such as nginx in front "
    "(docs/deployment.md) and bind bobao to 127.0.0.1."
)


def exposed_without_proxy(host: str, config: Mapping[str, Any]) -> bool:
    """True for a non-loopback bind address while no trusted proxy is configured."""
    if int(config.get("TRUSTED_PROXIES") or 0) > 0:
        return False
    name = host.strip("[]").lower()
    if name == "localhost":
        return False
    try:
        return not ipaddress.ip_address(name).is_loopback
    except ValueError:  # a host name: it may resolve anywhere, so assume it is reachable
        return True


def exposure_warning(host: str, config: Mapping[str, Any]) -> str | None:
    """The start-up warning for ``host``, or None when it is only reachable through a proxy."""
    return WARNING.format(host=host) if exposed_without_proxy(host, config) else None
