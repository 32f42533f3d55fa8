"""The directory of centres and patient organisations (knowledge/directory.py)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

from common.groups import WORKING_GROUPS as GROUPS
from common.places import EUROPE
from knowledge.directory import (
    CROSS_BORDER_KM,
    DEFAULT_DIRECTORY,
    DETOUR_KM,
    DirectoryError,
    haversine_km,
    load_directory,
    validate_directory,
)
from knowledge.lexicon import group_of
from knowledge.places import find_place, place_for
from knowledge.sources import source_problem

REPO = Path(__file__).resolve().parents[2]
FACTS = REPO.parent / "shared" / "vascern-facts"
ITEM_FIELDS = {
    "name",
    "city",
    "country",
    "working_groups",
    "url",
    "phone",
    "email",
    "unit",
    "membership",
    "sources",
}


@pytest.fixture(scope="module")
def directory():
    return load_directory()


def _raw(name: str) -> dict:
    with (DEFAULT_DIRECTORY / name).open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


# --------------------------------------------------------------------------- the shipped data


def test_the_shipped_directory_is_valid():
    assert validate_directory() == []


def test_python_dash_m_knowledge_directory_validates_and_exits_zero():
    result = subprocess.run(
        [sys.executable, "-m", "knowledge.directory"], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "31 centres" in result.stdout


@pytest.mark.parametrize(
    "file_name, section",
    [
        ("centres.yml", "centres"),
        ("organisations.yml", "organisations"),
    ],
)
def test_every_record_has_sources(file_name, section):
    for record in _raw(file_name)[section]:
        assert record["sources"], record
        assert all(url.startswith(("http://", "https://")) for url in record["sources"])


def test_every_centre_has_coordinates(directory):
    for centre in directory.centres:
        assert -90 <= centre.lat <= 90 and -180 <= centre.lon <= 180, centre.id
        assert (centre.lat, centre.lon) != (0.0, 0.0), centre.id


def test_every_centre_has_a_membership_and_valid_working_groups(directory):
    for centre in directory.centres:
        assert set(centre.working_groups) <= set(GROUPS), centre.id
        assert centre.membership in directory.labels.membership


@pytest.mark.skipif(not FACTS.is_dir(), reason="shared/vascern-facts is not beside the repository")
def _has_primary_source(record: dict) -> bool:
    return any(source_problem(url) is None for url in record.get("sources") or [])


def test_every_record_of_the_facts_with_a_primary_source_is_in_the_directory(directory):
    """Records whose only sources break the source policy (an abstract aggregator, a
    document copy) stay out until a primary page is found."""
    facts_centres = yaml.safe_load((FACTS / "centres.yaml").read_text(encoding="utf-8"))
    facts_organisations = yaml.safe_load((FACTS / "patient_organisations.yaml").read_text(encoding="utf-8"))
    members = [c for c in facts_centres["centres"] if _has_primary_source(c)]
    others = [c for c in facts_centres["other_expert_centres"] if _has_primary_source(c)]
    ids = {centre.id for centre in directory.centres}
    assert {centre["id"] for centre in members} <= ids
    hospitals = {centre.hospital for centre in directory.centres}
    assert {centre["hospital"] for centre in others} <= hospitals
    assert len(directory.centres) == len(members) + len(others)
    kept = [o for o in facts_organisations["organisations"] if _has_primary_source(o) or o.get("website")]
    assert len(directory.organisations) == len(kept)


def test_other_expert_centres_are_marked_as_not_confirmed(directory):
    unconfirmed = [c for c in directory.centres if c.membership == "national_expert_centre_not_confirmed"]
    assert len(unconfirmed) == 10


# --------------------------------------------------------------------------- schema rejections

MINIMAL_CENTRES = """\
centres:
  - id: fr-lyon-test
    hospital: Test hospital
    city: Lyon
    country: FR
    lat: 45.75
    lon: 4.85
    working_groups: [HHT]
    membership: full_member
    sources:
      - https://example.org/lyon
  - id: be-gent-test
    hospital: Other hospital
    city: Gent
    country: BE
    lat: 51.05
    lon: 3.72
    working_groups: [HTAD]
    membership: affiliated_partner
    sources:
      - https://example.org/gent
"""
MINIMAL_ORGANISATIONS = """\
organisations:
  - id: eu-test
    name: Test organisation
    country: EU
    working_groups: [HHT]
    vascern_link: epag_member
    sources:
      - https://example.org/org
"""


@pytest.fixture()
def minimal_directory(tmp_path: Path) -> Path:
    shutil.copy(DEFAULT_DIRECTORY / "labels.yml", tmp_path / "labels.yml")
    (tmp_path / "centres.yml").write_text(MINIMAL_CENTRES, encoding="utf-8")
    (tmp_path / "organisations.yml").write_text(MINIMAL_ORGANISATIONS, encoding="utf-8")
    return tmp_path


def test_a_minimal_directory_loads(minimal_directory):
    directory = load_directory(minimal_directory)
    assert [centre.id for centre in directory.centres] == ["fr-lyon-test", "be-gent-test"]


def _break(root: Path, file_name: str, old: str, new: str, occurrence: int = 1) -> int:
    """Replace the ``occurrence``-th ``old`` line by ``new`` and return its 1-based line number."""
    path = root / file_name
    lines = path.read_text(encoding="utf-8").split("\n")
    matches = [index for index, line in enumerate(lines) if line.strip().removeprefix("- ") == old]
    index = matches[occurrence - 1]
    lines[index] = lines[index].replace(old, new) if new else None
    path.write_text("\n".join(line for line in lines if line is not None), encoding="utf-8")
    return index + 1


@pytest.mark.parametrize(
    "file_name, old, new, occurrence, message",
    [
        ("centres.yml", "country: FR", "country: XX", 1, "not an ISO 3166-1 alpha-2 country code"),
        ("centres.yml", "country: FR", "country: NO", 1, 'write Norway\'s code in quotes, "NO"'),
        ("centres.yml", "lat: 45.75", "lat: 145.75", 1, "must be a number between -90 and 90"),
        ("centres.yml", "lon: 4.85", "lon: east", 1, "must be a number between -180 and 180"),
        (
            "centres.yml",
            "working_groups: [HHT]",
            "working_groups: [HHX]",
            1,
            "'HHX' is not a known working group",
        ),
        (
            "centres.yml",
            "membership: full_member",
            "membership: member",
            1,
            "'member' is not a known membership",
        ),
        ("centres.yml", "id: be-gent-test", "id: fr-lyon-test", 1, "duplicate id 'fr-lyon-test'"),
        ("centres.yml", "city: Lyon", "ciyt: Lyon", 1, "unknown field 'ciyt'"),
        (
            "centres.yml",
            "https://example.org/lyon",
            "example.org/lyon",
            1,
            "breaks the source policy",
        ),
        ("organisations.yml", "country: EU", "country: Europe", 1, "'Europe' is not an ISO 3166-1 alpha-2"),
        ("organisations.yml", "working_groups: [HHT]", "working_groups: []", 1, "must not be empty"),
        (
            "organisations.yml",
            "vascern_link: epag_member",
            "vascern_link: friend",
            1,
            "not a known VASCERN link",
        ),
        (
            "organisations.yml",
            "vascern_link: epag_member",
            "conditions: [rendu]\n    vascern_link: epag_member",
            1,
            "'rendu' is not a known condition of diseases.yml",
        ),
    ],
)
def test_each_schema_rejection_names_the_file_and_the_line(
    minimal_directory, file_name, old, new, occurrence, message
):
    line = _break(minimal_directory, file_name, old, new, occurrence)
    errors = validate_directory(minimal_directory)
    expected_prefix = f"{minimal_directory / file_name}:{line}: "
    assert any(error.startswith(expected_prefix) and message in error for error in errors), errors


@pytest.mark.parametrize(
    "file_name, old, message",
    [
        ("centres.yml", "membership: full_member", "missing required field 'membership'"),
        ("organisations.yml", "vascern_link: epag_member", "missing required field 'vascern_link'"),
    ],
)
def test_a_missing_required_field_is_reported_at_its_record(minimal_directory, file_name, old, message):
    _break(minimal_directory, file_name, old, "")
    errors = validate_directory(minimal_directory)
    record_line = 2  # "  - id: ..." of the first record
    assert any(
        error.startswith(f"{minimal_directory / file_name}:{record_line}: ") and message in error
        for error in errors
    ), errors


def test_empty_sources_are_rejected(minimal_directory):
    path = minimal_directory / "centres.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("    sources:\n      - https://example.org/lyon", "    sources: []"), encoding="utf-8"
    )
    line = text.split("\n").index("    sources:") + 1
    assert any(
        f"centres.yml:{line}: " in error and "must not be empty" in error
        for error in validate_directory(minimal_directory)
    )


def test_invalid_yaml_is_reported_with_its_line(minimal_directory):
    (minimal_directory / "organisations.yml").write_text(
        "organisations:\n  - id: [unclosed\n", encoding="utf-8"
    )
    errors = validate_directory(minimal_directory)
    assert any("organisations.yml:3: invalid YAML" in error for error in errors), errors


def test_load_directory_raises_directory_error_naming_file_and_line(minimal_directory):
    line = _break(minimal_directory, "centres.yml", "country: FR", "country: XX")
    with pytest.raises(DirectoryError) as caught:
        load_directory(minimal_directory)
    assert f"centres.yml:{line}:" in str(caught.value)
    assert caught.value.errors


# --------------------------------------------------------------------------- find_centres


def test_a_vasca_search_from_lisbon_finds_none_in_portugal_and_gives_the_nearest_first(directory):
    lisbon = find_place("Lisbonne")
    search = directory.find_centres("VASCA", lisbon)
    assert lisbon.country == "PT" and search.in_country is False
    assert search.items and all(centre.country != "PT" for centre in search.items)
    assert search.distances_km == sorted(search.distances_km)
    vasca = [c for c in directory.centres if "VASCA" in c.working_groups]
    nearest = min(vasca, key=lambda c: haversine_km(lisbon.lat, lisbon.lon, c.lat, c.lon))
    assert search.items[0] == nearest


def test_centres_in_the_place_country_come_first_then_the_nearest_abroad(directory):
    search = directory.find_centres("HHT", find_place("centre HHT près de Lyon"))
    assert search.in_country is True
    assert search.items[0].id == "fr-lyon-hht"
    countries = [centre.country for centre in search.items]
    assert countries[: countries.count("FR")] == ["FR"] * countries.count("FR")
    abroad = search.distances_km[countries.count("FR") :]
    assert abroad == sorted(abroad)


def test_centres_abroad_fill_the_list_only_within_a_sensible_distance(directory):
    poitiers, lille, lisbon = find_place("Poitiers"), find_place("Lille"), find_place("Lisbonne")
    # France has HHT centres: the list is not padded with centres 500 km away or more
    assert {c.country for c in directory.find_centres("HHT", poitiers).items} == {"FR"}
    # a cross-border option near the place is still listed (Brussels from Lille)
    near_lille = directory.find_centres("PPL", lille)
    assert "BE" in {c.country for c in near_lille.items}
    pairs = zip(near_lille.items, near_lille.distances_km, strict=True)
    assert all(km <= CROSS_BORDER_KM for centre, km in pairs if centre.country != "FR")
    # Portugal has none: the nearest abroad, and only those not much farther than it
    from_lisbon = directory.find_centres("HHT", lisbon)
    assert from_lisbon.items and from_lisbon.in_country is False
    assert max(from_lisbon.distances_km) <= from_lisbon.distances_km[0] + DETOUR_KM
    everywhere = [c for c in directory.centres if "HHT" in c.working_groups]
    assert len(from_lisbon.items) < min(5, len(everywhere))


def test_a_country_without_a_city_is_measured_from_its_capital(directory):
    belgium = find_place("Marfan expert in Belgium")
    search = directory.find_centres("HTAD", belgium)
    assert belgium.city is None and search.in_country
    assert [c.country for c in search.items[:2]] == ["BE", "BE"]


def test_a_search_across_europe_gives_one_centre_per_country_the_best_provided_first(directory):
    search = directory.find_centres("VASCA", find_place("centre for vascular malformations in Europe"))
    countries = [centre.country for centre in search.items]
    assert search.across_europe and not search.in_country and len(search.items) == 5
    assert len(set(countries)) == len(countries)
    per_country = Counter(c.country for c in directory.centres if "VASCA" in c.working_groups)
    assert [per_country[c] for c in countries] == sorted((per_country[c] for c in countries), reverse=True)
    assert per_country[countries[0]] == max(per_country.values())


def test_find_centres_returns_at_most_limit_items(directory):
    assert len(directory.find_centres("HTAD", place_for("FR", None), limit=3).items) == 3


def test_an_unknown_working_group_is_an_error(directory):
    with pytest.raises(ValueError):
        directory.find_centres("XYZ", place_for("FR", None))


# --------------------------------------------------------------------------- organisations


def test_find_organisations_lists_national_ones_then_european_ones(directory):
    organisations = directory.find_organisations("HHT", "IE")
    scopes = [o.country for o in organisations]
    assert scopes[0] == "IE"
    first_european = next(index for index, scope in enumerate(scopes) if scope in ("EU", "INT"))
    assert all(scope == "IE" for scope in scopes[:first_european])
    assert all(scope in ("EU", "INT") for scope in scopes[first_european:])
    assert all("HHT" in o.working_groups for o in organisations)


def test_disease_specific_european_groups_come_before_umbrella_bodies(directory):
    ids = [o.id for o in directory.find_organisations("HHT", None)]
    assert ids.index("eu-hht-europe") < ids.index("eu-eurordis")


def test_organisations_for_europe_are_the_european_ones_each_once(directory):
    organisations = directory.find_organisations("HHT", EUROPE)
    assert organisations and {o.country for o in organisations} <= {"EU", "INT"}
    assert len({o.id for o in organisations}) == len(organisations)


def test_with_the_condition_known_organisations_for_other_conditions_of_the_group_are_left_out(directory):
    def european(group: str, condition: str | None) -> set[str]:
        return {o.id for o in directory.find_organisations(group, EUROPE, condition)}

    assert "int-the-ehlers-danlos-society" in european("MSA", "veds")
    assert "int-the-ehlers-danlos-society" not in european("MSA", "scad")
    assert "int-the-ehlers-danlos-society" in european("MSA", None)  # not known: all of the group
    assert "eu-lgd-alliance-europe" not in european("VASCA", "infantile_haemangioma")
    assert "eu-lgd-alliance-europe" not in european("VASCA", None)  # for Loeys-Dietz, an HTAD condition
    assert {"eu-lgd-alliance-europe", "eu-marfan-europe-network"} <= european("HTAD", "loeys_dietz")
    assert "eu-lgd-alliance-europe" not in european("HTAD", "marfan")


def test_without_a_country_only_european_organisations_are_given(directory):
    assert {o.country for o in directory.find_organisations("HTAD", None)} <= {"EU", "INT"}


# --------------------------------------------------------------------------- coverage and items


def test_morocco_is_outside_the_network(directory):
    morocco = find_place("Morocco")
    assert morocco is not None and morocco.country == "MA"
    assert "MA" not in directory.covered_countries()
    assert {"FR", "BE", "IT", "NL"} <= directory.covered_countries()


def test_covered_countries_can_be_asked_per_group(directory):
    assert "BE" in directory.covered_countries("VASCA")
    assert "PT" not in directory.covered_countries("VASCA")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_centre_and_organisation_items_have_exactly_the_api_fields(directory, language):
    items = [centre.to_item(language) for centre in directory.centres]
    items += [organisation.to_item(language) for organisation in directory.organisations]
    for item in items:
        assert set(item) == ITEM_FIELDS
        assert item["sources"] and all(url.startswith("http") for url in item["sources"])
        assert isinstance(item["working_groups"], list)
        assert item["membership"] and "_" not in item["membership"]


def test_membership_is_given_in_plain_words_of_the_language(directory):
    lyon = next(c for c in directory.centres if c.id == "fr-lyon-hht")
    assert lyon.to_item("en")["membership"] == "VASCERN member centre"
    assert lyon.to_item("fr")["membership"] == "Centre membre de VASCERN"
    assert lyon.to_item("de")["membership"] == "VASCERN-Mitgliedszentrum"
    assert lyon.to_item("pt")["membership"] == "VASCERN member centre"


def test_contacts_are_only_those_the_facts_give(directory):
    with_phone = {c.id for c in directory.centres if c.phone or c.email}
    assert with_phone == {"fr-boulogne-ambroise-pare"}


def test_group_labels_are_plain_words_in_english_and_french(directory):
    assert directory.labels.groups == GROUPS
    assert directory.labels.group("HHT", "en") == "Nosebleeds / Rendu-Osler (HHT)"
    assert directory.labels.group("HHT", "fr") == "Saignements de nez / maladie de Rendu-Osler (HHT)"


def test_country_names_come_from_babel_and_scopes_from_labels(directory):
    assert directory.country_name("BE", "fr") == "Belgique"
    assert directory.country_name("DE", "en") == "Germany"
    assert directory.country_name("EU", "fr") == "Europe"


def test_an_organisation_for_some_conditions_names_conditions_of_its_own_groups(directory):
    for organisation in directory.organisations:
        for condition in organisation.conditions:
            assert group_of(condition) in organisation.working_groups, (organisation.id, condition)


def test_european_organisations_of_their_own_count_for_their_conditions_only(directory):
    assert directory.has_european_organisations("HHT", None)  # HHT Europe, for the whole group
    assert directory.has_european_organisations("HTAD", None)  # Marfan Europe Network
    assert directory.has_european_organisations("HTAD", "loeys_dietz")
    assert not directory.has_european_organisations("VASCA", None)  # LGD Alliance is for Loeys-Dietz
    assert directory.has_european_organisations("MSA", "veds")  # the Ehlers-Danlos Society
    assert not directory.has_european_organisations("MSA", "scad")
    assert not directory.has_european_organisations("PPL", "milroy")  # only EURORDIS, for every group
