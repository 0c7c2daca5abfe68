"""Random events by random users, through the API and the meeting path; the invariants hold."""

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from meeting.extensions import db
from meeting.history import history_of
from meeting.items.models import Item
from meeting.meetings.agenda import add_to_agenda, record_decision, remove_from_agenda
from meeting.meetings.models import Meeting
from meeting.meetings.operations import fire_meeting_event
from tests.conftest import USERS
from tests.items_factory import make_item, user
from tests.meetings_factory import new_meeting
from workflows.agenda_item import EVENTS, STATES

# Who usually fires each event (DOMAIN.md), so that random runs get past the guards often.
LIKELY_USERS = {
    "submit": ["proposer"],
    "withdraw": ["proposer"],
    "return_for_revision": ["office"],
    "decline": ["office"],
    "pass_review": ["office"],
    "send_back": ["convener", "general"],
    "approve": ["convener", "general"],
}

ALL_FIELDS = {
    "reason": "理由",
    "comment": "意见",
    "opinion": "初审意见",
    "resolution": "议定事项",
}


def test_random_events_keep_the_invariants(app, api):
    class ItemMachine(RuleBasedStateMachine):
        @initialize(proposer=st.sampled_from(["liaison-edu", "liaison-civil"]))
        def create(self, proposer):
            refs = ["四(九)"] if proposer == "liaison-edu" else ["四(一)"]
            self.item_id = make_item(app, "draft", by=proposer, duty_refs=refs)
            self.proposer = proposer

        def current(self) -> dict:
            return api.get(f"/api/v1/items/{self.item_id}", as_="liaison-edu").json

        @rule(
            # The main path more often than the side paths, which mostly end the run.
            event=st.sampled_from([*EVENTS, "teleport", *["submit", "pass_review", "approve"] * 4]),
            data=st.data(),
            stale=st.booleans(),
            drop=st.sampled_from([None, None, None, *ALL_FIELDS]),
        )
        def fire_through_the_api(self, event, data, stale, drop):
            likely = [self.proposer if u == "proposer" else u for u in LIKELY_USERS.get(event, [])]
            anyone = st.sampled_from(list(USERS))
            username = data.draw(st.sampled_from(likely) | anyone if likely else anyone)
            with app.app_context():
                version = db.session.get(Item, self.item_id).version
            stale = stale and version > 1 and data.draw(st.booleans())  # about one in four
            body = {**ALL_FIELDS, "version": version - 1 if stale else version}
            body.pop(drop, None)
            response = api.post(
                f"/api/v1/items/{self.item_id}/events/{event}", as_=username, json=body
            )
            assert response.status_code in (200, 403, 404, 409, 422)

        @rule(event=st.sampled_from(["schedule", "unschedule", "adopt", "reject", "defer"]))
        def record_at_a_meeting(self, event):
            """The meeting path: put on an agenda, take off, or decide in session."""
            with app.app_context():
                item = db.session.get(Item, self.item_id)
                office = user("office")
                if event == "schedule" and item.state in ("approved", "deferred"):
                    add_to_agenda(new_meeting("ad_hoc", "convened"), item, office)
                elif event != "schedule" and item.state == "scheduled":
                    meeting = db.session.get(Meeting, item.meeting_id)
                    if event == "unschedule":
                        remove_from_agenda(meeting, item.id, office)
                    else:
                        fire_meeting_event(meeting, "open", office, {"version": meeting.version})
                        record_decision(
                            meeting, item, event, office, {**ALL_FIELDS, "version": item.version}
                        )
                db.session.commit()

        @invariant()
        def history_matches_the_state(self):
            with app.app_context():
                item = db.session.get(Item, self.item_id)
                rows = history_of("item", self.item_id)
                states = [row.to_state for row in rows]
                assert item.state in STATES
                assert len(rows) == item.version
                assert rows[-1].to_state == item.state
                if "approved" in states:
                    assert "reviewed" in states[: states.index("approved")]
                if "scheduled" in states:
                    assert "approved" in states[: states.index("scheduled")]

    run_state_machine_as_test(
        ItemMachine,
        settings=settings(
            max_examples=40,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )
