"""Structured, sourced directory of VASCERN centres and patient organisations (emergency
numbers live with the rest of patient safety, in safety/numbers.py).

Map of this module:

- ``load_directory(root)``   reads and strictly validates ``knowledge/directory/*.yml`` and returns
                             a ``Directory``; raises ``DirectoryError`` whose message names the
                             file and line of every problem (line numbers come from ``yaml.compose``).
- ``validate_directory(root)`` the same checks, returning the error strings (empty when valid);
                             ``python -m knowledge.directory [root]`` prints them for ``make test``.
- ``Directory``              the loaded data and its queries:
    ``find_centres``         centres of a working group near a ``knowledge.places.Place``, or one
                             per country when the place is Europe as a whole;
    ``find_organisations``   patient organisations of a group, national first, then European;
    ``covered_countries``    countries with at least one listed centre;
    ``country_name``         a country's name in the patient's language (babel);
    ``labels``               plain words for groups, memberships... (``labels.group(code, language)``).
- ``Centre``, ``Organisation`` records with ``to_item(language)``, the dict the API returns;
  ``CentreSearch`` a centre query's result.

Nothing about VASCERN is written here: every centre, organisation and label lives in
the YAML files, whose headers explain each field. The assistant must answer from these records
only, so every record carries its source URLs.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import babel
import pycountry
import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from common.groups import WORKING_GROUPS
from common.languages import LANGUAGES
from common.places import is_country
from knowledge.places import Place
from knowledge.sources import source_problem

DEFAULT_DIRECTORY = Path(__file__).resolve().parent / "directory"
CENTRES_FILE = "centres.yml"
ORGANISATIONS_FILE = "organisations.yml"
LABELS_FILE = "labels.yml"

# Labels are written in these languages; any other language gets the first one (English).
LABEL_LANGUAGES = LANGUAGES
# Mean Earth radius, for great-circle (haversine) distances between city coordinates.
EARTH_RADIUS_KM = 6371.0
# Web addresses must be absolute so the assistant can show them as links.


class DirectoryError(ValueError):
    """The directory YAML is invalid; ``errors`` holds one "file:line: problem" string each."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Labels:
    """Plain-words labels from labels.yml: {category: {value: {language: text}}}."""

    working_groups: dict[str, dict[str, str]]
    membership: dict[str, dict[str, str]]
    vascern_link: dict[str, dict[str, str]]
    scopes: dict[str, dict[str, str]]

    @property
    def groups(self) -> tuple[str, ...]:
        """The working-group codes, in the order of labels.yml (the order of the buttons)."""
        return tuple(self.working_groups)

    def group(self, code: str, language: str) -> str:
        """Plain-words name of a working group for a button, e.g. "Primary lymphoedema (PPL)"."""
        return self.text("working_groups", code, language)

    def text(self, category: str, value: str, language: str) -> str:
        """Return the label of ``value`` in ``category`` in ``language`` (English if missing)."""
        labels = getattr(self, category)[value]
        return labels.get(_language(language)) or labels[LABEL_LANGUAGES[0]]


@dataclass(frozen=True)
class Centre:
    """A hospital team (VASCERN member or national expert centre) with its sources."""

    id: str
    hospital: str
    unit: str | None
    city: str | None
    country: str
    lat: float
    lon: float
    working_groups: tuple[str, ...]
    membership: str
    website: str | None
    phone: str | None
    email: str | None
    sources: tuple[str, ...]
    labels: Labels = field(repr=False, compare=False)

    def to_item(self, language: str) -> dict[str, Any]:
        """Return the item the chat API sends (name, unit, city, country, working_groups, membership...)."""
        return {
            "name": self.hospital,
            "city": self.city,
            "country": self.country,
            "working_groups": list(self.working_groups),
            "url": self.website,
            "phone": self.phone,
            "email": self.email,
            "unit": self.unit,
            "membership": self.labels.text("membership", self.membership, language),
            "sources": list(self.sources),
        }


@dataclass(frozen=True)
class Organisation:
    """A patient organisation; ``country`` is an alpha-2 code or a scope (EU, INT)."""

    id: str
    name: str
    country: str
    working_groups: tuple[str, ...]
    vascern_link: str
    website: str | None
    phone: str | None
    email: str | None
    sources: tuple[str, ...]
    labels: Labels = field(repr=False, compare=False)

    def to_item(self, language: str) -> dict[str, Any]:
        """Return the API item (same fields as a centre; city and unit are None)."""
        return {
            "name": self.name,
            "city": None,
            "country": self.country,
            "working_groups": list(self.working_groups),
            "url": self.website,
            "phone": self.phone,
            "email": self.email,
            "unit": None,
            "membership": self.labels.text("vascern_link", self.vascern_link, language),
            "sources": list(self.sources),
        }


@dataclass(frozen=True)
class CentreSearch:
    """Result of ``Directory.find_centres``: centres nearest first, national ones before foreign ones."""

    group: str
    place: Place
    in_country: bool
    items: list[Centre]
    distances_km: list[float]


@dataclass(frozen=True)
class Directory:
    """All directory data, validated, with the queries the assistant needs."""

    centres: tuple[Centre, ...]
    organisations: tuple[Organisation, ...]
    labels: Labels

    def find_centres(self, group: str, place: Place, limit: int = 5) -> CentreSearch:
        """Centres of ``group`` in ``place``'s country first, then others, each by distance from ``place``."""
        self._check_group(group)
        if not is_country(place.country):
            return self._centres_across_europe(group, place, limit)
        distance = {c.id: haversine_km(place.lat, place.lon, c.lat, c.lon) for c in self.centres}
        of_group = sorted(
            (c for c in self.centres if group in c.working_groups), key=lambda c: distance[c.id]
        )
        national = [c for c in of_group if c.country == place.country]
        items = (national + [c for c in of_group if c.country != place.country])[:limit]
        return CentreSearch(group, place, bool(national), items, [round(distance[c.id], 1) for c in items])

    def _centres_across_europe(self, group: str, place: Place, limit: int) -> CentreSearch:
        """One centre of ``group`` per country, the countries with the most of them first."""
        by_country: dict[str, list[Centre]] = {}
        for centre in sorted(self.centres, key=lambda c: c.hospital):
            if group in centre.working_groups:
                by_country.setdefault(centre.country, []).append(centre)
        countries = sorted(by_country, key=lambda code: (-len(by_country[code]), code))
        items = [by_country[code][0] for code in countries][:limit]
        distances = [round(haversine_km(place.lat, place.lon, c.lat, c.lon), 1) for c in items]
        return CentreSearch(group, place, bool(items), items, distances)

    def find_organisations(self, group: str, country: str | None, limit: int = 6) -> list[Organisation]:
        """Organisations of ``group``: the national ones of ``country`` first, then the EU/INT ones."""
        self._check_group(group)
        links = list(self.labels.vascern_link)

        def rank(organisation: Organisation) -> tuple[int, int, str]:
            # Disease-specific groups before umbrella bodies, then the closest link to VASCERN.
            return (
                len(organisation.working_groups),
                links.index(organisation.vascern_link),
                organisation.name,
            )

        of_group = [o for o in self.organisations if group in o.working_groups]
        wanted = country.upper() if is_country(country) else None
        national = sorted((o for o in of_group if o.country == wanted), key=rank)
        european = sorted((o for o in of_group if o.country in self.labels.scopes), key=rank)
        return (national + european)[:limit]

    def covered_countries(self, group: str | None = None) -> frozenset[str]:
        """Countries with at least one listed centre (of ``group`` when given)."""
        if group:
            self._check_group(group)
        return frozenset(c.country for c in self.centres if group is None or group in c.working_groups)

    def country_name(self, country: str, language: str) -> str:
        """Name of a country (from babel) or scope (EU, INT from labels.yml) in ``language``."""
        if country in self.labels.scopes:
            return self.labels.text("scopes", country, language)
        try:
            names = babel.Locale.parse(_language(language)).territories
        except (ValueError, babel.UnknownLocaleError):
            names = babel.Locale(LABEL_LANGUAGES[0]).territories
        return names.get(country, country)

    def _check_group(self, group: str) -> None:
        if group not in self.labels.working_groups:
            raise ValueError(
                f"unknown working group {group!r}; expected one of {sorted(self.labels.working_groups)}"
            )


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres between two points given in degrees."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def _language(language: str) -> str:
    return (language or LABEL_LANGUAGES[0]).replace("_", "-").split("-")[0].lower()


# --------------------------------------------------------------------------- loading


def load_directory(root: Path = DEFAULT_DIRECTORY) -> Directory:
    """Load and validate the directory in ``root``; raise ``DirectoryError`` listing every problem."""
    errors: list[str] = []
    directory = _load(Path(root), errors)
    if errors or directory is None:
        raise DirectoryError(errors)
    return directory


def validate_directory(root: Path = DEFAULT_DIRECTORY) -> list[str]:
    """Return the problems found in the directory in ``root`` ("file:line: problem"); empty when valid."""
    errors: list[str] = []
    _load(Path(root), errors)
    return errors


def _load(root: Path, errors: list[str]) -> Directory | None:
    labels = _load_labels(_Reader(root / LABELS_FILE, errors))
    if labels is None:
        return None
    centres = _load_records(_Reader(root / CENTRES_FILE, errors), "centres", _centre_fields(labels))
    organisations = _load_records(
        _Reader(root / ORGANISATIONS_FILE, errors), "organisations", _organisation_fields(labels)
    )
    if errors or centres is None or organisations is None:
        return None
    return Directory(
        centres=tuple(_centre(record, labels) for record in centres),
        organisations=tuple(_organisation(record, labels) for record in organisations),
        labels=labels,
    )


def _centre(record: dict[str, Any], labels: Labels) -> Centre:
    return Centre(
        id=record["id"],
        hospital=record["hospital"],
        unit=record.get("unit"),
        city=record.get("city"),
        country=record["country"],
        lat=float(record["lat"]),
        lon=float(record["lon"]),
        working_groups=tuple(record["working_groups"]),
        membership=record["membership"],
        website=record.get("website"),
        phone=record.get("phone"),
        email=record.get("email"),
        sources=tuple(record["sources"]),
        labels=labels,
    )


def _organisation(record: dict[str, Any], labels: Labels) -> Organisation:
    return Organisation(
        id=record["id"],
        name=record["name"],
        country=record["country"],
        working_groups=tuple(record["working_groups"]),
        vascern_link=record["vascern_link"],
        website=record.get("website"),
        phone=record.get("phone"),
        email=record.get("email"),
        sources=tuple(record["sources"]),
        labels=labels,
    )


# --------------------------------------------------------------------------- YAML reading


class _Reader:
    """Reads one YAML file as a node tree and records errors as "file:line: message"."""

    def __init__(self, path: Path, errors: list[str]) -> None:
        self.path = path
        self.errors = errors
        self._constructor = yaml.constructor.SafeConstructor()

    def root(self) -> MappingNode | None:
        try:
            with self.path.open(encoding="utf-8") as handle:
                node = yaml.compose(handle)
        except OSError as exc:
            self.errors.append(f"{self.path}: cannot read ({exc.strerror})")
            return None
        except yaml.MarkedYAMLError as exc:
            line = exc.problem_mark.line + 1 if exc.problem_mark else 0
            self.errors.append(f"{self.path}:{line}: invalid YAML ({exc.problem})")
            return None
        if not isinstance(node, MappingNode):
            self.errors.append(f"{self.path}:1: the file must be a mapping of sections")
            return None
        return node

    def error(self, node: Node, message: str) -> None:
        self.errors.append(f"{self.path}:{node.start_mark.line + 1}: {message}")

    def value(self, node: Node) -> Any:
        return self._constructor.construct_object(node, deep=True)

    def mapping(self, node: Node, where: str) -> dict[str, Node] | None:
        if not isinstance(node, MappingNode):
            self.error(node, f"{where} must be a mapping")
            return None
        items: dict[str, Node] = {}
        for key_node, value_node in node.value:
            key = self.value(key_node)
            if not isinstance(key, str):
                self.error(key_node, f"{where}: key {key!r} must be text")
            elif key in items:
                self.error(key_node, f"{where}: duplicate key {key!r}")
            else:
                items[key] = value_node
        return items

    def sequence(self, node: Node, where: str) -> list[Node] | None:
        if not isinstance(node, SequenceNode):
            self.error(node, f"{where} must be a list")
            return None
        return list(node.value)


# A field checker reads a node and returns (ok, value); it reports its own errors.
_Checker = Callable[[_Reader, Node, str], "tuple[bool, Any]"]


def _text(reader: _Reader, node: Node, where: str) -> tuple[bool, Any]:
    value = reader.value(node)
    if isinstance(value, str) and value.strip():
        return True, value.strip()
    reader.error(node, f"{where} must be non-empty text, not {value!r}")
    return False, None


def _optional_text(reader: _Reader, node: Node, where: str) -> tuple[bool, Any]:
    if isinstance(node, ScalarNode) and reader.value(node) is None:
        return True, None
    return _text(reader, node, where)


def _url(reader: _Reader, node: Node, where: str) -> tuple[bool, Any]:
    ok, value = _text(reader, node, where)
    problem = source_problem(value) if ok else None
    if problem is not None:
        reader.error(node, f"{where} {value!r} breaks the source policy: {problem}")
        return False, None
    return ok, value


def _number(reader: _Reader, node: Node, where: str) -> tuple[bool, Any]:
    value = reader.value(node)
    if isinstance(value, str) and value.strip() and any(char.isdigit() for char in value):
        return True, value.strip()
    reader.error(node, f'{where} must be a quoted phone number such as "112", not {value!r}')
    return False, None


def _email(reader: _Reader, node: Node, where: str) -> tuple[bool, Any]:
    ok, value = _text(reader, node, where)
    if ok and ("@" not in value or " " in value):
        reader.error(node, f"{where} is not an e-mail address: {value!r}")
        return False, None
    return ok, value


def _country_code(
    reader: _Reader, node: Node, where: str, extra: frozenset[str] = frozenset()
) -> tuple[bool, Any]:
    value = reader.value(node)
    if value is False:
        reader.error(node, f'{where} reads as false: write Norway\'s code in quotes, "NO"')
        return False, None
    if isinstance(value, str) and (value in extra or _is_alpha_2(value)):
        return True, value
    allowed = f" or one of {sorted(extra)}" if extra else ""
    reader.error(node, f"{where}: {value!r} is not an ISO 3166-1 alpha-2 country code{allowed}")
    return False, None


def _is_alpha_2(value: str) -> bool:
    return len(value) == 2 and value.isupper() and pycountry.countries.get(alpha_2=value) is not None


def _coordinate(limit: float) -> _Checker:
    def check(reader: _Reader, node: Node, where: str) -> tuple[bool, Any]:
        value = reader.value(node)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and -limit <= value <= limit:
            return True, float(value)
        reader.error(node, f"{where} must be a number between -{limit:g} and {limit:g}, not {value!r}")
        return False, None

    return check


def _choice(choices: Any, what: str) -> _Checker:
    def check(reader: _Reader, node: Node, where: str) -> tuple[bool, Any]:
        value = reader.value(node)
        if isinstance(value, str) and value in choices:
            return True, value
        reader.error(node, f"{where}: {value!r} is not a known {what} ({', '.join(choices)})")
        return False, None

    return check


def _list_of(item: _Checker, non_empty: bool = False) -> _Checker:
    def check(reader: _Reader, node: Node, where: str) -> tuple[bool, Any]:
        nodes = reader.sequence(node, where)
        if nodes is None:
            return False, None
        if non_empty and not nodes:
            reader.error(node, f"{where} must not be empty")
            return False, None
        results = [item(reader, child, f"{where}[{index}]") for index, child in enumerate(nodes)]
        return all(ok for ok, _ in results), [value for _, value in results]

    return check


def _record(fields: dict[str, tuple[bool, _Checker]]) -> _Checker:
    """A checker for a mapping whose keys are ``fields`` (name -> (required, checker)); others are errors."""

    def check(reader: _Reader, node: Node, where: str) -> tuple[bool, Any]:
        items = reader.mapping(node, where)
        if items is None:
            return False, None
        ok, record = True, {}
        for key, value_node in items.items():
            if key not in fields:
                reader.error(value_node, f"{where}: unknown field {key!r}")
                ok = False
                continue
            field_ok, record[key] = fields[key][1](reader, value_node, f"{where}.{key}")
            ok = ok and field_ok
        for key, (required, _) in fields.items():
            if required and key not in items:
                reader.error(node, f"{where}: missing required field {key!r}")
                ok = False
        return ok, record

    return check


_TEXTS = _list_of(_text)
_SOURCES = _list_of(_url, non_empty=True)


def _centre_fields(labels: Labels) -> dict[str, tuple[bool, _Checker]]:
    return {
        "id": (True, _text),
        "hospital": (True, _text),
        "unit": (False, _optional_text),
        "city": (True, _optional_text),
        "country": (True, _country_code),
        "lat": (True, _coordinate(90)),
        "lon": (True, _coordinate(180)),
        "working_groups": (True, _list_of(_choice(list(labels.working_groups), "working group"))),
        "membership": (True, _choice(list(labels.membership), "membership")),
        "website": (False, _url),
        "phone": (False, _number),
        "email": (False, _email),
        "named_experts": (False, _TEXTS),
        "notes": (False, _TEXTS),
        "sources": (True, _SOURCES),
        "source_dates": (False, _TEXTS),
    }


def _organisation_fields(labels: Labels) -> dict[str, tuple[bool, _Checker]]:
    scopes = frozenset(labels.scopes)
    return {
        "id": (True, _text),
        "name": (True, _text),
        "name_note": (False, _text),
        "aliases": (False, _TEXTS),
        "country": (True, lambda reader, node, where: _country_code(reader, node, where, scopes)),
        "working_groups": (
            True,
            _list_of(_choice(list(labels.working_groups), "working group"), non_empty=True),
        ),
        "vascern_link": (True, _choice(list(labels.vascern_link), "VASCERN link")),
        "website": (False, _url),
        "phone": (False, _number),
        "email": (False, _email),
        "facts": (False, _TEXTS),
        "people_seen": (False, _TEXTS),
        "notes": (False, _TEXTS),
        "sources": (True, _SOURCES),
    }


def _load_records(
    reader: _Reader, section: str, fields: dict[str, tuple[bool, _Checker]]
) -> list[dict[str, Any]] | None:
    root = reader.root()
    sections = reader.mapping(root, "file") if root is not None else None
    if sections is None:
        return None
    for key, node in sections.items():
        if key not in ("meta", section):
            reader.error(node, f"unknown section {key!r} (expected meta and {section})")
    if section not in sections:
        reader.error(root, f"missing section {section!r}")
        return None
    ok, records = _list_of(_record(fields))(reader, sections[section], section)
    nodes = reader.sequence(sections[section], section) or []
    seen: set[str] = set()
    for node, record in zip(nodes, records or [], strict=False):
        if record and record.get("id") in seen:
            reader.error(node, f"{section}: duplicate id {record['id']!r}")
            ok = False
        elif record and record.get("id"):
            seen.add(record["id"])
    return records if ok else None


def _load_labels(reader: _Reader) -> Labels | None:
    root = reader.root()
    sections = reader.mapping(root, "file") if root is not None else None
    if sections is None:
        return None
    label = _record({language: (True, _text) for language in LABEL_LANGUAGES})
    parsed: dict[str, dict[str, dict[str, str]]] = {}
    ok = True
    for category in ("working_groups", "membership", "vascern_link", "scopes"):
        if category not in sections:
            reader.error(root, f"missing section {category!r}")
            ok = False
            continue
        values = reader.mapping(sections[category], category) or {}
        if not values:
            reader.error(sections[category], f"{category} must list at least one value")
            ok = False
        parsed[category] = {}
        for value, node in values.items():
            label_ok, parsed[category][value] = label(reader, node, f"{category}.{value}")
            ok = ok and label_ok
    for key, node in sections.items():
        if key not in parsed:
            reader.error(node, f"unknown section {key!r}")
            ok = False
    if ok and tuple(parsed["working_groups"]) != WORKING_GROUPS:
        reader.error(root, f"working_groups must be, in this order, {', '.join(WORKING_GROUPS)}")
        ok = False
    return Labels(**parsed) if ok else None


def main(argv: list[str]) -> int:
    """Validate the directory (``python -m knowledge.directory [root]``); exit 1 on any problem."""
    root = Path(argv[1]) if len(argv) > 1 else DEFAULT_DIRECTORY
    errors = validate_directory(root)
    for error in errors:
        print(error, file=sys.stderr)
    if errors:
        return 1
    directory = load_directory(root)
    countries = {centre.country for centre in directory.centres}
    print(
        f"{root}: {len(directory.centres)} centres in {len(countries)} countries, "
        f"{len(directory.organisations)} organisations"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
