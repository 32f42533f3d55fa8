"""A ticket's life, as an explicit state machine: open → assigned → closed.

open ──assign──▶ assigned ──close──▶ closed
  ▲  ◀─release──    │                  │
  └────────────reopen──────────────────┘   (open can also be closed directly)
"""

from __future__ import annotations

OPEN, ASSIGNED, CLOSED = "open", "assigned", "closed"
STATES = (OPEN, ASSIGNED, CLOSED)
# (state, action) → next state; anything else is refused.
TRANSITIONS: dict[tuple[str, str], str] = {
    (OPEN, "assign"): ASSIGNED,
    (ASSIGNED, "assign"): ASSIGNED,  # another moderator takes it over
    (ASSIGNED, "release"): OPEN,
    (OPEN, "close"): CLOSED,
    (ASSIGNED, "close"): CLOSED,
    (CLOSED, "reopen"): OPEN,
}
ACTIONS = tuple(sorted({action for _, action in TRANSITIONS}))


class TransitionError(ValueError):
    """The action is not allowed in the ticket's state."""


def next_state(state: str, action: str) -> str:
    """The state after `action`, or TransitionError."""
    try:
        return TRANSITIONS[(state, action)]
    except KeyError:
        raise TransitionError(f"a ticket that is {state} cannot be {action}ed") from None
