"""The source policy: may this address be cited as the source of a fact?

    source_problem("https://https.ncbi.nlm.nih.gov/books/NBK1133")
        -> "the host 'https.ncbi.nlm.nih.gov' is malformed (a scheme inside the host name)"
    source_problem("https://vascern.eu/expertise/rare-diseases-wgs/hht-wg/") -> None

A source is an http(s) URL with a well-formed host and is not an aggregator, a document
copy, a proxy or a staging server (knowledge/source_policy.yml names them, with reasons).
Used by the entry validator (knowledge/entries.py), the directory (knowledge/directory.py)
and the safety messages' source check.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from urllib.parse import urlsplit

import yaml

POLICY_FILE = Path(__file__).with_name("source_policy.yml")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


@functools.lru_cache(maxsize=1)
def _policy() -> dict[str, dict]:
    return yaml.safe_load(POLICY_FILE.read_text(encoding="utf-8"))


def _host_problem(host: str) -> str | None:
    if not host:
        return "it has no host name"
    if host.endswith("."):
        return f"the host {host!r} ends with a dot"
    labels = host.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        return f"the host {host!r} is malformed"
    if labels[0] in ("http", "https", "www-") or host.startswith(("http-", "https-")):
        return f"the host {host!r} is malformed (a scheme inside the host name)"
    if labels[-1].isdigit():
        return f"the host {host!r} is an IP address, not a site name"
    return None


def _subdomain_words(host: str) -> set[str]:
    """The words of the labels left of the site's own name ("abe-1022.staging1.x.com" ->
    {"abe", "1022", "staging"})."""
    return {
        word.rstrip("0123456789") or word
        for label in host.split(".")[:-2]
        for word in label.split("-")
    }


def _matches(host: str, rule: dict) -> bool:
    hosts = rule.get("hosts", [])
    if any(host == name or host.endswith("." + name) for name in hosts):
        return True
    if any(fragment in host for fragment in rule.get("contains", [])):
        return True
    return bool(_subdomain_words(host) & set(rule.get("labels", [])))


def source_problem(url: object) -> str | None:
    """Why `url` may not be cited, or None when it follows the source policy."""
    if not isinstance(url, str) or not url.strip():
        return "a source must be a non-empty URL"
    if url != url.strip() or any(char.isspace() for char in url):
        return f"{url!r} contains spaces"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return f"{url!r} is not an http(s) URL"
    host = (parts.hostname or "").lower()
    problem = _host_problem(host)
    if problem is not None:
        return problem
    for name, rule in _policy().items():
        if _matches(host, rule):
            return f"{host} is {name.replace('_', ' ')}: {rule['reason']}"
    return None
