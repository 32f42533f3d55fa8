"""The kinds of message the safety layer tells apart, shared by the labelled sets, the model,
the decision and the emergency messages.

Emergency kinds are what may be happening now; near-miss kinds look like emergencies but are
not (questions, negations, the past...); ``ordinary`` is every other patient message (used in
training only). Rule categories (safety/rules.py) are coarser than kinds.
"""

from __future__ import annotations

EMERGENCY_KINDS = (
    "aortic_dissection",
    "adult_stroke",
    "child_stroke",
    "seizure",
    "airway",
    "gi_bleed",
    "nosebleed_shock",
    "haemoptysis",
    "arterial_bleed",
    "limb_ischaemia",
    "collapse",
    "pregnancy",
    "sepsis",
    "cardiac_chest_pain",
    "pneumothorax",
    "vision_loss",
    "sudden_headache",
    "suicidal",
)
NEAR_MISS_KINDS = (
    "warning_signs_question",
    "family_history",
    "negation",
    "past_event",
    "chronic_stable",
    "hypothetical",
    "idiom",
    "fear_no_symptoms",
    "distress_no_intent",
)
ORDINARY = "ordinary"
ALL_KINDS = EMERGENCY_KINDS + NEAR_MISS_KINDS + (ORDINARY,)
SUICIDAL = "suicidal"
# The rule category of suicidal intent and self-harm (safety/rules.py), the one kind it stands for.
SELF_HARM = "self_harm"
DISTRESS = "distress_no_intent"

# The kind a rule category stands for when the model names none of its family.
RULE_CATEGORY_KIND = {
    "dissection_rupture": "aortic_dissection",
    "stroke": "adult_stroke",
    "bleeding": "gi_bleed",
    "limb_ischaemia": "limb_ischaemia",
    "unconscious": "collapse",
    "pregnancy": "pregnancy",
    "seizure": "seizure",
    SELF_HARM: SUICIDAL,
}
# Kinds a rule category may be more precisely (the model picks among them).
RULE_CATEGORY_FAMILY = {
    "dissection_rupture": ("aortic_dissection", "cardiac_chest_pain", "pneumothorax"),
    "stroke": ("adult_stroke", "child_stroke", "vision_loss", "sudden_headache", "seizure"),
    "bleeding": ("gi_bleed", "nosebleed_shock", "haemoptysis", "arterial_bleed"),
    "limb_ischaemia": ("limb_ischaemia",),
    "unconscious": ("collapse", "seizure"),
    "pregnancy": ("pregnancy",),
    "seizure": ("seizure",),
    SELF_HARM: (SUICIDAL,),
}
# Pain, bleeding and breathlessness: someone with vascular Ehlers-Danlos, Marfan or
# Loeys-Dietz gets a lower threshold for these (issue 13; the VASCERN facts for these
# diseases list sudden pain, bleeding and breathlessness as reasons to call).
HIGH_RISK_KINDS = frozenset(
    {
        "aortic_dissection",
        "cardiac_chest_pain",
        "pneumothorax",
        "gi_bleed",
        "nosebleed_shock",
        "haemoptysis",
        "arterial_bleed",
        "limb_ischaemia",
        "pregnancy",
    }
)


def is_emergency_kind(kind: str) -> bool:
    """Whether ``kind`` is one of the emergency kinds."""
    return kind in EMERGENCY_KINDS
