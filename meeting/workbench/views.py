"""The workbench's pages: the home page's figures (`home_context`) and search (/search)."""

from functools import partial

from flask import Blueprint, render_template, request
from flask_login import current_user

from meeting.accounts.permissions import signed_in
from meeting.pages import MAX_PAGE
from meeting.tasks.deadlines import county_today
from meeting.workbench import search as searching
from meeting.workbench.board import board, switch_link

bp = Blueprint("workbench", __name__)
PER_PAGE = 20


def home_context(user) -> dict:
    """What the home page's workbench shows USER (templates/workbench/_board.html)."""
    shown = board(user, county_today())
    several = shown.several if shown else False
    return {"board": shown, "link_in": partial(switch_link, several=several)}


@bp.get("/search")
@signed_in
def search():
    """Items, meetings, tasks and minutes the user may see that contain the words `q`, one
    kind at a time (`kind`), a page at a time; the count of each kind (up to 100) on its tab."""
    words = " ".join(request.args.get("q", "").split())[: searching.MAX_QUERY]
    kind = request.args.get("kind")
    page, counts = None, {}
    if words:
        found = searching.queries(current_user, words)
        counts = searching.counts(found)
        if kind not in searching.KINDS:
            kind = next((k for k in searching.KINDS if counts[k]), searching.KINDS[0])
        number = min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)
        page = searching.result_page(found[kind], number, PER_PAGE, counts[kind])
    elif kind not in searching.KINDS:
        kind = searching.KINDS[0]
    return render_template(
        "workbench/search.html",
        words=words,
        kind=kind,
        page=page,
        counts=counts,
        count_cap=searching.COUNT_CAP,
        kinds=searching.KINDS,
        snippet=searching.snippet,
    )
