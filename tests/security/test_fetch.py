"""SSRF: fetch_url refuses non-public targets after resolution and on every redirect, and sends nothing.

Every test runs under ``fakenet``: names resolve from a table, and connects outside loopback are
recorded and blocked (or, for the one "public" address a test names, forwarded to a local server).
"""

from __future__ import annotations

import ipaddress
import socket

import pytest

from tests.security.conftest import Route
from web.fetch import BadStatus
from web.fetch import FetchTimeout
from web.fetch import ResponseTooLarge
from web.fetch import TargetRefused
from web.fetch import UnsupportedContentType
from web.fetch import fetch_url
from web.fetch import is_public_address

PUBLIC_IP = "93.184.216.34"
SITE = "www.example.gov.cn"


@pytest.fixture
def public_site(fakenet, site):
    """``www.example.gov.cn`` resolves to a public address that the guard forwards to ``site``."""
    fakenet.names[SITE] = [PUBLIC_IP]
    fakenet.nat[(PUBLIC_IP, 80)] = site.port
    site.routes["/"] = Route()
    return site


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://127.8.9.10:8080/admin",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.5/",
        "http://172.16.3.4/",
        "http://192.168.1.1/",
        "http://100.64.0.1/",
        "http://0.0.0.0/",
        "http://224.0.0.1/",
        "http://240.0.0.1/",
        "http://[::1]/",
        "http://[::]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:169.254.169.254]/",
        "http://[fc00::1]/",
        "http://[fe80::1]/",
        "http://[ff02::1]/",
        "http://[2002:7f00:1::]/",
        "http://[64:ff9b::a00:1]/",
    ],
)
def test_private_literals_refused_before_any_connect(fakenet, url):
    with pytest.raises(TargetRefused):
        fetch_url(url)
    assert fakenet.connects == []


@pytest.mark.parametrize("answers", [["127.0.0.1"], ["::1"], ["10.1.2.3"], [PUBLIC_IP, "192.168.0.7"]])
def test_names_resolving_to_private_addresses_refused(fakenet, answers):
    fakenet.names["intranet.example.com"] = answers
    with pytest.raises(TargetRefused):
        fetch_url("http://intranet.example.com/page")
    assert fakenet.lookups == ["intranet.example.com"]
    assert fakenet.connects == []


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/", "gopher://x/", "//x/", "x"])
def test_other_schemes_refused(fakenet, url):
    with pytest.raises(TargetRefused):
        fetch_url(url)
    assert fakenet.connects == []


def test_credentials_in_url_refused(fakenet):
    with pytest.raises(TargetRefused):
        fetch_url(f"http://user:pw@{SITE}/")
    assert fakenet.lookups == []


def test_public_site_is_fetched(public_site, fakenet):
    body, content_type = fetch_url(f"http://{SITE}/")
    assert "你好".encode() in body
    assert content_type == "text/html; charset=utf-8"
    assert fakenet.connects == [(PUBLIC_IP, 80)]


def test_connects_to_the_vetted_address_not_a_second_answer(public_site, fakenet):
    """DNS rebinding: the name answers public once, then loopback; only one lookup may happen."""
    original = fakenet.answers

    def rebinding(host):
        answer = original(host)
        fakenet.names[SITE] = ["127.0.0.1"]
        return answer

    fakenet.answers = rebinding
    fetch_url(f"http://{SITE}/")
    assert fakenet.lookups == [SITE]
    assert fakenet.connects == [(PUBLIC_IP, 80)]


@pytest.mark.parametrize(
    "location",
    [
        "http://127.0.0.1:{port}/secret",
        "http://localhost:{port}/secret",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:{port}/secret",
        "http://internal.example.com/secret",
        "file:///etc/passwd",
    ],
)
def test_redirects_to_private_targets_refused(public_site, fakenet, location):
    fakenet.names["localhost"] = ["127.0.0.1"]
    fakenet.names["internal.example.com"] = ["10.0.0.8"]
    public_site.routes["/"] = Route(status=302, headers={"Location": location.format(port=public_site.port)})
    with pytest.raises(TargetRefused):
        fetch_url(f"http://{SITE}/")
    assert fakenet.connects == [(PUBLIC_IP, 80)]
    assert public_site.hits == ["/"]


def test_relative_redirect_followed_on_same_vetted_host(public_site, fakenet):
    public_site.routes["/"] = Route(status=301, headers={"Location": "/news/1.html"})
    public_site.routes["/news/1.html"] = Route()
    body, _ = fetch_url(f"http://{SITE}/")
    assert b"<title>t</title>" in body
    assert public_site.hits == ["/", "/news/1.html"]
    assert fakenet.lookups == [SITE, SITE]


def test_redirect_loop_stops(public_site):
    public_site.routes["/"] = Route(status=302, headers={"Location": "/"})
    with pytest.raises(BadStatus):
        fetch_url(f"http://{SITE}/")
    assert len(public_site.hits) == 6


def test_allow_list_refuses_other_hosts_without_resolving(fakenet):
    with pytest.raises(TargetRefused):
        fetch_url("http://evil.example.com/", allowed_hosts=[".gov.cn"])
    assert fakenet.lookups == []


def test_allow_list_applies_to_redirects(public_site, fakenet):
    fakenet.names["evil.example.com"] = [PUBLIC_IP]
    public_site.routes["/"] = Route(status=302, headers={"Location": "http://evil.example.com/"})
    with pytest.raises(TargetRefused):
        fetch_url(f"http://{SITE}/", allowed_hosts=[".gov.cn"])
    assert fakenet.lookups == [SITE]


def test_allow_list_subdomain_match(public_site):
    body, _ = fetch_url(f"http://{SITE}/", allowed_hosts=[".example.gov.cn"])
    assert body


@pytest.mark.parametrize("hosts", ["www.example.gov.cn", "other.cn, .gov.cn", ["x.cn", ".example.gov.cn"]])
def test_allow_list_forms(public_site, hosts):
    assert fetch_url(f"http://{SITE}/", allowed_hosts=hosts)[0]


def test_allow_list_string_is_not_split_into_letters(fakenet):
    with pytest.raises(TargetRefused):
        fetch_url("http://g/", allowed_hosts="gov.cn")
    assert fakenet.lookups == []


def test_size_cap(public_site):
    public_site.routes["/big"] = Route(body=b"x" * 20_000)
    with pytest.raises(ResponseTooLarge):
        fetch_url(f"http://{SITE}/big", max_bytes=10_000)


def test_content_type_checked(public_site):
    public_site.routes["/img"] = Route(headers={"Content-Type": "image/png"}, body=b"\x89PNG")
    with pytest.raises(UnsupportedContentType):
        fetch_url(f"http://{SITE}/img")


def test_error_status(public_site):
    with pytest.raises(BadStatus):
        fetch_url(f"http://{SITE}/missing")


def test_timeout(fakenet):
    """A server that accepts the connection and never answers costs the timeout, not forever."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    fakenet.names["mute.example.gov.cn"] = [PUBLIC_IP]
    fakenet.nat[(PUBLIC_IP, 80)] = listener.getsockname()[1]
    try:
        with pytest.raises(FetchTimeout):
            fetch_url("http://mute.example.gov.cn/", timeout_s=0.3)
    finally:
        listener.close()


INTRANET = "oa.intra.gov.cn"
INTRANET_IP = "10.20.1.5"


@pytest.fixture
def intranet_site(fakenet, site):
    """``oa.intra.gov.cn`` resolves to a private address that the guard forwards to ``site``."""
    fakenet.names[INTRANET] = [INTRANET_IP]
    fakenet.nat[(INTRANET_IP, 80)] = site.port
    site.routes["/"] = Route()
    return site


def test_private_addresses_need_the_operator_list(intranet_site):
    with pytest.raises(TargetRefused):
        fetch_url(f"http://{INTRANET}/")
    assert intranet_site.hits == []


@pytest.mark.parametrize(
    "listed", [["10.20.0.0/16"], "10.20.0.0/16, 192.168.0.0/24", [".intra.gov.cn"], [INTRANET]]
)
def test_listed_intranet_networks_and_hosts_are_fetched(intranet_site, listed):
    body, _ = fetch_url(f"http://{INTRANET}/", private_networks=listed)
    assert body.startswith(b"<html>")


def test_a_listed_network_does_not_open_other_private_hosts(fakenet, intranet_site):
    fakenet.names["hr.example.com"] = ["192.168.7.7"]
    with pytest.raises(TargetRefused):
        fetch_url("http://hr.example.com/", private_networks=["10.20.0.0/16", ".intra.gov.cn"])


EVERYTHING = ["0.0.0.0/0", "::/0", "127.0.0.0/8", "169.254.0.0/16", "localhost", ".example.com"]


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1/", "http://169.254.169.254/latest/meta-data/", "http://[::1]/", "http://0.0.0.0/",
     "http://[::ffff:169.254.169.254]/", "http://[fe80::1]/", "http://meta.example.com/"],
)
def test_loopback_and_link_local_are_refused_whatever_the_list(fakenet, url):
    fakenet.names["meta.example.com"] = ["169.254.169.254"]
    with pytest.raises(TargetRefused):
        fetch_url(url, private_networks=EVERYTHING)
    assert fakenet.connects == []


@pytest.mark.parametrize("location", ["http://169.254.169.254/latest/meta-data/", "http://127.0.0.1:8000/admin"])
def test_redirect_hops_are_checked_with_an_intranet_list(intranet_site, fakenet, location):
    intranet_site.routes["/go"] = Route(status=302, headers={"Location": location})
    with pytest.raises(TargetRefused):
        fetch_url(f"http://{INTRANET}/go", private_networks=EVERYTHING)
    assert fakenet.connects == [(INTRANET_IP, 80)]


def test_the_servers_own_addresses_are_refused(intranet_site, monkeypatch):
    own = frozenset({ipaddress.ip_address(INTRANET_IP)})
    monkeypatch.setattr("web.fetch.own_addresses", lambda: own)
    with pytest.raises(TargetRefused, match="never fetched"):
        fetch_url(f"http://{INTRANET}/", private_networks=["10.20.0.0/16"])
    assert intranet_site.hits == []


def test_own_addresses_include_loopback():
    from web.fetch import own_addresses

    assert ipaddress.ip_address("127.0.0.1") in own_addresses()


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("2606:4700::1111", True),
        ("127.0.0.1", False),
        ("::ffff:10.0.0.1", False),
        ("100.100.100.200", False),
        ("198.18.0.1", False),
        ("fd12::1", False),
    ],
)
def test_is_public_address(address, public):
    assert is_public_address(address) is public
