"""Workflow pictures: Mermaid text drawn by transitions' own diagram extension.

The picture machine is built once per workflow from the same states and transitions as the
runtime machine, so the picture cannot disagree with the rules. Labels are translated here.
"""

import re
from functools import cache
from types import SimpleNamespace

from flask_babel import gettext as _
from transitions.extensions import GraphMachine


@cache
def _picture_machine(workflow) -> GraphMachine:
    transitions = [
        {"trigger": name, "source": list(event.sources), "dest": event.dest}
        for name, event in workflow.EVENTS.items()
    ]
    return GraphMachine(
        model=None,
        states=list(workflow.STATES),
        transitions=transitions,
        initial=next(iter(workflow.STATES)),
        auto_transitions=False,
        graph_engine="mermaid",
        show_state_attributes=False,
        title="",
    )


def mermaid(workflow, current: str) -> str:
    """The WORKFLOW module's machine as Mermaid text, with state CURRENT highlighted."""
    machine = _picture_machine(workflow)
    model = SimpleNamespace()
    machine.add_model(model, initial=current)
    try:
        text = model.get_graph().draw(None)
    finally:
        machine.remove_model(model)
    text = re.sub(r"^---\n.*?\n---\n", "", text, flags=re.S)  # the title block
    for state, label in workflow.STATES.items():
        text = text.replace(f'state "{state}" as {state}', f'state "{_(label)}" as {state}')
    labels = {name: _(event.label) for name, event in workflow.EVENTS.items()}

    def edge(match: re.Match) -> str:
        # One arrow may carry several events ("send_back | reopen_review"); an event that keeps
        # the state is marked "[internal]" by transitions.
        names = (part.replace("[internal]", "").strip() for part in match.group(2).split("|"))
        return match.group(1) + "、".join(labels.get(name, name) for name in names)

    return re.sub(r"^(\s*\S+\s*-->\s*\w+\s*:\s*)(.+)$", edge, text, flags=re.M)
