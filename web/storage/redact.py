"""Personal data out of stored text (ARCHITECTURE.md, Safety rule 4), with scrubadub.

Each kind of personal data is a scrubadub detector; the scrubber replaces what they find
with a placeholder such as ``{{EMAIL}}``:

- ``email``     scrubadub's own detector
- ``phone``     every number that libphonenumber accepts as valid for one of the regions
                our patients write from (``PHONE_REGIONS``), international or national form
- ``name``      a name the patient gives for themself ("my name is …", "je m'appelle …")
                in the six languages
- ``address``   a street address: a number and a street word ("12 rue …", "Hauptstraße 5",
                "Via Roma 10", "calle Mayor 3") or a postal code and a town ("75012 Paris")

The network's own public addresses (``PUBLIC_DOMAINS``) stay readable.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterator
from functools import lru_cache

import phonenumbers
import scrubadub
from scrubadub.detectors import Detector, EmailDetector
from scrubadub.filth import AddressFilth, Filth, NameFilth, PhoneFilth
from scrubadub.post_processors import FilthReplacer, PrefixSuffixReplacer

# Regions whose national number formats are recognised (international +… numbers always are).
PHONE_REGIONS = (
    "FR",
    "DE",
    "IT",
    "ES",
    "NL",
    "BE",
    "LU",
    "AT",
    "CH",
    "GB",
    "IE",
    "PT",
    "DK",
    "SE",
    "FI",
    "PL",
    "CZ",
    "HU",
    "SI",
    "HR",
    "LT",
    "LV",
    "EE",
    "SK",
    "RO",
    "BG",
    "GR",
    "CY",
    "MT",
)
# Email domains of the network itself, quoted in the assistant's own messages.
PUBLIC_DOMAINS = ("vascern.eu",)

_NAME_INTRO = (
    r"my name is|my name's|i am called|i'm called"
    r"|je m'appelle|je m’appelle|mon nom est|mon prénom est|moi c'est|moi c’est"
    r"|ich heiße|ich heisse|mein name ist|mein vorname ist"
    r"|mi chiamo|il mio nome è|il mio nome e"
    r"|me llamo|mi nombre es"
    r"|ik heet|mijn naam is"
)
# Words that follow "my name is" without being a name ("my name is in the file").
_NOT_NAMES = r"in|on|not|the|on|sur|dans|pas|le|la|nicht|im|auf|non|nel|sul|no|en|el|niet|op|het"
# Up to three words after the introduction: the first may be lower-case (phone typing), the
# others are capitalised ("je m'appelle marie Dupont et …" keeps "et").
_NAME = re.compile(
    rf"\b(?i:{_NAME_INTRO})\s+(?!(?i:{_NOT_NAMES})\b)"
    rf"(?P<name>[^\W\d_][\w'’-]*(?:\s+[A-ZÀ-Ý][\w'’-]*){{0,2}})"
)
_STREET_WORDS = (
    r"rue|avenue|av\.|boulevard|bd|chemin|allée|allee|impasse|place|quai|route|cours"
    r"|straße|strasse|str\.|weg|gasse|platz|allee|ring|damm"
    r"|via|viale|piazza|corso|vicolo|largo"
    r"|calle|avenida|plaza|paseo|carrer|camino|c/"
    r"|straat|laan|plein|gracht|kade|singel"
    r"|street|st\.|road|rd\.|lane|drive|close|way|square"
)
# "12 rue de la Paix", "12, avenue …", "10 Downing Street".
_NUMBER_FIRST = re.compile(
    rf"\b\d{{1,4}}(?:\s?(?:bis|ter|[a-z]))?,?\s+(?:{_STREET_WORDS})(?:\s+[\w'’.-]+){{1,5}}",
    re.IGNORECASE,
)
# "Hauptstraße 12", "Via Roma 10", "calle Mayor 3", "Kerkstraat 5" (street word inside a word too).
_NUMBER_LAST = re.compile(
    rf"\b[\w'’.-]*(?:{_STREET_WORDS})(?:\s+[\w'’.-]+){{0,4}}\s+\d{{1,4}}[a-z]?\b",
    re.IGNORECASE,
)
# "75012 Paris", "1012 AB Amsterdam", "D-10115 Berlin".
_POSTCODE_TOWN = re.compile(
    r"\b(?:[A-Z]-)?\d{4,5}(?:\s?[A-Z]{2})?\s+[A-ZÀ-Ý][\w'’-]+(?:[\s-][A-ZÀ-Ý][\w'’-]+)?\b"
)


class _PatternDetector(Detector):
    """Filth from a list of regular expressions (the ``name`` group when there is one)."""

    patterns: tuple[re.Pattern[str], ...] = ()
    filth_cls: type[Filth] = Filth

    def iter_filth(self, text: str, document_name: str | None = None) -> Iterator[Filth]:
        for pattern in self.patterns:
            for match in pattern.finditer(text):
                group = "name" if "name" in pattern.groupindex else 0
                yield self.filth_cls(
                    beg=match.start(group),
                    end=match.end(group),
                    text=match.group(group),
                    detector_name=self.name,
                    document_name=document_name,
                    locale=self.locale,
                )


class IntroducedNameDetector(_PatternDetector):
    """A name the patient gives for themself."""

    name = "introduced_name"
    filth_cls = NameFilth
    patterns = (_NAME,)


class StreetAddressDetector(_PatternDetector):
    """A street address or a postal code followed by a town."""

    name = "street_address"
    filth_cls = AddressFilth
    patterns = (_NUMBER_FIRST, _NUMBER_LAST, _POSTCODE_TOWN)


class EuropeanPhoneDetector(Detector):
    """Phone numbers valid in one of ``PHONE_REGIONS``."""

    name = "european_phone"

    def iter_filth(self, text: str, document_name: str | None = None) -> Iterator[Filth]:
        seen: set[tuple[int, int]] = set()
        for region in PHONE_REGIONS:
            for match in phonenumbers.PhoneNumberMatcher(text, region):
                if (match.start, match.end) not in seen:
                    seen.add((match.start, match.end))
                    yield PhoneFilth(
                        beg=match.start,
                        end=match.end,
                        text=match.raw_string,
                        detector_name=self.name,
                        document_name=document_name,
                        locale=self.locale,
                    )


class PrivateEmailDetector(EmailDetector):
    """Email addresses, except the network's own public ones."""

    name = "private_email"

    def iter_filth(self, text: str, document_name: str | None = None) -> Iterator[Filth]:
        for filth in super().iter_filth(text, document_name):
            if not filth.text.lower().endswith(tuple("@" + domain for domain in PUBLIC_DOMAINS)):
                yield filth


@lru_cache(maxsize=1)
def _scrubber() -> scrubadub.Scrubber:
    return scrubadub.Scrubber(
        detector_list=[
            PrivateEmailDetector(),
            EuropeanPhoneDetector(),
            IntroducedNameDetector(),
            StreetAddressDetector(),
        ],
        # "{{EMAIL}}", "{{PHONE}}"... without a hash of what was there (it could be reversed).
        post_processor_list=[
            FilthReplacer(include_hash=False),
            PrefixSuffixReplacer(prefix="{{", suffix="}}"),
        ],
    )


def redact(text: str) -> str:
    """``text`` with emails, phone numbers, self-given names and addresses replaced."""
    if not text:
        return text
    return _scrubber().clean(text)


# The assistant's texts repeat (templates, emergency and crisis numbers, centre cards), and
# redacting one (phone-number parsing) cost a fifth of web's time per turn. Their redacted
# forms are remembered under a keyed hash of the text (a key drawn per process): memory holds
# redacted text and digests only, never what was redacted away.
_REDACTED_BOT_TEXTS: dict[bytes, str] = {}
_DIGEST_KEY = secrets.token_bytes(32)
REDACTED_BOT_TEXTS_LIMIT = 2048


def redact_bot_text(text: str) -> str:
    """``redact(text)`` for a text the assistant wrote, remembered for the next time."""
    digest = hmac.new(_DIGEST_KEY, text.encode("utf-8"), hashlib.sha256).digest()
    cleaned = _REDACTED_BOT_TEXTS.get(digest)
    if cleaned is None:
        cleaned = redact(text)
        if len(_REDACTED_BOT_TEXTS) >= REDACTED_BOT_TEXTS_LIMIT:
            _REDACTED_BOT_TEXTS.clear()
        _REDACTED_BOT_TEXTS[digest] = cleaned
    return cleaned
