"""Who hears of each agenda-item event: those whose action it calls for, and the proposer.

A receiver of `meeting.signals.item_event_fired`; it adds notifications and never commits.
"""

from meeting import signals
from meeting.items.models import Item
from meeting.notifications.messages import item_params
from meeting.notifications.operations import liaisons_of, notify, users_with_roles
from workflows import agenda_item
from workflows.roles import OFFICE

PROPOSER, OFFICE_STAFF, APPROVERS = "proposer", "office", "approvers"

# event -> who is told
RECIPIENTS = {
    "submit": (OFFICE_STAFF,),
    "return_for_revision": (PROPOSER,),
    "decline": (PROPOSER,),
    "pass_review": (APPROVERS,),
    "send_back": (OFFICE_STAFF,),
    "approve": (OFFICE_STAFF, PROPOSER),
    "adopt": (PROPOSER,),
    "reject": (PROPOSER,),
    "defer": (PROPOSER,),
    "admit_late": (OFFICE_STAFF, PROPOSER),  # the office builds the agenda
}


@signals.item_event_fired.connect
def notify_item_event(item: Item, event: str, fields: dict, rules: dict, **extra) -> None:
    """Tell the groups RECIPIENTS names for EVENT, with the note the event carried."""
    groups = RECIPIENTS.get(event, ())
    if not groups:
        return
    users = []
    if PROPOSER in groups:
        # The proposing unit's liaisons; for assigned work also its author, the office.
        users += liaisons_of([item.unit])
        if item.assigned:
            users += users_with_roles(item.charter_id, OFFICE)
    if OFFICE_STAFF in groups:
        users += users_with_roles(item.charter_id, OFFICE)
    if APPROVERS in groups:
        users += users_with_roles(item.charter_id, *rules.get(agenda_item.APPROVERS, ()))
    note = next(
        (fields[f] for f in ("comment", "reason", "opinion", "resolution") if fields.get(f)), ""
    )
    notify(users, f"item_{event}", body=note, link=f"/items/{item.id}", charter_id=item.charter_id,
           params={**item_params(item), "event": event})  # fmt: skip


@signals.item_registered.connect
def notify_item_registered(item: Item, user, **extra) -> None:
    """Tell the proposed lead unit's liaisons that assigned work was registered for their unit
    to lead (二(四), 三(五)): they follow it as their unit's item."""
    notify(liaisons_of([item.unit]), "item_registered", link=f"/items/{item.id}",
           charter_id=item.charter_id,
           params={**item_params(item), "source": item.source, "document": item.source_title})  # fmt: skip
