"""Replace image-proxy URLs by the image they proxy.

`https://images.weserv.nl/?url=imgcdn.cna.com.tw/x.jpg` -> `https://imgcdn.cna.com.tw/x.jpg`.
Parameters name each proxy host and the query parameter holding the target.
"""
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit

from ..tree import elements


@dataclass(frozen=True)
class Params:
    proxies: dict[str, str] = field(default_factory=dict)
    """Proxy host -> the query parameter holding the real image URL."""


_ATTRS = ("src", "href", "poster")


def _unwrap(url: str, proxies: dict) -> str:
    try:
        parts = urlsplit(url if "//" in url else "https://" + url)
    except ValueError:
        return url
    param = proxies.get((parts.hostname or "").lower())
    if not param:
        return url
    target = parse_qs(parts.query).get(param, [None])[0]
    if not target:
        return url
    target = unquote(target)
    if target.startswith("//"):
        return "https:" + target
    return target if target.startswith(("http://", "https://")) else "https://" + target


def run(root, doc, proxies=None) -> int:
    proxies = {k.lower(): v for k, v in (proxies or {}).items()}
    changed = 0
    for node in elements(root, "[src], [href], [poster]"):
        for attr in _ATTRS:
            value = node.attributes.get(attr)
            if value:
                new = _unwrap(value, proxies)
                if new != value:
                    node.attrs[attr] = new
                    changed += 1
    return changed
