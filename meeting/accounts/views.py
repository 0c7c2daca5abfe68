"""Sign-in and sign-out, the home page and the account list."""

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from meeting.accounts import throttle
from meeting.accounts.forms import LoginForm, PasswordForm
from meeting.accounts.models import Seat, User
from meeting.accounts.operations import AccountError, authenticate, change_password
from meeting.accounts.permissions import roles_required, signed_in
from meeting.accounts.worklist import worklist
from meeting.charter.models import Charter, Unit
from meeting.contract.types import storable
from meeting.extensions import db
from meeting.scope import current_charter_id
from meeting.timeutil import utcnow
from workflows.roles import ADMIN, OFFICE

bp = Blueprint("accounts", __name__)


# What a person with a one-time password may open before choosing their own.
BEFORE_NEW_PASSWORD = {"accounts.password", "accounts.logout", "accounts.login", "static",
                       "i18n.switch"}  # fmt: skip


@bp.before_app_request
def new_password_first():
    """A password someone else set (an administrator's reset, a new account) is changed at
    the first sign-in, before anything else."""
    if (
        request.endpoint not in BEFORE_NEW_PASSWORD
        and not request.path.startswith("/api/")
        and current_user.is_authenticated
        and current_user.must_change_password
    ):
        flash(_("Choose your own password before going on."), "warning")
        return redirect(url_for("accounts.password"))
    return None


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the sign-in form; sign the user in, unless the username is throttled."""
    form = LoginForm()
    if form.validate_on_submit():
        username = form.username.data.strip()
        address = request.remote_addr or ""
        if not (storable(username) and storable(form.password.data)):
            flash(_("Wrong username or password."), "danger")  # no account is named so
            return render_template("accounts/login.html", form=form), 401
        wait = throttle.attempt(username, address, utcnow())
        if wait:
            minutes = max(1, -(-wait // 60))
            flash(_("Too many failed sign-ins. Try again in %(minutes)d minutes.", minutes=minutes),
                  "danger")  # fmt: skip
            page = render_template("accounts/login.html", form=form)
            return page, 429, {"Retry-After": str(wait)}
        user = authenticate(username, form.password.data, address)
        if user is None:
            flash(_("Wrong username or password."), "danger")
            return render_template("accounts/login.html", form=form), 401
        throttle.succeeded(username, address)
        login_user(user)
        return redirect(safe_next(request.args.get("next")))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        current_user.end_sessions()  # a copy of this session's cookie no longer signs anyone in
    logout_user()
    flash(_("You have signed out."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/")
@signed_in
def home():
    """Who am I, my unit, what waits for me, my workbench (meeting.workbench), where to go."""
    from meeting.workbench.views import home_context  # the workbench builds on every area

    return render_template(
        "accounts/home.html",
        charter=Charter.current(),
        worklist=worklist(current_user),
        **home_context(current_user),
    )


@bp.route("/account/password", methods=["GET", "POST"])
@signed_in
def password():
    """Change one's own password."""
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            change_password(current_user, form.current.data, form.new.data)
        except AccountError as error:
            form.current.errors = [str(error)]
        else:
            login_user(current_user._get_current_object())  # this session goes on; others end
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("accounts.home"))
    return render_template("accounts/password.html", form=form), 422 if form.errors else 200


@bp.route("/users")
@roles_required(OFFICE, ADMIN)
def users():
    """The accounts of the current joint meeting: who holds which role, each unit's liaisons."""
    rows = db.session.scalars(
        select(Seat)
        .join(User, Seat.user_id == User.id)
        .outerjoin(Unit, Seat.unit_id == Unit.id)
        .where(Seat.charter_id == current_charter_id())
        .order_by(Seat.role, Unit.position, User.username)
    ).all()
    return render_template("accounts/users.html", seats=rows)


def safe_next(target: str | None) -> str:
    """Only follow a `next` that stays on this site."""
    if (
        target
        and urlsplit(target).netloc == ""
        and target.startswith("/")
        and not target.startswith("//")
    ):
        return target
    return url_for("accounts.home")
