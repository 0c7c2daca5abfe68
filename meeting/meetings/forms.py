from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from workflows.meeting import KINDS, needs_requester


class MeetingForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=[SelectChoice(k, _l(v)) for k, v in KINDS.items()])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    starts_at = DateTimeLocalField(_l("Starts at"), validators=[DataRequired()])
    location = StringField(_l("Location"), validators=[Optional(), Length(max=200)])
    requested_by = SelectField(_l("Requested by (liaison meetings)"), validators=[Optional()])
    submit = SubmitField(_l("Plan"))

    def meeting_data(self) -> dict:
        data = {
            "kind": self.kind.data,
            "title": self.title.data,
            "starts_at": self.starts_at.data.isoformat(),  # county time, as typed
            "location": self.location.data or "",
        }
        if self.requested_by.data and self.kind.data in KINDS and needs_requester(self.kind.data):
            data["requested_by"] = self.requested_by.data
        return data
