"""Fetching a page the user named, without letting them aim the server at its own network (SSRF).

The rules, applied to the first URL and again to every redirect (at most ``MAX_REDIRECTS``):

* only ``http``/``https``, no user:password in the URL, and the host must be on the allow-list
  when one is configured (``"example.gov.cn"`` exact, ``".gov.cn"`` any subdomain);
* the host is resolved here, and *every* address it resolves to must be public: loopback,
  private, link-local (cloud metadata 169.254.169.254), CGNAT 100.64/10, multicast, reserved,
  unspecified, and IPv6 forms that embed one of those (``::ffff:127.0.0.1``, 6to4, Teredo,
  NAT64) are refused. An intranet deployment names the private networks (``"10.20.0.0/16"``) or
  hosts (``"oa.intra.gov.cn"``, ``".intra.gov.cn"``) it may read in ``private_networks``; loopback,
  link-local, unspecified, multicast and this server's own addresses stay refused whatever that
  list says;
* the connection goes to the address that was checked, never to the name again, so a DNS
  answer that changes between check and use (rebinding) cannot reach a private address;
* time and size are capped, and only pages (HTML, text) and attachments (PDF, DOCX) are accepted.
  The time limit covers the whole fetch (connect, headers and body, over every redirect): a
  watchdog shuts the socket down at the deadline, so a server dripping one byte a second cannot
  hold a fetch past it (a per-read socket timeout alone would let it);

There is no switch that turns these checks off (tests reach their fixture servers on 127.0.0.1
through a stub resolver that maps a public address to them).

    FetchError
    ├── TargetRefused          scheme, host or resolved address not allowed
    ├── ResponseTooLarge       body over ``max_bytes``
    ├── FetchTimeout           connect or read took too long
    ├── BadStatus              the server answered with a non-2xx status (or too many redirects)
    └── UnsupportedContentType not a page (HTML, text) or an attachment (PDF, DOCX)
"""

from __future__ import annotations

import functools
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Collection
from urllib.parse import urljoin
from urllib.parse import urlsplit

MAX_REDIRECTS = 5
# Pages, and the attachments (附件) they link: PDF and Word, often served as octet-stream.
DEFAULT_CONTENT_TYPES = ("text/html", "text/plain", "application/xhtml+xml", "application/pdf",
                         "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                         "application/octet-stream")
_REDIRECTS = {301, 302, 303, 307, 308}
_CHUNK_BYTES = 64 * 1024
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_USER_AGENT = "Bobao/0.1 (+read-aloud; https://github.com/bobao)"
_ACCEPT = ("text/html, text/plain;q=0.9, application/pdf;q=0.8, "
           "application/vnd.openxmlformats-officedocument.wordprocessingml.document;q=0.8")


class FetchError(Exception):
    """Base class of every error ``fetch_url`` raises on purpose."""


class TargetRefused(FetchError):
    """The URL, its host or an address it resolves to is not allowed."""


class ResponseTooLarge(FetchError):
    """The response body is larger than the limit."""


class FetchTimeout(FetchError):
    """The remote server did not answer in time."""


class BadStatus(FetchError):
    """The remote server answered with an error status, or redirected too often."""


class UnsupportedContentType(FetchError):
    """The response is not a web page or plain text."""


def fetch_url(
    url: str,
    *,
    allowed_hosts: Collection[str] | None = None,
    timeout_s: float = 10.0,
    max_bytes: int = 5_000_000,
    private_networks: Collection[str] = (),
    content_types: Collection[str] = DEFAULT_CONTENT_TYPES,
) -> tuple[bytes, str | None]:
    """GET ``url`` under the SSRF rules above; return the body and its Content-Type header."""
    deadline = time.monotonic() + timeout_s
    for _hop in range(MAX_REDIRECTS + 1):
        scheme, host, port, target = _check_url(url, allowed_hosts)
        ip = vet_host(host, port, private_networks=private_networks)
        cls = _PinnedHTTPS if scheme == "https" else _PinnedHTTP
        conn = cls(host, port, ip, _remaining(deadline))
        watchdog = threading.Timer(_remaining(deadline), _cut, args=(conn,))
        watchdog.daemon = True
        watchdog.start()
        try:
            response = _request(conn, target, deadline)
            location = response.getheader("Location")
            if response.status in _REDIRECTS and location:
                url = urljoin(url, location)
                continue
            return _read_body(response, max_bytes, content_types, deadline)
        finally:
            watchdog.cancel()
            conn.close()
    raise BadStatus(f"more than {MAX_REDIRECTS} redirects")


def _cut(conn: http.client.HTTPConnection) -> None:
    """The deadline passed: shut the socket down so that any blocked connect or read returns now."""
    sock = conn.sock
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:  # already closed: nothing is blocked on it
            pass


def is_public_address(address: str) -> bool:
    """True when ``address`` (an IP literal) is a globally routable unicast address."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            return is_public_address(str(embedded))
    flags = (
        ip.is_private,
        ip.is_loopback,
        ip.is_link_local,
        ip.is_multicast,
        ip.is_reserved,
        ip.is_unspecified,
    )
    # ``is_global`` alone is not enough: Python counts multicast as global.
    return ip.is_global and not any(flags)


def vet_host(host: str, port: int, *, private_networks: Collection[str] = ()) -> str:
    """Resolve ``host`` once and return one address to connect to, if every address it has may be read."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise TargetRefused(f"cannot resolve host {host!r}") from exc
    addresses = [str(info[4][0]) for info in infos]
    if not addresses:
        raise TargetRefused(f"host {host!r} has no address")
    for address in addresses:
        # One bad answer is enough to refuse: the client's resolver might have picked it.
        if never_fetched(address):
            raise TargetRefused(f"host {host!r} resolves to {address}, which is never fetched")
        if not is_public_address(address) and not _intranet_allowed(host, address, private_networks):
            raise TargetRefused(f"host {host!r} resolves to a non-public address ({address})")
    return addresses[0]


def never_fetched(address: str) -> bool:
    """Loopback, link-local (cloud metadata), unspecified, multicast, or one of this server's own."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            return never_fetched(str(embedded))
    flags = (ip.is_loopback, ip.is_link_local, ip.is_unspecified, ip.is_multicast)
    return any(flags) or ip in own_addresses()


@functools.cache
def own_addresses() -> frozenset[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    """The addresses of this machine's interfaces (looked up once per process)."""
    return frozenset(_interface_addresses())


def _interface_addresses() -> set[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    """IPv4 addresses by ioctl per interface, IPv6 from /proc (Linux); elsewhere only what fails safe."""
    found: set[ipaddress.IPv4Address | ipaddress.IPv6Address] = set()
    try:
        import fcntl
        import struct

        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            for _index, name in socket.if_nameindex():
                try:
                    packed = fcntl.ioctl(probe.fileno(), 0x8915, struct.pack("256s", name.encode()[:15]))
                except OSError:  # an interface without an IPv4 address
                    continue
                found.add(ipaddress.IPv4Address(packed[20:24]))
    except (ImportError, OSError, AttributeError):
        pass
    try:
        with open("/proc/net/if_inet6", encoding="ascii") as table:
            for line in table:
                found.add(ipaddress.IPv6Address(int(line.split()[0], 16)))
    except (OSError, ValueError, IndexError):
        pass
    return found


def _intranet_allowed(host: str, address: str, private_networks: Collection[str]) -> bool:
    """True when the operator listed ``address``'s network, or ``host`` itself, as readable intranet."""
    entries = private_networks
    if isinstance(entries, str):  # from the environment: "10.20.0.0/16, .intra.gov.cn"
        entries = entries.replace(",", " ").split()
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    names = []
    for entry in entries:
        try:
            if ip in ipaddress.ip_network(entry.strip(), strict=False):
                return True
        except ValueError:
            names.append(entry)
    return bool(names) and host_allowed(host, names)


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address hidden in a mapped, 6to4, Teredo or NAT64 IPv6 address, if any."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _check_url(url: str, allowed_hosts: Collection[str] | None) -> tuple[str, str, int, str]:
    """Split ``url`` into scheme, host, port and request target, refusing what the rules forbid."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise TargetRefused(f"malformed URL {url!r}") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise TargetRefused(f"only http and https URLs can be fetched, not {scheme or 'none'!r}")
    if parts.username is not None or parts.password is not None:
        raise TargetRefused("URLs with credentials are not fetched")
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        raise TargetRefused(f"URL {url!r} has no host")
    if allowed_hosts and not host_allowed(host, allowed_hosts):
        raise TargetRefused(f"host {host!r} is not on the allow-list")
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    return scheme, host, port or (443 if scheme == "https" else 80), target


def host_allowed(host: str, allowed_hosts: Collection[str]) -> bool:
    """True when ``host`` equals an entry, or ends with an entry that starts with a dot."""
    host = host.lower()
    if isinstance(allowed_hosts, str):  # from the environment: "a.gov.cn, .b.gov.cn"
        allowed_hosts = allowed_hosts.replace(",", " ").split()
    for entry in allowed_hosts:
        entry = entry.strip().lower()
        if entry.startswith(".") and (host.endswith(entry) or host == entry[1:]):
            return True
        if host == entry:
            return True
    return False


class _PinnedHTTP(http.client.HTTPConnection):
    """An HTTP connection to an already-vetted address; the Host header keeps the name."""

    def __init__(self, host: str, port: int, ip: str, timeout_s: float) -> None:
        super().__init__(host, port, timeout=timeout_s)
        self._ip = ip

    def connect(self) -> None:
        self.sock = socket.create_connection((self._ip, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """An HTTPS connection to an already-vetted address; SNI and the certificate check use the name."""

    def __init__(self, host: str, port: int, ip: str, timeout_s: float) -> None:
        super().__init__(host, port, timeout=timeout_s, context=ssl.create_default_context())
        self._ip = ip

    def connect(self) -> None:
        raw = socket.create_connection((self._ip, self.port), self.timeout)
        self.sock = ssl.create_default_context().wrap_socket(raw, server_hostname=self.host)


def _request(conn: http.client.HTTPConnection, target: str, deadline: float) -> http.client.HTTPResponse:
    """Send one GET to the pinned address and return the response headers."""
    host = conn.host
    try:
        conn.request("GET", target, headers={"User-Agent": _USER_AGENT, "Accept": _ACCEPT})
        return conn.getresponse()
    except TimeoutError as exc:
        raise FetchTimeout(f"{host} did not answer within the time limit") from exc
    except (OSError, http.client.HTTPException) as exc:
        if time.monotonic() >= deadline:
            raise FetchTimeout(f"{host} did not answer within the time limit") from exc
        raise FetchError(f"cannot fetch from {host}: {exc}") from exc


def _read_body(
    response: http.client.HTTPResponse, max_bytes: int, content_types: Collection[str], deadline: float
) -> tuple[bytes, str | None]:
    """Check status, type and declared size, then read at most ``max_bytes``."""
    if not 200 <= response.status < 300:
        raise BadStatus(f"the page answered HTTP {response.status}")
    content_type = response.getheader("Content-Type")
    media = (content_type or "text/html").split(";", 1)[0].strip().lower()
    if media not in content_types:
        raise UnsupportedContentType(f"not a web page: {media}")
    declared = response.getheader("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise ResponseTooLarge(f"the page is {declared} bytes, the limit is {max_bytes}")
    chunks: list[bytes] = []
    size = 0
    try:
        # read1: one receive at a time, so the deadline is looked at between receives too.
        while chunk := response.read1(_CHUNK_BYTES):
            size += len(chunk)
            if size > max_bytes:
                raise ResponseTooLarge(f"the page is over the limit of {max_bytes} bytes")
            chunks.append(chunk)
            _remaining(deadline)
    except TimeoutError as exc:
        raise FetchTimeout("the page took too long to download") from exc
    except (OSError, http.client.HTTPException) as exc:
        if time.monotonic() >= deadline:
            raise FetchTimeout("the page took too long to download") from exc
        raise FetchError(f"the download broke off: {exc}") from exc
    _remaining(deadline)  # the watchdog may have ended the body early: that is a timeout, not a page
    return b"".join(chunks), content_type


def _remaining(deadline: float) -> float:
    """Seconds left before ``deadline``; raise ``FetchTimeout`` when none are."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise FetchTimeout("the page took too long to fetch")
    return left
