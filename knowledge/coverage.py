"""The content coverage table: conditions × topics, with the languages of each cell.

    .venv/bin/python -m knowledge coverage    # prints the Markdown table the README shows

A cell lists the languages it can be answered in: "6" when one of its entries exists in all
six, else the languages its entries have ("en fr"); empty when no entry covers it. The README's table must
equal this output (tests/test_docs.py checks it).
"""

from __future__ import annotations

from collections import defaultdict

from knowledge.entries import LANGUAGES, Entry

# Columns: the topics patients ask about, in the order of the brief (tests/answers/BRIEF.md).
COLUMNS = (
    ("overview", ("overview",)),
    ("signs", ("symptoms", "warning_signs")),
    ("inheritance", ("genetics",)),
    ("children", ("children", "school")),
    ("pregnancy", ("pregnancy",)),
    ("sport", ("sport",)),
    ("travel", ("travel",)),
    ("daily life", ("living",)),
    ("tests", ("diagnosis",)),
    ("treatment", ("treatment",)),
    ("who to see", ("who_to_see", "referral")),
)


def _cell(languages_per_entry: list[set[str]]) -> str:
    if not languages_per_entry:
        return ""
    if any(languages == set(LANGUAGES) for languages in languages_per_entry):
        return "6"
    return " ".join(language for language in LANGUAGES if language in set.union(*languages_per_entry))


def coverage_table(entries: list[Entry]) -> str:
    """The Markdown table of conditions × topics with each cell's languages."""
    languages: dict[str, set[str]] = defaultdict(set)
    cell_of: dict[str, tuple[str, str]] = {}
    for entry in entries:
        if entry.condition:
            languages[entry.id].add(entry.language)
            cell_of[entry.id] = (entry.condition, entry.topic)
    cells: dict[tuple[str, str], list[set[str]]] = defaultdict(list)
    for entry_id, (condition, topic) in cell_of.items():
        for column, topics in COLUMNS:
            if topic in topics:
                cells[(condition, column)].append(languages[entry_id])
    conditions = sorted({condition for condition, _topic in cell_of.values()})
    header = "| condition | " + " | ".join(column for column, _ in COLUMNS) + " |"
    rule = "|---" * (len(COLUMNS) + 1) + "|"
    rows = [
        f"| {condition} | " + " | ".join(_cell(cells[(condition, column)]) for column, _ in COLUMNS) + " |"
        for condition in conditions
    ]
    return "\n".join([header, rule, *rows])
