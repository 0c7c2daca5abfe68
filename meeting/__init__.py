"""Lianxi: the application package. `init_app` binds every part to the app."""

from pathlib import Path

from flask import Flask, abort, request

from meeting.extensions import bootstrap, csrf, db, login_manager, migrate

MAX_ID = 2**31 - 1  # PostgreSQL's integer


def init_app(app: Flask) -> None:
    from meeting import cli, database, errors, history, i18n, security, timeutil  # noqa: F401
    from meeting.accounts import views as accounts_views
    from meeting.accounts.models import User
    from meeting.admin import views as admin_views
    from meeting.analytics import views as analytics_views
    from meeting.api import bp as api_bp
    from meeting.charter import views as charter_views
    from meeting.charter.rules import rules
    from meeting.items import models as item_models  # noqa: F401
    from meeting.items import notifications as item_notifications  # noqa: F401 (receivers)
    from meeting.items import views as item_views
    from meeting.meetings import delegation_views
    from meeting.meetings import models as meeting_models  # noqa: F401
    from meeting.meetings import notifications as meeting_notifications  # noqa: F401 (receivers)
    from meeting.meetings import views as meeting_views
    from meeting.notifications import mail  # noqa: F401 (models)
    from meeting.notifications import models as notification_models  # noqa: F401
    from meeting.notifications import views as notification_views
    from meeting.notifications.operations import unread_badge
    from meeting.opinions import models as opinion_models  # noqa: F401
    from meeting.opinions import views as opinion_views
    from meeting.reports import views as report_views
    from meeting.scheduler import (
        reminders,  # noqa: F401 (models)
        sweeps,  # noqa: F401 (models)
    )
    from meeting.scope import enter_scope
    from meeting.tasks import models as task_models  # noqa: F401
    from meeting.tasks import notifications as task_notifications  # noqa: F401 (receivers)
    from meeting.tasks import views as task_views
    from meeting.workbench import views as workbench_views

    database.before_engine(app)
    db.init_app(app)
    database.init_app(app)
    migrate.init_app(
        app, db, directory=str(Path(app.root_path) / "migrations"), render_as_batch=True
    )
    csrf.init_app(app)
    bootstrap.init_app(app)
    i18n.init_app(app)
    errors.init_app(app)
    security.init_app(app)
    cli.init_app(app)

    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(session_id: str):
        """The signed-in user, while their account is active and the session is current."""
        user_id, _, version = session_id.partition(".")
        if not (user_id.isdigit() and version.isdigit()) or int(user_id) > MAX_ID:
            return None
        user = db.session.get(User, int(user_id))
        current = user is not None and user.active and user.session_version == int(version)
        if not current:
            return None
        enter_scope(user)
        return user

    @app.url_value_preprocessor
    def ids_in_range(_endpoint, values):
        """An id past the database's integer range, or a name holding NUL (which PostgreSQL
        refuses in text), names no record: 404, before any query."""
        for value in (values or {}).values():
            if (isinstance(value, int) and value > MAX_ID) or (
                isinstance(value, str) and "\x00" in value
            ):
                abort(404)

    @app.before_request
    def no_nul_in_fields():
        """No text anyone types holds NUL; a page's query string or form that does is refused
        whole (400), in one place, so no view hands one to the database. (The API's input is
        parsed by the contract, which refuses NUL field by field: 422.)"""
        if request.path.startswith("/api/"):
            return
        fields = [*request.args.items(multi=True)]
        if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            fields += request.form.items(multi=True)
        if any("\x00" in key or "\x00" in value for key, value in fields):
            abort(400)

    app.register_blueprint(accounts_views.bp)
    app.register_blueprint(charter_views.bp)
    app.register_blueprint(admin_views.bp)
    app.register_blueprint(item_views.bp)
    app.register_blueprint(meeting_views.bp)
    app.register_blueprint(delegation_views.bp)
    app.register_blueprint(notification_views.bp)
    app.register_blueprint(task_views.bp)
    app.register_blueprint(report_views.bp)
    app.register_blueprint(opinion_views.bp)
    app.register_blueprint(analytics_views.bp)
    app.register_blueprint(workbench_views.bp)
    csrf.exempt(api_bp)  # the API authenticates each request by bearer token, not cookie
    app.register_blueprint(api_bp)

    @app.context_processor
    def inject_labels():
        from flask_login import current_user

        from workflows import agenda_item
        from workflows import meeting as meeting_workflow
        from workflows import rhythm as rhythm_workflow
        from workflows import task as task_workflow
        from workflows.roles import ROLES

        return {
            "ROLES": ROLES,
            "ITEM_STATES": agenda_item.STATES,
            "ITEM_EVENTS": agenda_item.EVENTS,
            "CATEGORIES": agenda_item.CATEGORIES,
            "ITEM_SOURCES": agenda_item.SOURCES,
            "FIELD_LABELS": agenda_item.FIELD_LABELS,
            "approvers": lambda: rules().get(agenda_item.APPROVERS, ()),
            "MEETING_KINDS": meeting_workflow.KINDS,
            "meeting_kind": meeting_workflow.kind,
            "MEETING_STATES": meeting_workflow.STATES,
            "MEETING_EVENTS": meeting_workflow.EVENTS,
            "MEETING_RECORDS": meeting_workflow.RECORD_LABELS,
            "ITEM_RECORDS": agenda_item.RECORD_LABELS,
            "TASK_STATES": task_workflow.STATES,
            "TASK_EVENTS": task_workflow.EVENTS,
            "TASK_FIELDS": task_workflow.FIELD_LABELS,
            "TASK_WARNINGS": task_workflow.WARNINGS,
            "RHYTHM_KINDS": rhythm_workflow.KINDS,
            "ATTENDANCE": meeting_workflow.ATTENDANCE,
            "CONVENED_STATES": meeting_workflow.CONVENED_STATES,
            "unread": lambda: unread_badge(current_user) if current_user.is_authenticated else 0,
        }

    app.add_template_filter(timeutil.display, "localtime")
    from meeting.history import actor_label, event_label
    from meeting.meetings.minutes import can_read_minutes, minutes_document_number
    from meeting.meetings.models import display_name
    from meeting.scope import current_charter, several_joint_meetings, short_name_of, switchable

    app.jinja_env.globals.update(
        history_actor=actor_label,  # a history row's person and role, or the system
        history_event=event_label,  # a history row's event in the reader's language
        switchable=switchable,
        several_joint_meetings=several_joint_meetings,
        short_name_of=short_name_of,
        current_joint_meeting=current_charter,
        meeting_name=display_name,
        minutes_number=minutes_document_number,
        can_read_minutes=can_read_minutes,
    )
