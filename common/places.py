"""Place codes wider than a country, shared by the place finder, the directory and the finder."""

from __future__ import annotations

# Europe as a whole: a patient's "anywhere in Europe"; also the `country` of European
# patient organisations in knowledge/directory/organisations.yml.
EUROPE = "EU"


def is_country(code: str | None) -> bool:
    """Whether ``code`` names one country rather than Europe as a whole (or nothing)."""
    return bool(code) and code.upper() != EUROPE
