"""One shared `transitions` machine per workflow, built from the workflow's own tables."""

from dataclasses import dataclass

from transitions import Machine


@dataclass(frozen=True)
class Transition:
    """One row of a workflow's event table: the event, its label, and the states it moves
    between. Each workflow's Event adds who may fire it and what it carries."""

    name: str
    label: str
    sources: tuple[str, ...]
    dest: str | None  # None: an in-place event, which changes no state


def build_machine(states: dict, events: dict) -> Machine:
    """A machine over STATES (first one initial) with a transition per event of EVENTS.

    Bound to no model: rows are moved with `fire`, never attached (`add_model` would cost time
    per row and reset the stored state). An event whose `dest` is None changes no state.
    """
    return Machine(
        model=None,
        states=list(states),
        transitions=[
            {"trigger": e.name, "source": list(e.sources), "dest": e.dest} for e in events.values()
        ],
        initial=next(iter(states)),
        auto_transitions=False,
        model_attribute="state",
    )


def fire(machine: Machine, record, event: str) -> None:
    """Move RECORD.state along EVENT (the caller has checked it may); raise if it did not."""
    if not machine.events[event].trigger(record):
        raise RuntimeError(f"{event} did not fire from {record.state}")
