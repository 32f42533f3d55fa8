"""Rasa finds the class of every stored event by walking all subclasses of `Event` (and
checking each for abstract methods) once per event: each turn deserialises the whole tracker,
so this walk was a tenth of Rasa's CPU under load (bench/profile.py). `install()` makes
`Event.resolve_by_type` remember the class of each type name it has resolved; a name it has
not seen is resolved by Rasa's own walk, so event classes defined later are still found.
"""

from __future__ import annotations

from rasa.shared.core.events import Event

_resolve = Event.resolve_by_type


def install() -> None:
    """Replace Event.resolve_by_type by a remembering one (same answers, same errors)."""
    known: dict[str, type[Event] | None] = {}

    def resolve_by_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
        if type_name in known:
            return known[type_name]
        try:
            resolved = _resolve(type_name)
        except ValueError:  # unknown: the default, or Rasa's error
            return _resolve(type_name, default)
        known[type_name] = resolved
        return resolved

    Event.resolve_by_type = staticmethod(resolve_by_type)  # type: ignore[method-assign]
