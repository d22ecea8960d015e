"""One download, polite and bounded, that cannot be turned against the machine it runs on.

Written on the standard library's http.client rather than a client library because what matters
here is ours: the address a host name resolves to is checked (no loopback, private, link-local or
reserved address unless the archive allows that host by name) and the connection is made to exactly
that address (a second lookup cannot swap in another: DNS rebinding); every redirect is checked the
same way and counted; the body is read against a byte cap and a deadline (a slow drip is cut off).
"""
from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from .. import __version__
from .kinds import Refused

# Redirects followed for one image at most (a loop ends here).
MAX_REDIRECTS = 5
# Bytes read at a time from a response.
CHUNK = 64 * 1024
USER_AGENT = f"newsarchive/{__version__} (archiving the pictures of news articles)"


class Retry(Refused):
    """A failure that may pass (a timeout, a dropped connection, a 5xx or 429 answer)."""


@dataclass(frozen=True)
class Response:
    url: str  # where the bytes came from, after redirects
    status: int
    data: bytes


@dataclass(frozen=True)
class Limits:
    allow_hosts: frozenset[str]
    max_bytes: int
    timeout: float


def get(url: str, limits: Limits) -> Response:
    """The bytes at url (following redirects); Refused (or Retry) with the reason otherwise."""
    deadline = time.monotonic() + limits.timeout
    for _hop in range(MAX_REDIRECTS + 1):
        status, location, data = _one(url, limits, deadline)
        if location is None:
            return Response(url, status, data)
        url = urljoin(url, location)
    raise Refused(f"more than {MAX_REDIRECTS} redirects")


def _one(url: str, limits: Limits, deadline: float) -> tuple[int, str | None, bytes]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused(f"not an http(s) address: {url[:200]}")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise Refused(f"a bad port in {url[:200]}") from None
    address = _address(parts.hostname, port, limits)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    conn = _connection(parts.scheme, parts.hostname, port, address, _left(deadline, limits.timeout))
    try:
        conn.request("GET", path, headers={"User-Agent": USER_AGENT, "Accept": "image/*", "Accept-Encoding": "identity"})
        response = conn.getresponse()
        if response.status in (301, 302, 303, 307, 308):
            location = response.getheader("Location")
            if not location:
                raise Refused(f"HTTP {response.status} without a Location")
            return response.status, location, b""
        if response.status == 429 or response.status >= 500:
            raise Retry(f"HTTP {response.status}")
        if response.status != 200:
            raise Refused(f"HTTP {response.status}")
        return 200, None, _body(response, limits, deadline)
    except (OSError, http.client.HTTPException) as exc:  # timeouts, resets, TLS, a broken answer
        raise Retry(f"{type(exc).__name__}: {exc}"[:200]) from None
    finally:
        conn.close()


def _left(deadline: float, cap: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise Retry("timed out")
    return min(left, cap)


def _body(response, limits: Limits, deadline: float) -> bytes:
    declared = response.getheader("Content-Length")
    if declared and declared.isdigit() and int(declared) > limits.max_bytes:
        raise Refused(f"{int(declared)} bytes declared (more than {limits.max_bytes})")
    chunks, size = [], 0
    while True:
        chunk = response.read1(CHUNK)  # what one wait brings (read() would wait for a whole chunk)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limits.max_bytes:
            raise Refused(f"more than {limits.max_bytes} bytes")
        if time.monotonic() > deadline:
            raise Retry(f"too slow: {size} bytes in {limits.timeout:.0f} s")
        chunks.append(chunk)


def _address(host: str, port: int, limits: Limits) -> str:
    """The one address to connect to: refused when it is not a public one, unless the host is allowed."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise Retry(f"{host}: cannot be resolved ({exc})") from None
    # IPv4 first: a name with both, on a machine without an IPv6 route, must still be reached
    addresses = [info[4][0] for info in sorted(infos, key=lambda info: info[0] != socket.AF_INET)]
    if host.lower() not in limits.allow_hosts:
        for address in addresses:
            if not ipaddress.ip_address(address.split("%")[0]).is_global:
                raise Refused(f"{host} resolves to {address}, not a public address (allow it in [media] allow_hosts)")
    return addresses[0]


class _PinnedHTTP(http.client.HTTPConnection):
    """Connects to the address checked, whatever the name resolves to by then."""

    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _connection(scheme: str, host: str, port: int, address: str, timeout: float):
    kind = _PinnedHTTPS if scheme == "https" else _PinnedHTTP
    return kind(host, port, address, timeout)
