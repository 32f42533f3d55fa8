"""Serve a model that has no TensorFlow component without loading TensorFlow.

Rasa 3.6 imports TensorFlow at start-up whatever the model (its featurizers, policies and
training utilities import it at module level): about 420 MB of resident memory and 2.6 s of
start-up, although this project's pipeline and policies run no TensorFlow code
(config.yml: no DIET, TED or ResponseSelector). `install()` puts placeholder modules in
front of TensorFlow and its companions, so that Rasa's modules import and define their
classes; calling into a placeholder at run time raises `TensorFlowNotLoaded`.

`needs_tensorflow(model)` reads a trained model's component list before anything is
imported; bot/serve.py installs the placeholders only when it is False, so a model with a
TensorFlow component is served with the real library (or set RASA_LOAD_TENSORFLOW=1).
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import json
import sys
import tarfile
from pathlib import Path
from types import ModuleType
from typing import Any

# Top-level packages replaced: TensorFlow and the packages only TensorFlow models use.
REPLACED = ("tensorflow", "tensorflow_addons", "tensorflow_hub", "tensorflow_text", "keras", "tensorboard")
# Rasa components (graph node classes) that run TensorFlow.
TENSORFLOW_COMPONENTS = (
    "DIETClassifier",
    "ResponseSelector",
    "TEDPolicy",
    "UnexpecTEDIntentPolicy",
    "LanguageModelFeaturizer",
    "ConveRTFeaturizer",
    "HFTransformersNLP",
)
# Attributes read as plain values when Rasa's modules are imported.
VERSION = "2.12.0"


class TensorFlowNotLoaded(RuntimeError):
    """Raised when code calls TensorFlow in a process served without it."""


class _PlaceholderType(type):
    """Every attribute of a placeholder is another placeholder class: `tf.keras.Model` can
    be subclassed, `tf.float32` used as a default value, `tf.Tensor` in a type hint."""

    def __getattr__(cls, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return _placeholder(f"{cls.__qualname__}.{name}")

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        # decorators used at class definition: @tf.function, @tf.function(...), @tf.autograph...
        if len(args) == 1 and not kwargs and callable(args[0]):
            return args[0]
        if not args and kwargs:
            return lambda function: function
        raise TensorFlowNotLoaded(f"{cls.__qualname__} called, but TensorFlow is not loaded in this process")


def _placeholder(name: str) -> type:
    return _PlaceholderType(name, (), {"__module__": "tensorflow", "__qualname__": name})


class _PlaceholderModule(ModuleType):
    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return _placeholder(f"{self.__name__}.{name}")


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(
        self, fullname: str, path: Any, target: Any = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname.split(".")[0] not in REPLACED:
            return None
        return importlib.machinery.ModuleSpec(fullname, self, is_package=True)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        module = _PlaceholderModule(spec.name)
        module.__path__ = []
        module.__version__ = VERSION
        return module

    def exec_module(self, module: ModuleType) -> None:
        return None


def model_components(model: Path) -> set[str]:
    """The class names of a trained model's graph nodes (Rasa's .tar.gz, metadata.json)."""
    with tarfile.open(model, "r:gz") as archive:
        member = next(m for m in archive.getmembers() if m.name.lstrip("./") == "metadata.json")
        metadata = json.load(archive.extractfile(member))  # type: ignore[arg-type]
    schemas = (metadata["train_schema"], metadata["predict_schema"])
    return {node["uses"].rsplit(".", 1)[-1] for schema in schemas for node in schema["nodes"].values()}


def needs_tensorflow(model: Path) -> bool:
    """Whether a trained model has a component that runs TensorFlow (unreadable: yes)."""
    try:
        components = model_components(model)
    except (OSError, KeyError, StopIteration, tarfile.TarError, TypeError, ValueError):
        return True
    return bool(components & set(TENSORFLOW_COMPONENTS))


def install() -> None:
    """Put the placeholders in front of TensorFlow; before Rasa is imported."""
    loaded = [name for name in sys.modules if name.split(".")[0] in REPLACED]
    if loaded:
        raise RuntimeError(f"TensorFlow is already imported ({loaded[0]})")
    sys.meta_path.insert(0, _Finder())
