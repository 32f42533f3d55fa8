"""Train the safety model and calibrate its thresholds (``python -m safety.train``).

Reads tests/safety/train/ (labelled messages anyone may read) and the NLU examples in
data/nlu/ (ordinary patient messages; `express_distress` as distress without intent), fits
the two linear heads with scikit-learn, then sets the thresholds on tests/safety/dev/,
recall first. Never reads tests/safety/blind/. Writes into $SAFETY_MODEL_DIR (default
var/safety/) and skips the work when none of its inputs changed.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import numpy as np
import yaml
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression

from common.tfidf import TfidfSpace
from safety.assess import DEFAULT_MODEL_DIR, load_model, rule_vetoed
from safety.features import features, words
from safety.kinds import DISTRESS, ORDINARY, SUICIDAL
from safety.labelled import SETS_DIR, Labelled, load_set
from safety.model import THRESHOLDS_FILE, VOCABULARY_FILE, WEIGHTS_FILE, Prediction, SafetyModel, Thresholds
from safety.rules import RedFlag, read

ROOT = Path(__file__).resolve().parents[1]
NLU_DIR = ROOT / "data" / "nlu"
HASH_FILE = "inputs.sha256"
MIN_DOCUMENTS = 2  # a feature seen in fewer training messages is dropped
EMERGENCY_C = 16.0  # inverse regularisation of the emergency head (best dev ROC AUC of 1, 4, 16, 64)
KIND_C = 8.0  # inverse regularisation of the kind head
EMERGENCY_WEIGHT = 2.0  # an emergency counts this much more than a near-miss: recall first
TARGET_RECALL = 0.99  # dev recall the ask threshold must reach (emergency message or question)
ALARM_MAX_FPR = 0.01  # dev near-misses allowed the emergency message at once
# The safety question covers at least [ask, ask + ASK_BAND): leaving each training batch out
# in turn, as many emergencies as near-misses score in 0.5-0.6 (101 and 101 of 5,746 and
# 8,884), so a question there beats an alarm or silence.
ASK_BAND = 0.1
WATCH_FRACTION = 0.5  # `watch` = this share of `ask`: remembered for a second mention
SUICIDAL_FLOOR = 0.15  # the suicidal threshold never goes below this (distress must not trip it)
# ... nor above this: leaving each training batch out, 0.2 asks 106 of the 177 suicidal
# messages that rules and emergency score leave to the kind head (0.45 would ask 23), for 66
# of 9,900 near-misses. Dev alone cannot set it once no dev suicidal message is left to it.
SUICIDAL_CEILING = 0.2
HIGH_RISK_FACTOR = 0.6  # thresholds scale for pain, bleeding, breathlessness in vEDS/Marfan/LDS


def _inputs() -> list[Path]:
    folders = [SETS_DIR / "train", SETS_DIR / "dev", NLU_DIR, ROOT / "safety"]
    paths = (p for folder in folders for p in folder.rglob("*") if p.is_file())
    return sorted(p for p in paths if "__pycache__" not in p.parts)


def inputs_hash() -> str:
    """SHA-256 over the training inputs and the safety code."""
    digest = hashlib.sha256()
    for path in _inputs():
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def nlu_messages() -> list[Labelled]:
    """The Rasa NLU examples as ordinary messages (express_distress as distress)."""
    messages = []
    for path in sorted(NLU_DIR.glob("*.yml")):
        language = path.stem
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            intent = block.get("intent")
            if not intent or intent == "emergency":
                continue
            kind = DISTRESS if intent == "express_distress" else ORDINARY
            for line in str(block.get("examples", "")).splitlines():
                text = line.strip().removeprefix("- ").strip()
                if text:
                    messages.append(Labelled(text, language, False, kind))
    return messages


def _matrix(messages: list[Labelled]) -> tuple[csr_matrix, list[str], np.ndarray]:
    counted = [features(m.text, read(m.text).signals) for m in messages]
    space = TfidfSpace.fit(counted, MIN_DOCUMENTS)
    return space.matrix(counted), space.names, space.idf


def fit(messages: list[Labelled], directory: Path) -> None:
    """Fit both heads on ``messages`` and write the weights and vocabulary into ``directory``."""
    matrix, vocabulary, idf = _matrix(messages)
    y_emergency = np.array([m.emergency for m in messages])
    weights = {True: EMERGENCY_WEIGHT, False: 1.0}
    emergency = LogisticRegression(C=EMERGENCY_C, max_iter=3000, class_weight=weights)
    emergency.fit(matrix, y_emergency)
    kinds = LogisticRegression(C=KIND_C, max_iter=3000)
    kinds.fit(matrix, [m.kind for m in messages])
    directory.mkdir(parents=True, exist_ok=True)
    (directory / VOCABULARY_FILE).write_text("\n".join(vocabulary), encoding="utf-8")
    np.savez_compressed(
        directory / WEIGHTS_FILE,
        idf=idf,
        emergency_weights=emergency.coef_[0].astype(np.float32),
        emergency_bias=np.float32(emergency.intercept_[0]),
        kind_weights=kinds.coef_.astype(np.float16),
        kind_bias=kinds.intercept_.astype(np.float32),
        kinds=np.array(kinds.classes_),
    )


def _rule_fires(message: Labelled, flag: RedFlag | None, prediction: Prediction) -> bool:
    return flag is not None and not rule_vetoed(flag, prediction, len(words(message.text)))


def calibrate(model: SafetyModel, dev: list[Labelled]) -> Thresholds:
    """Thresholds from the dev set: `ask` reaches TARGET_RECALL (rules included), `emergency`
    keeps the immediate alarm on at most ALARM_MAX_FPR of near-misses and leaves the safety
    question at least ASK_BAND."""
    readings = [read(m.text) for m in dev]
    predictions = [model.predict(m.text, r.signals) for m, r in zip(dev, readings, strict=True)]
    scored = [
        (m, prediction.emergency, _rule_fires(m, reading.flag, prediction))
        for m, prediction, reading in zip(dev, predictions, readings, strict=True)
    ]
    emergencies = [(p, hit) for m, p, hit in scored if m.emergency]
    near = sorted((p for m, p, hit in scored if not m.emergency and not hit), reverse=True)
    missed_by_rules = sorted((p for p, hit in emergencies if not hit), reverse=True)
    allowed_misses = int(len(emergencies) * (1 - TARGET_RECALL))
    ask = missed_by_rules[len(missed_by_rules) - allowed_misses - 1] if missed_by_rules else 0.5
    ask = max(0.01, min(ask, 0.5))
    allowed_alarms = int(len(near) * ALARM_MAX_FPR)
    emergency = max(near[allowed_alarms] + 1e-4 if len(near) > allowed_alarms else ask, ask + ASK_BAND)
    # suicidal intent the emergency head misses: the kind head's probability that still asks
    suicidal = [
        prediction.kinds.get(SUICIDAL, 0.0)
        for (m, p, hit), prediction in zip(scored, predictions, strict=True)
        if m.kind == SUICIDAL and not hit and p < ask
    ]
    return Thresholds(
        emergency=round(emergency, 4),
        ask=round(ask, 4),
        watch=round(ask * WATCH_FRACTION, 4),
        suicidal=round(max(SUICIDAL_FLOOR, min(min(suicidal, default=1.0) * 0.9, SUICIDAL_CEILING)), 4),
        high_risk_factor=HIGH_RISK_FACTOR,
    )


def build(directory: Path = DEFAULT_MODEL_DIR, force: bool = False) -> bool:
    """Train and calibrate unless the inputs are unchanged; True when it trained."""
    digest = inputs_hash()
    if not force and (directory / HASH_FILE).exists() and (directory / HASH_FILE).read_text() == digest:
        print(f"==> safety model in {directory} is up to date")
        return False
    messages = load_set("train") + nlu_messages()
    print(f"==> training the safety model on {len(messages)} messages")
    fit(messages, directory)
    provisional = Thresholds(
        emergency=0.5, ask=0.5, watch=0.25, suicidal=1.0, high_risk_factor=HIGH_RISK_FACTOR
    )
    (directory / THRESHOLDS_FILE).write_text(json.dumps(provisional.to_dict()), encoding="utf-8")
    thresholds = calibrate(SafetyModel.load(directory), load_set("dev"))
    (directory / THRESHOLDS_FILE).write_text(json.dumps(thresholds.to_dict(), indent=2), encoding="utf-8")
    (directory / HASH_FILE).write_text(digest)
    load_model.cache_clear()
    print(f"==> safety thresholds (dev): {thresholds.to_dict()}")
    return True


def main(argv: list[str]) -> int:
    """``python -m safety.train [--force] [directory]``."""
    force = "--force" in argv
    paths = [a for a in argv[1:] if not a.startswith("--")]
    build(Path(paths[0]) if paths else DEFAULT_MODEL_DIR, force)
    return 0


__all__ = ["build", "calibrate", "fit", "inputs_hash", "nlu_messages"]

if __name__ == "__main__":
    sys.exit(main(sys.argv))
