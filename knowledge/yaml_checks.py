"""Strict reading of a YAML file as a node tree: every problem is reported as
"file:line: message", and field checkers turn nodes into values.

    Reader(path, errors)      the file's root mapping, its nodes' values, mappings and lists
    Checker                   a field checker: (reader, node, where) -> (ok, value)
    text, optional_text, url, number, email, country_code, coordinate(limit), choice(choices,
    what), list_of(item), record(fields)
                              the checkers the directory's files are read with
                              (knowledge/directory.py); ``url`` applies the source policy.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pycountry
import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from knowledge.sources import source_problem


class Reader:
    """Reads one YAML file as a node tree and records errors as "file:line: message"."""

    def __init__(self, path: Path, errors: list[str]) -> None:
        self.path = path
        self.errors = errors
        self._constructor = yaml.constructor.SafeConstructor()

    def root(self) -> MappingNode | None:
        """The file's top-level mapping, or None after recording why it cannot be read."""
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
        """Record ``message`` at the line of ``node``."""
        self.errors.append(f"{self.path}:{node.start_mark.line + 1}: {message}")

    def value(self, node: Node) -> Any:
        """The Python value of ``node`` (safe YAML types only)."""
        return self._constructor.construct_object(node, deep=True)

    def mapping(self, node: Node, where: str) -> dict[str, Node] | None:
        """The text keys of a mapping node and their nodes; non-text and duplicate keys are errors."""
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
        """The items of a list node, or None after recording that it is not a list."""
        if not isinstance(node, SequenceNode):
            self.error(node, f"{where} must be a list")
            return None
        return list(node.value)


# A field checker reads a node and returns (ok, value); it reports its own errors.
Checker = Callable[[Reader, Node, str], "tuple[bool, Any]"]


def text(reader: Reader, node: Node, where: str) -> tuple[bool, Any]:
    """Non-empty text, stripped."""
    value = reader.value(node)
    if isinstance(value, str) and value.strip():
        return True, value.strip()
    reader.error(node, f"{where} must be non-empty text, not {value!r}")
    return False, None


def optional_text(reader: Reader, node: Node, where: str) -> tuple[bool, Any]:
    """Non-empty text, or an empty value (None)."""
    if isinstance(node, ScalarNode) and reader.value(node) is None:
        return True, None
    return text(reader, node, where)


def url(reader: Reader, node: Node, where: str) -> tuple[bool, Any]:
    """A web address the source policy accepts (knowledge/source_policy.yml)."""
    ok, value = text(reader, node, where)
    problem = source_problem(value) if ok else None
    if problem is not None:
        reader.error(node, f"{where} {value!r} breaks the source policy: {problem}")
        return False, None
    return ok, value


def number(reader: Reader, node: Node, where: str) -> tuple[bool, Any]:
    """A phone number written as quoted text with at least one digit."""
    value = reader.value(node)
    if isinstance(value, str) and value.strip() and any(char.isdigit() for char in value):
        return True, value.strip()
    reader.error(node, f'{where} must be a quoted phone number such as "112", not {value!r}')
    return False, None


def email(reader: Reader, node: Node, where: str) -> tuple[bool, Any]:
    """Text shaped like an e-mail address."""
    ok, value = text(reader, node, where)
    if ok and ("@" not in value or " " in value):
        reader.error(node, f"{where} is not an e-mail address: {value!r}")
        return False, None
    return ok, value


def country_code(
    reader: Reader, node: Node, where: str, extra: frozenset[str] = frozenset()
) -> tuple[bool, Any]:
    """An ISO 3166-1 alpha-2 country code, or one of ``extra`` (the scopes EU, INT)."""
    value = reader.value(node)
    if value is False:
        reader.error(node, f'{where} reads as false: write Norway\'s code in quotes, "NO"')
        return False, None
    if isinstance(value, str) and (value in extra or is_alpha_2(value)):
        return True, value
    allowed = f" or one of {sorted(extra)}" if extra else ""
    reader.error(node, f"{where}: {value!r} is not an ISO 3166-1 alpha-2 country code{allowed}")
    return False, None


def is_alpha_2(value: str) -> bool:
    """Whether ``value`` is an upper-case ISO 3166-1 alpha-2 code pycountry knows."""
    return len(value) == 2 and value.isupper() and pycountry.countries.get(alpha_2=value) is not None


def coordinate(limit: float) -> Checker:
    """A checker for a number between -``limit`` and ``limit`` (latitude 90, longitude 180)."""

    def check(reader: Reader, node: Node, where: str) -> tuple[bool, Any]:
        value = reader.value(node)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and -limit <= value <= limit:
            return True, float(value)
        reader.error(node, f"{where} must be a number between -{limit:g} and {limit:g}, not {value!r}")
        return False, None

    return check


def choice(choices: Any, what: str) -> Checker:
    """A checker for one of ``choices`` (``what`` names them in the error)."""

    def check(reader: Reader, node: Node, where: str) -> tuple[bool, Any]:
        value = reader.value(node)
        if isinstance(value, str) and value in choices:
            return True, value
        reader.error(node, f"{where}: {value!r} is not a known {what} ({', '.join(choices)})")
        return False, None

    return check


def list_of(item: Checker, non_empty: bool = False) -> Checker:
    """A checker for a list whose items all pass ``item`` (and, if asked, not empty)."""

    def check(reader: Reader, node: Node, where: str) -> tuple[bool, Any]:
        nodes = reader.sequence(node, where)
        if nodes is None:
            return False, None
        if non_empty and not nodes:
            reader.error(node, f"{where} must not be empty")
            return False, None
        results = [item(reader, child, f"{where}[{index}]") for index, child in enumerate(nodes)]
        return all(ok for ok, _ in results), [value for _, value in results]

    return check


def record(fields: dict[str, tuple[bool, Checker]]) -> Checker:
    """A checker for a mapping whose keys are ``fields`` (name -> (required, checker)); others are errors."""

    def check(reader: Reader, node: Node, where: str) -> tuple[bool, Any]:
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
