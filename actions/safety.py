"""Emergencies, distress and crisis lines (ARCHITECTURE.md, Safety rules 1 and 2).

`action_emergency` answers the `emergency` intent that bot/components.py sets when a red
flag is seen. Its message comes first and alone: it names the emergency number for the
patient's country (else the default for their language), gives three short instructions,
and stops any form in progress so no question follows it. Suicidal intent gets the
country's crisis lines beside the emergency number.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import resources
from actions.phrases import render, reply_language
from knowledge.directory import Emergency

SELF_HARM = "self_harm"
PHYSICAL = "physical"


def _emergency_for(tracker: Tracker) -> Emergency:
    return resources.directory().emergency(
        tracker.get_slot("country"), tracker.get_slot("user_language") or "en"
    )


def crisis_lines_text(
    emergency: Emergency, domain: DomainDict, language: str, user_language: str | None = None
) -> str:
    """The country's crisis lines in one line, or where else to find a listening ear."""
    lines = []
    for line in emergency.crisis_lines:
        details = [line.number] if line.number not in line.name else []
        details += [line.hours] if line.hours else []
        lines.append(f"{line.name} ({', '.join(details)})" if details else line.name)
    if lines:
        return "; ".join(lines)
    return render(domain, "utter_no_crisis_line", language, user_language)["text"]


def _disease_named(tracker: Tracker) -> str | None:
    """The disease group named in the emergency message itself (slots ignore that message)."""
    for entity in tracker.latest_message.get("entities", []):
        if entity.get("entity") == "disease" and entity.get("value") != "other":
            return entity["value"]
    return None


class ActionEmergency(Action):
    """Sends the emergency message first, and ends any form in progress."""

    def name(self) -> str:
        return "action_emergency"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        language = reply_language(tracker.get_slot("language"))
        user_language = tracker.get_slot("user_language")
        emergency = _emergency_for(tracker)
        flag = tracker.latest_message.get("red_flag") or {}
        if flag.get("category") == SELF_HARM:
            message = render(
                domain,
                "utter_emergency_self_harm",
                language,
                user_language,
                emergency_number=emergency.call_text(language),
                crisis_lines=crisis_lines_text(emergency, domain, language, user_language),
            )
        else:
            disease = _disease_named(tracker) or tracker.get_slot("disease")
            labels = resources.directory().labels
            hint = f" ({labels.group(disease, language)})" if disease in labels.groups else ""
            message = render(
                domain,
                "utter_emergency",
                language,
                user_language,
                emergency_number=emergency.call_text(language),
                disease_hint=hint,
            )
        message["number"] = emergency.number
        message["category"] = flag.get("category")
        dispatcher.utter_message(json_message=message)
        kind = SELF_HARM if flag.get("category") == SELF_HARM else PHYSICAL
        return [
            ActiveLoop(None),
            SlotSet("requested_slot", None),
            SlotSet("emergency_kind", kind),
            # consent given before the emergency is asked again next time
            SlotSet("handoff_consent", None),
        ]


class ActionSupport(Action):
    """A supportive reply to distress, with crisis lines and a human offered."""

    def name(self) -> str:
        return "action_support"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        language = reply_language(tracker.get_slot("language"))
        emergency = _emergency_for(tracker)
        message = render(
            domain,
            "utter_support",
            language,
            crisis_lines=crisis_lines_text(emergency, domain, language),
            emergency_number=emergency.call_text(language),
        )
        dispatcher.utter_message(json_message=message)
        return []
