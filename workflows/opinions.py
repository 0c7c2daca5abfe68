"""Units' written opinions on an agenda item (征求意见) and co-signature (会签), charter 五(三).

五(三): member units "对联席会议确定的议题,认真研究、充分酝酿,积极发表意见或建议". The office
asks named member units for a written opinion on an item the joint meeting has taken up, with
a due date; each asked unit's liaison answers once, until the due date; the office may close
the round early. A unit's latest answer on an item is its opinion.

Co-signature: the charter's `rules.cosign` maps an item category or a cited duty reference to
the units that must co-sign an item of that category, or citing that duty, before it is
approved (审定): each must have answered agree or agree with changes in a round of opinions.

Pure rules on plain values: no Flask, no database.
"""

from collections.abc import Iterable
from datetime import date

from workflows.i18n import N_
from workflows.roles import LIAISON, OFFICE

ANSWERS = {
    "agree": N_("Agree"),
    "agree_with_changes": N_("Agree with changes"),
    "disagree": N_("Disagree"),
}
# How the minutes word each answer (a disagreeing unit's reason follows in brackets).
IN_MINUTES = {"agree": "同意", "agree_with_changes": "修改后同意", "disagree": "不同意"}
SILENT_IN_MINUTES = "未反馈"
SILENT = N_("No answer yet")

# Answers that count as a co-signature (会签).
AGREEING = frozenset({"agree", "agree_with_changes"})
# Answers that must say why (the changes asked for, the reason for disagreeing).
NEEDS_TEXT = frozenset({"agree_with_changes", "disagree"})

# 五(三) "对联席会议确定的议题": items the joint meeting has taken up, from the office's review
# until the meeting decides them (a deferred item waits for more study).
ASK_STATES = ("reviewed", "approved", "scheduled", "deferred")
ANSWER_STATES = ASK_STATES

ASKERS = frozenset({OFFICE})  # ask and close a round (三(一): the office collects materials)
ANSWERERS = frozenset({LIAISON})  # for their own unit, when it was asked

# Item events refused until the required co-signers have agreed.
COSIGNED_EVENTS = frozenset({"approve"})

# A round is open until the office closes it or its due date has passed.
OPEN, CLOSED, LAPSED = "open", "closed", "lapsed"
ROUND_STATUSES = {
    OPEN: N_("Open for opinions"),
    CLOSED: N_("Closed by the office"),
    LAPSED: N_("Due date passed"),
}

# History rows on the item (they change no state). A round is opened only with an ASKED row,
# so an item whose history has none has no round to read (meeting.items.serialize).
ASKED = "ask_opinions"
RECORD_LABELS = {
    ASKED: N_("Opinions asked"),
    "give_opinion": N_("Opinion given"),
    "close_opinions": N_("Opinion round closed"),
}

FIELD_LABELS = {
    "units": N_("Units asked"),
    "due_on": N_("Due date"),
    "note": N_("What is asked"),
    "answer": N_("Opinion"),
    "text": N_("Reasons or changes"),
    "file": N_("File"),
}

MAX_DAYS_AHEAD = 365  # a due date further ahead is a typing mistake


def round_status(closed: bool, due_on: date, today: date) -> str:
    """OPEN until closed by the office or past its due date (answers are taken on the day)."""
    if closed:
        return CLOSED
    return OPEN if today <= due_on else LAPSED


def may_ask(role: str, item_state: str) -> bool:
    """Whether ROLE may ask units for opinions on an item in ITEM_STATE."""
    return role in ASKERS and item_state in ASK_STATES


def may_answer(role: str, item_state: str) -> bool:
    """Whether ROLE may answer (for their unit, when asked) on an item in ITEM_STATE."""
    return role in ANSWERERS and item_state in ANSWER_STATES


def may_close(role: str) -> bool:
    return role in ASKERS


def needs_text(answer: str) -> bool:
    """Whether ANSWER must say why: the changes asked for, or the reason for disagreeing."""
    return answer in NEEDS_TEXT


def due_date_problem(due_on: date, today: date) -> str | None:
    """Why DUE_ON cannot be a round's due date as of TODAY (an English msgid), or None."""
    if due_on < today:
        return N_("The due date cannot be in the past.")
    if (due_on - today).days > MAX_DAYS_AHEAD:
        return N_("The due date must be within a year.")
    return None


def latest_answers(answers: Iterable[tuple[str, str | None]]) -> dict[str, str]:
    """Each unit's latest answer, from (unit code, answer or None) in the order given (oldest
    first): a later answer replaces an earlier one; a silence replaces nothing."""
    latest: dict[str, str] = {}
    for unit, answer in answers:
        if answer is not None:
            latest[unit] = answer
    return latest


def cosigners_required(cosign: dict | None, category: str, duty_refs: Iterable[str],
                       proposer: str) -> list[str]:  # fmt: skip
    """The units (codes) that must co-sign an item of CATEGORY citing DUTY_REFS, by the
    charter's `cosign` table ({category or duty ref: [unit codes]}); the proposing unit's
    proposal is its own signature."""
    table = cosign or {}
    keys = [category, *duty_refs]
    codes = dict.fromkeys(code for key in keys for code in table.get(key, ()))
    return [code for code in codes if code != proposer]


def cosigners_missing(
    required: Iterable[str], answers: Iterable[tuple[str, str | None]]
) -> list[str]:
    """Of REQUIRED, the units whose latest answer (ANSWERS: (unit code, answer), oldest first)
    is not agree or agree with changes."""
    latest = latest_answers(answers)
    return [code for code in required if latest.get(code) not in AGREEING]


def cosign_guard(event: str, cosign: dict | None, category: str, duty_refs: Iterable[str],
                 proposer: str, answers: Iterable[tuple[str, str | None]]) -> list[str]:  # fmt: skip
    """The co-signers still missing before EVENT may fire on the item ([] when it may)."""
    if event not in COSIGNED_EVENTS:
        return []
    required = cosigners_required(cosign, category, duty_refs, proposer)
    return cosigners_missing(required, answers) if required else []
