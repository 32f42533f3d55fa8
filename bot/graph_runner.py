"""Rasa runs its prediction graph (the NLU pipeline for each message, the policies for each
prediction) through dask's scheduler: every run selects the nodes its targets need by walking
the schema, builds a dask graph and orders it, about a tenth of Rasa's time per turn in the
profile (bench/README.md), for graphs of a dozen nodes run one after the other in one thread.

`SequentialGraphRunner` runs the same nodes with the same inputs, each after the nodes it
needs, in an order worked out once per set of targets. `install()` makes Rasa's message
processor load models with it (training keeps dask).
"""

from __future__ import annotations

from typing import Any

from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner

# The nodes or inputs a node takes, in the order dask passes them.
Needs = tuple[str, ...]


class SequentialGraphRunner(DaskGraphRunner):
    """DaskGraphRunner's nodes and results, without dask."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # per set of targets: the nodes they need, each after its own needs
        self._plans: dict[tuple[str, ...], list[tuple[str, Needs]]] = {}

    def run(
        self, inputs: dict[str, Any] | None = None, targets: list[str] | None = None
    ) -> dict[str, Any]:
        """Run the nodes the targets need; {target: its output}, as DaskGraphRunner.run."""
        run_targets = list(targets) if targets else self._graph_schema.target_names
        # An input travels as (its name, its value), as DaskGraphRunner puts it in the graph.
        results: dict[str, Any] = {name: (name, value) for name, value in (inputs or {}).items()}
        try:
            for node_name, needs in self._plan(tuple(run_targets)):
                node = self._instantiated_nodes[node_name]
                # a need that is neither a node nor a given input reaches the node as its name,
                # as dask passes a string that is no key of its graph
                results[node_name] = node(*(results.get(source, source) for source in needs))
        except RuntimeError as error:
            raise GraphRunError("Error running runner.") from error
        return dict(results[target] for target in run_targets)

    def _plan(self, targets: tuple[str, ...]) -> list[tuple[str, Needs]]:
        """The nodes the targets need, each after its own needs (worked out once)."""
        if targets not in self._plans:
            nodes = self._graph_schema.nodes
            order: list[tuple[str, Needs]] = []
            placed: set[str] = set()

            def place(name: str) -> None:
                if name in placed or name not in nodes:  # an input, not a node
                    return
                placed.add(name)
                for source in nodes[name].needs.values():
                    place(source)
                order.append((name, tuple(nodes[name].needs.values())))

            for target in targets:
                place(target)
            self._plans[targets] = order
        return self._plans[targets]


def install() -> None:
    """Make Rasa's message processor load the prediction graph with SequentialGraphRunner."""
    import rasa.core.processor

    rasa.core.processor.DaskGraphRunner = SequentialGraphRunner  # type: ignore[misc]
