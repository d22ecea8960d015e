"""Cloudflare email protection: decode the obfuscated address back into mailto/text.

Cloudflare XORs the address with its first byte and hex-encodes it, in
`/cdn-cgi/l/email-protection#<hex>` links and `data-cfemail` attributes. No
library covers this; it is four lines of arithmetic.
"""
from dataclasses import dataclass

from ..tree import elements


@dataclass(frozen=True)
class Params:
    """This step takes no parameters."""


def decode(hexstr: str) -> str | None:
    try:
        data = bytes.fromhex(hexstr)
    except ValueError:
        return None
    if len(data) < 2:
        return None
    return bytes(b ^ data[0] for b in data[1:]).decode("utf-8", "replace")


def run(root, doc) -> int:
    changed = 0
    for node in elements(root, "[data-cfemail]"):
        email = decode(node.attributes.get("data-cfemail") or "")
        if email:
            node.replace_with(email)
            changed += 1
    for link in elements(root, 'a[href*="email-protection"]'):
        href = link.attributes.get("href") or ""
        email = decode(href.rsplit("#", 1)[-1]) if "#" in href else None
        if not email:  # the archive kept no address: the link leads nowhere, keep its text
            link.unwrap()
            changed += 1
        else:
            link.attrs["href"] = "mailto:" + email
            if "protected" in (link.text() or "").lower():
                link.replace_with(email)
            changed += 1
    return changed
