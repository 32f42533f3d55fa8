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
- ``CentreSearch`` a centre query's result; the records (``Centre``, ``Organisation``,
  ``Labels``) are in knowledge/directory_records.py.

Nothing about VASCERN is written here: every centre, organisation and label lives in
the YAML files, whose headers explain each field. The assistant must answer from these records
only, so every record carries its source URLs.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import babel

from common.groups import WORKING_GROUPS
from common.places import is_country
from knowledge import yaml_checks as checks
from knowledge.directory_records import LABEL_LANGUAGES, Centre, Labels, Organisation, language_code
from knowledge.lexicon import condition_ids, group_of
from knowledge.places import Place

DEFAULT_DIRECTORY = Path(__file__).resolve().parent / "directory"
CENTRES_FILE = "centres.yml"
ORGANISATIONS_FILE = "organisations.yml"
LABELS_FILE = "labels.yml"

# Mean Earth radius, for great-circle (haversine) distances between city coordinates.
EARTH_RADIUS_KM = 6371.0


class DirectoryError(ValueError):
    """The directory YAML is invalid; ``errors`` holds one "file:line: problem" string each."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


# A centre abroad is listed beside the country's own when it is this close to the place (a
# cross-border option: Lille -> Brussels, Zürich -> Milan) ...
CROSS_BORDER_KM = 400.0
# ... and, when the country has no centre of the group, when it is at most this much farther
# than the nearest one (from Lisbon: Spain's, not five centres 1,400 km away or more).
DETOUR_KM = 500.0


@dataclass(frozen=True)
class CentreSearch:
    """Result of ``Directory.find_centres``: centres nearest first, national ones before foreign
    ones; or, ``across_europe`` (the place is Europe), one per country."""

    group: str
    place: Place
    in_country: bool
    items: list[Centre]
    distances_km: list[float]
    across_europe: bool = False


@dataclass(frozen=True)
class Directory:
    """All directory data, validated, with the queries the assistant needs."""

    centres: tuple[Centre, ...]
    organisations: tuple[Organisation, ...]
    labels: Labels

    def find_centres(self, group: str, place: Place, limit: int = 5) -> CentreSearch:
        """Centres of ``group`` in ``place``'s country first, then the ones abroad within a
        sensible distance (``CROSS_BORDER_KM``, or ``DETOUR_KM`` beyond the nearest when the
        country has none), each by distance from ``place``."""
        self._check_group(group)
        if not is_country(place.country):
            return self._centres_across_europe(group, place, limit)
        distance = {c.id: haversine_km(place.lat, place.lon, c.lat, c.lon) for c in self.centres}
        of_group = sorted(
            (c for c in self.centres if group in c.working_groups), key=lambda c: distance[c.id]
        )
        national = [c for c in of_group if c.country == place.country]
        abroad = [c for c in of_group if c.country != place.country]
        reach = CROSS_BORDER_KM if national else (distance[abroad[0].id] + DETOUR_KM if abroad else 0.0)
        items = (national + [c for c in abroad if distance[c.id] <= reach])[:limit]
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
        return CentreSearch(group, place, False, items, distances, across_europe=True)

    def find_organisations(
        self, group: str, country: str | None, condition: str | None = None, limit: int = 6
    ) -> list[Organisation]:
        """Organisations of ``group``: the national ones of ``country`` first, then the EU/INT
        ones; with ``condition`` known, not those for other conditions of the group only."""
        self._check_group(group)
        links = list(self.labels.vascern_link)

        def rank(organisation: Organisation) -> tuple[int, int, str]:
            # Disease-specific groups before umbrella bodies, then the closest link to VASCERN.
            return (
                len(organisation.working_groups),
                links.index(organisation.vascern_link),
                organisation.name,
            )

        of_group = self._organisations_for(group, condition)
        wanted = country.upper() if is_country(country) else None
        national = sorted((o for o in of_group if o.country == wanted), key=rank)
        european = sorted((o for o in of_group if o.country in self.labels.scopes), key=rank)
        return (national + european)[:limit]

    def has_european_organisations(self, group: str, condition: str | None) -> bool:
        """Whether ``group`` has a European or international organisation of its own for
        ``condition`` (or, with none known, for the whole group); umbrella bodies for every
        rare disease, such as EURORDIS, do not count."""
        self._check_group(group)
        every_group = set(self.labels.groups)
        return any(
            (condition or not organisation.conditions) and set(organisation.working_groups) != every_group
            for organisation in self._organisations_for(group, condition)
            if organisation.country in self.labels.scopes
        )

    def _organisations_for(self, group: str, condition: str | None) -> list[Organisation]:
        """The organisations of ``group`` that are for ``condition`` (see ``_is_for``)."""
        return [o for o in self.organisations if group in o.working_groups and _is_for(o, group, condition)]

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
            names = babel.Locale.parse(language_code(language)).territories
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
    labels = _load_labels(checks.Reader(root / LABELS_FILE, errors))
    if labels is None:
        return None
    centres = _load_records(checks.Reader(root / CENTRES_FILE, errors), "centres", _centre_fields(labels))
    organisations = _load_records(
        checks.Reader(root / ORGANISATIONS_FILE, errors), "organisations", _organisation_fields(labels)
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


def _is_for(organisation: Organisation, group: str, condition: str | None) -> bool:
    """Whether ``organisation`` is for ``condition``, or, when it is not known, for some
    condition of ``group`` (LGD Alliance Europe works with the vascular anomalies group, but
    for Loeys-Dietz)."""
    if not organisation.conditions:
        return True
    if condition is not None:
        return condition in organisation.conditions
    return any(group_of(own) == group for own in organisation.conditions)


def _organisation(record: dict[str, Any], labels: Labels) -> Organisation:
    return Organisation(
        id=record["id"],
        name=record["name"],
        country=record["country"],
        working_groups=tuple(record["working_groups"]),
        conditions=tuple(record.get("conditions") or ()),
        vascern_link=record["vascern_link"],
        website=record.get("website"),
        phone=record.get("phone"),
        email=record.get("email"),
        sources=tuple(record["sources"]),
        labels=labels,
    )


_TEXTS = checks.list_of(checks.text)
_SOURCES = checks.list_of(checks.url, non_empty=True)


def _centre_fields(labels: Labels) -> dict[str, tuple[bool, checks.Checker]]:
    return {
        "id": (True, checks.text),
        "hospital": (True, checks.text),
        "unit": (False, checks.optional_text),
        "city": (True, checks.optional_text),
        "country": (True, checks.country_code),
        "lat": (True, checks.coordinate(90)),
        "lon": (True, checks.coordinate(180)),
        "working_groups": (True, checks.list_of(checks.choice(list(labels.working_groups), "working group"))),
        "membership": (True, checks.choice(list(labels.membership), "membership")),
        "website": (False, checks.url),
        "phone": (False, checks.number),
        "email": (False, checks.email),
        "named_experts": (False, _TEXTS),
        "notes": (False, _TEXTS),
        "sources": (True, _SOURCES),
        "source_dates": (False, _TEXTS),
    }


def _organisation_fields(labels: Labels) -> dict[str, tuple[bool, checks.Checker]]:
    scopes = frozenset(labels.scopes)
    return {
        "id": (True, checks.text),
        "name": (True, checks.text),
        "name_note": (False, checks.text),
        "aliases": (False, _TEXTS),
        "country": (True, lambda reader, node, where: checks.country_code(reader, node, where, scopes)),
        "working_groups": (
            True,
            checks.list_of(checks.choice(list(labels.working_groups), "working group"), non_empty=True),
        ),
        "conditions": (False, checks.list_of(checks.choice(condition_ids(), "condition of diseases.yml"))),
        "vascern_link": (True, checks.choice(list(labels.vascern_link), "VASCERN link")),
        "website": (False, checks.url),
        "phone": (False, checks.number),
        "email": (False, checks.email),
        "facts": (False, _TEXTS),
        "people_seen": (False, _TEXTS),
        "notes": (False, _TEXTS),
        "sources": (True, _SOURCES),
    }


def _load_records(
    reader: checks.Reader, section: str, fields: dict[str, tuple[bool, checks.Checker]]
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
    ok, records = checks.list_of(checks.record(fields))(reader, sections[section], section)
    nodes = reader.sequence(sections[section], section) or []
    seen: set[str] = set()
    for node, record in zip(nodes, records or [], strict=False):
        if record and record.get("id") in seen:
            reader.error(node, f"{section}: duplicate id {record['id']!r}")
            ok = False
        elif record and record.get("id"):
            seen.add(record["id"])
    return records if ok else None


def _load_labels(reader: checks.Reader) -> Labels | None:
    root = reader.root()
    sections = reader.mapping(root, "file") if root is not None else None
    if sections is None:
        return None
    label = checks.record({language: (True, checks.text) for language in LABEL_LANGUAGES})
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
