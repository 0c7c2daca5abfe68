"""What happens in the workflows, as blinker signals; side effects such as notifications hang
off them, so the operations that change state do not know who is told.

Operations send a signal after the change is written (state, fields, history row), inside the
caller's transaction. Receivers only add rows to the session (a notification, its outbox mail):
they never commit, so what they add commits or rolls back with the change itself. Receivers
are connected when their module is imported; `meeting.init_app` imports every such module, so
each process (web, API, the scheduler's CLI) has them.

Each signal's sender is the object the event happened to; the other arguments are keywords.
"""

from blinker import Namespace

_signals = Namespace()

item_event_fired = _signals.signal(
    "item-event-fired",
    """An agenda item's event was fired and recorded.

    Sent by `meeting.items.operations.fire_event` for every event, by a user, a meeting or the
    system. Sender: the `Item`; `event` the event's name, `fields` what the event carried (as
    in its history row), `rules` the charter's rules of procedure.
    Received by `meeting.items.notifications` (tells whoever must act next, and the proposer).
    """,
)

item_registered = _signals.signal(
    "item-registered",
    """The office registered work the county government or the joint meeting assigned
    (二(四), 三(五)) as a draft item, naming the unit proposed to lead it.

    Sent by `meeting.items.operations.create_item`. Sender: the `Item`; `user` who registered it.
    Received by `meeting.items.notifications` (the proposed lead unit's liaisons).
    """,
)

meeting_convened = _signals.signal(
    "meeting-convened",
    """A meeting was convened: it has its number and is announced.

    Sent by `meeting.meetings.operations.fire_meeting_event` (convene). Sender: the `Meeting`;
    `user` who convened it.
    Received by `meeting.meetings.notifications` (the notice to liaisons and conveners).
    """,
)

meeting_cancelled = _signals.signal(
    "meeting-cancelled",
    """A meeting was cancelled; its scheduled items are already back in the queue.

    Sent by `meeting.meetings.operations.fire_meeting_event` (cancel). Sender: the `Meeting`;
    `user` who cancelled it, `reason` the reason given.
    Received by `meeting.meetings.notifications` (tells those who had the notice, if any).
    """,
)

minutes_published = _signals.signal(
    "minutes-published",
    """A meeting's minutes were published: numbered, frozen and delivered to every unit.

    Sent by `meeting.meetings.operations.fire_meeting_event` (publish_minutes). Sender: the
    `Meeting`; `user` who published, `document_number` the minutes' 文号.
    Received by `meeting.meetings.notifications` (all liaisons; each proposing unit gets the
    decisions on its own items).
    """,
)

task_assigned = _signals.signal(
    "task-assigned",
    """Units were put on a task: all of them when it is assigned, new ones when adjusted.

    Sent by `meeting.tasks.operations.assign_task` and by the adjust_units event. Sender: the
    `Task`; `units` the units newly on it (lead and responsible), `user` who did it.
    Received by `meeting.tasks.notifications` (those units' liaisons).
    """,
)

task_released = _signals.signal(
    "task-released",
    """Units were taken off a task by the adjust_units event.

    Sent by `meeting.tasks.operations.fire_task_event` (adjust_units). Sender: the `Task`;
    `units` the units no longer on it, `reason` the reason given, `user` who did it.
    Received by `meeting.tasks.notifications` (those units' liaisons).
    """,
)

task_event_fired = _signals.signal(
    "task-event-fired",
    """A task's event was fired and recorded.

    Sent by `meeting.tasks.operations.fire_task_event` for every event. Sender: the `Task`;
    `event` the event's name, `fields` what it carried (as in its history row), `user` who
    fired it.
    Received by `meeting.tasks.notifications` (urging, completion requests, extensions).
    """,
)
