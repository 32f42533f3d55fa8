"""The network's working-group codes (ARCHITECTURE.md), used in data, API and tests."""

from __future__ import annotations

WORKING_GROUPS = ("HHT", "HTAD", "MSA", "PPL", "VASCA", "NEUROVASC")
# The `disease` value for a named disease that no working group covers.
OUTSIDE_NETWORK = "other"
