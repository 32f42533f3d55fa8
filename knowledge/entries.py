"""Curated entries: load every file and check it against docs/knowledge-entries.md.

    Entry             one valid entry file (`knowledge/content/<group>/<id>.<lang>.yml`)
    Problem           one rejection, printed as `path:line: message`
    entry_files()     the entry files of a content directory, sorted
    load_entries()    parse and check each file, then ids and FR/EN pairs across files
    content_hash()    fingerprint of the entry files, which tells when an index is stale

Line numbers come from the marks of `yaml.compose`, so each message points at the field
(or, for a missing field, at the first line of the file).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from common.groups import WORKING_GROUPS
from common.languages import LANGUAGES
from knowledge.sources import source_problem

# The languages an entry may be written in; every entry exists in the first two (REQUIRED_LANGUAGES),
# the others hold translations of some entries (the overview and warning signs at least).
REQUIRED_LANGUAGES = ("en", "fr")
# VASCERN working-group codes, used everywhere (data, API, tests).
DISEASES = WORKING_GROUPS
# Folder of network-wide content, the only place where `disease` may be null.
GENERAL_GROUP = "general"
# The topics of docs/knowledge-entries.md.
TOPICS = (
    "overview", "symptoms", "warning_signs", "diagnosis", "genetics", "treatment",
    "who_to_see", "living", "pregnancy", "sport", "children", "travel", "school",
    "network", "referral", "assistant", "privacy",
)  # fmt: skip
# Conditions: the ids of shared/vascern-facts/diseases.yaml plus the extra ones the
# format document allows (copied here: shared/ is not part of the repository).
CONDITIONS = (
    "hht", "marfan", "loeys_dietz", "htad_general", "veds", "scad_fmd",
    "primary_lymphoedema", "infantile_haemangioma", "venous_malformation",
    "capillary_malformation", "lymphatic_and_av_malformations", "cadasil", "moyamoya",
    "cerebral_cavernous_malformation", "childhood_stroke",
    "ftaad", "arterial_tortuosity", "fmd", "scad", "lymphatic_malformation", "avm",
    "overgrowth", "klippel_trenaunay", "pros", "sturge_weber", "cm_avm", "milroy",
    "lymphoedema_distichiasis", "brain_avm",
)  # fmt: skip
# Every field but `condition` must be present (docs/knowledge-entries.md).
REQUIRED_FIELDS = ("id", "language", "disease", "topic", "title", "reviewed", "sources", "body")
OPTIONAL_FIELDS = ("condition",)
# The FR and EN files of one id must agree on these.
PAIRED_FIELDS = ("disease", "condition", "topic", "reviewed", "sources")
# Bodies are written for 50-110 words; past 130 they no longer fit one short answer.
MAX_BODY_WORDS = 130
# Lower-case slug, the same in both languages.
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# `<id>.<lang>.yml`, read when a file is too broken to give its own id and language.
FILE_NAME_PATTERN = re.compile(r"^(?P<id>[a-z0-9]+(?:-[a-z0-9]+)*)\.(?P<language>en|fr|de|it|es|nl)\.yml$")
# Sources must be web addresses patients can open.
# Only these files are entries; anything else under content/ is ignored.
ENTRY_SUFFIXES = (".yml", ".yaml")


@dataclass(frozen=True)
class Problem:
    """One reason an entry is rejected."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{_display(self.path)}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Entry:
    """One valid entry file."""

    id: str
    language: str
    disease: str | None
    condition: str | None
    topic: str
    title: str
    reviewed: date
    sources: tuple[str, ...]
    body: str
    path: Path
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)


def _display(path: Path) -> str:
    """The path relative to the working directory when it lies below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def entry_files(content_dir: Path) -> list[Path]:
    """Every entry file under `content_dir`, sorted, hidden files left out."""
    if not content_dir.is_dir():
        return []
    return sorted(
        path
        for path in content_dir.rglob("*")
        if path.is_file()
        and path.suffix in ENTRY_SUFFIXES
        and not any(part.startswith(".") for part in path.relative_to(content_dir).parts)
    )


def content_hash(content_dir: Path) -> str:
    """SHA-256 over the entry files' relative paths and bytes, in sorted order."""
    digest = hashlib.sha256()
    for path in entry_files(content_dir):
        digest.update(path.relative_to(content_dir).as_posix().encode("utf-8"))
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def _compose(path: Path) -> tuple[yaml.Node | None, list[Problem]]:
    """The YAML node tree of a file, or the problem that stops reading it."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        return None, [Problem(path, 1, f"not UTF-8 text ({error.reason})")]
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        reason = error.problem or error.context or "unreadable"
        return None, [Problem(path, line, f"broken YAML: {reason}")]
    except yaml.YAMLError as error:
        position = getattr(error, "position", 0)
        line = text[:position].count("\n") + 1
        return None, [Problem(path, line, f"broken YAML: {error}")]
    if node is None:
        return None, [Problem(path, 1, "empty file")]
    if not isinstance(node, yaml.MappingNode):
        return None, [Problem(path, node.start_mark.line + 1, "expected a mapping of fields")]
    return node, []


def _fields(path: Path, node: yaml.MappingNode) -> tuple[dict[str, Any], dict[str, int], list[Problem]]:
    """Field values and their line numbers; unknown and repeated fields are problems."""
    constructor = yaml.SafeLoader("")
    values: dict[str, Any] = {}
    lines: dict[str, int] = {}
    problems: list[Problem] = []
    known = REQUIRED_FIELDS + OPTIONAL_FIELDS
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if key not in known:
            problems.append(Problem(path, line, f"unknown field {key!r} (fields: {', '.join(known)})"))
            continue
        if key in values:
            problems.append(Problem(path, line, f"field {key!r} given twice (first on line {lines[key]})"))
            continue
        try:
            values[key] = constructor.construct_object(value_node, deep=True)
        except yaml.YAMLError as error:
            problems.append(Problem(path, line, f"unreadable value for {key!r}: {error}"))
            continue
        lines[key] = line
    return values, lines, problems


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _reviewed(value: Any) -> date | None:
    """The review date, from a YAML date or an ISO string; None when invalid."""
    if isinstance(value, datetime):
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _check_values(path: Path, values: dict[str, Any], lines: dict[str, int]) -> list[Problem]:
    """Problems with the values of one file's fields, each at the field's line."""
    problems: list[Problem] = []

    def reject(key: str, message: str) -> None:
        problems.append(Problem(path, lines.get(key, 1), message))

    for key in REQUIRED_FIELDS:
        if key not in values:
            reject(key, f"missing field {key!r}")
        elif key != "disease" and values[key] in (None, "", [], {}):
            reject(key, f"field {key!r} is empty")
    entry_id = values.get("id")
    if entry_id is not None and not (isinstance(entry_id, str) and ID_PATTERN.match(entry_id)):
        reject("id", f"id {entry_id!r} is not a lower-case slug (like hht-nosebleeds)")
    if values.get("language") is not None and values["language"] not in LANGUAGES:
        reject("language", f"language {values['language']!r} is not one of {', '.join(LANGUAGES)}")
    if values.get("disease") is not None and values["disease"] not in DISEASES:
        reject(
            "disease", f"unknown disease code {values['disease']!r} (codes: {', '.join(DISEASES)}, or null)"
        )
    if values.get("condition") is not None and values["condition"] not in CONDITIONS:
        reject("condition", f"unknown condition {values['condition']!r} (see docs/knowledge-entries.md)")
    if values.get("topic") is not None and values["topic"] not in TOPICS:
        reject("topic", f"unknown topic {values['topic']!r} (topics: {', '.join(TOPICS)})")
    for key in ("title", "body"):
        if values.get(key) is not None and not _is_text(values[key]):
            reject(key, f"field {key!r} must be non-empty text")
    if values.get("reviewed") is not None and _reviewed(values["reviewed"]) is None:
        reject("reviewed", f"reviewed {values['reviewed']!r} is not an ISO date (YYYY-MM-DD)")
    sources = values.get("sources")
    if sources is not None:
        if not isinstance(sources, list):
            reject("sources", "sources must be a list of URLs")
        else:
            for source in sources:
                problem = source_problem(source)
                if problem is not None:
                    reject("sources", f"source {source!r} breaks the source policy: {problem}")
    body = values.get("body")
    if _is_text(body) and len(body.split()) > MAX_BODY_WORDS:
        reject("body", f"body has {len(body.split())} words, more than {MAX_BODY_WORDS}")
    return problems


def _check_place(
    path: Path, content_dir: Path, values: dict[str, Any], lines: dict[str, int]
) -> list[Problem]:
    """The file must be `<group>/<id>.<lang>.yml`, in the folder of its disease group."""
    problems: list[Problem] = []
    entry_id, language = values.get("id"), values.get("language")
    if isinstance(entry_id, str) and isinstance(language, str):
        expected = f"{entry_id}.{language}.yml"
        if path.name != expected:
            problems.append(Problem(path, lines.get("id", 1), f"file name must be {expected}"))
    if "disease" not in values:
        return problems
    disease = values["disease"]
    if disease is not None and disease not in DISEASES:
        return problems
    group = disease.lower() if disease else GENERAL_GROUP
    relative = path.relative_to(content_dir)
    if len(relative.parts) != 2 or relative.parts[0] != group:
        if disease is None:
            message = f"disease may be null only under {GENERAL_GROUP}/ (file is in {relative.parent}/)"
        else:
            message = f"a {disease} entry belongs in {group}/, not {relative.parent}/"
        problems.append(Problem(path, lines.get("disease", 1), message))
    return problems


@dataclass(frozen=True)
class _Checked:
    """What checking one file gives: the entry if valid, its key if readable, problems."""

    entry: Entry | None
    key: tuple[str, str] | None
    key_line: int
    problems: list[Problem]


def _check_file(path: Path, content_dir: Path) -> _Checked:
    """Parse one file and check its fields, values, name and folder."""
    node, problems = _compose(path)
    if node is None:  # unreadable: its name still tells which pair it belongs to
        named = FILE_NAME_PATTERN.match(path.name)
        return _Checked(None, (named["id"], named["language"]) if named else None, 1, problems)
    values, lines, problems = _fields(path, node)
    problems += _check_values(path, values, lines)
    problems += _check_place(path, content_dir, values, lines)
    entry_id, language = values.get("id"), values.get("language")
    readable = isinstance(entry_id, str) and language in LANGUAGES
    key = (entry_id, language) if readable else None
    if problems:
        return _Checked(None, key, lines.get("id", 1), problems)
    entry = Entry(
        id=values["id"],
        language=values["language"],
        disease=values["disease"],
        condition=values.get("condition"),
        topic=values["topic"],
        title=values["title"].strip(),
        reviewed=_reviewed(values["reviewed"]),
        sources=tuple(values["sources"]),
        body=values["body"].strip(),
        path=path,
        lines=lines,
    )
    return _Checked(entry, key, lines["id"], [])


def _check_pairs(seen: dict[tuple[str, str], Path], entries: list[Entry]) -> list[Problem]:
    """Every id in the required languages, and every translation agreeing with the English
    entry on the paired fields."""
    problems: list[Problem] = []
    for (entry_id, _language), path in sorted(seen.items()):
        for other in REQUIRED_LANGUAGES:
            if (entry_id, other) not in seen:
                expected = path.parent / f"{entry_id}.{other}.yml"
                problems.append(
                    Problem(path, 1, f"no {other} version of {entry_id!r} (expected {_display(expected)})")
                )
    by_key = {(entry.id, entry.language): entry for entry in entries}
    for (entry_id, language), entry in sorted(by_key.items()):
        if language == LANGUAGES[0]:
            continue
        reference = by_key.get((entry_id, LANGUAGES[0]))
        if reference is None:
            continue
        for key in PAIRED_FIELDS:
            mine, theirs = getattr(entry, key), getattr(reference, key)
            if mine != theirs:
                problems.append(
                    Problem(
                        entry.path,
                        entry.lines.get(key, 1),
                        f"{key} differs from its {reference.language} pair "
                        f"{_display(reference.path)} ({_show(mine)} here, {_show(theirs)} there)",
                    )
                )
    return problems


def _show(value: Any) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(value) + "]"
    return "null" if value is None else str(value)


def load_entries(content_dir: Path) -> tuple[list[Entry], list[Problem]]:
    """All valid entries of `content_dir` and every problem found, in file order."""
    entries: list[Entry] = []
    problems: list[Problem] = []
    seen: dict[tuple[str, str], Path] = {}
    for path in entry_files(content_dir):
        checked = _check_file(path, content_dir)
        problems += checked.problems
        key = checked.key
        if key is not None and key in seen:
            message = f"duplicate id {key[0]!r} for language {key[1]} (also in {_display(seen[key])})"
            problems.append(Problem(path, checked.key_line, message))
            continue
        if key is not None:
            seen[key] = path
        if checked.entry is not None:
            entries.append(checked.entry)
    problems += _check_pairs(seen, entries)
    return entries, problems
