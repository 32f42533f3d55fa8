"""Contact details for a human answer (actions/handoff.py)."""

from __future__ import annotations

import pytest

from actions.handoff import find_contact


@pytest.mark.parametrize(
    ("text", "contact"),
    [
        ("marie.dupont@example.org", "marie.dupont@example.org"),
        ("vous pouvez m'écrire à jean+vascern@mail.fr merci", "jean+vascern@mail.fr"),
        ("+33 6 12 34 56 78", "+33 6 12 34 56 78"),
        ("call me on 0612345678 please", "0612345678"),
        ("my number is 123", None),
        ("no thanks", None),
    ],
)
def test_an_email_or_phone_number_is_recognised(text, contact):
    assert find_contact(text) == contact
