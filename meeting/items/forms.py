from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    HiddenField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from workflows.agenda_item import ASSIGNED_SOURCES, CATEGORIES, SOURCES


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ItemForm(FlaskForm):
    """A draft's text; the duty choices are the proposing unit's and the joint meeting's."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    category = SelectField(
        _l("Category"), choices=[SelectChoice(key, _l(label)) for key, label in CATEGORIES.items()]
    )
    duty_refs = MultiCheckboxField(_l("Charter duties cited"), validators=[Optional()])
    background = TextAreaField(_l("Background"), validators=[Optional(), Length(max=20000)])
    proposal = TextAreaField(_l("Proposal"), validators=[Optional(), Length(max=20000)])
    attachment = FileField(_l("Attachment (optional)"))
    version = HiddenField()

    def set_duty_choices(self, unit) -> None:
        duties = {c.ref: c.text for c in unit.charter.clauses if c.ref in unit.citable_duty_refs()}
        self.duty_refs.choices = [
            SelectChoice(ref, f"{ref} {_shorten(duties[ref])}") for ref in unit.citable_duty_refs()
        ]

    def item_data(self) -> dict:
        return {
            "title": self.title.data or "",
            "category": self.category.data,
            "duty_refs": list(self.duty_refs.data or []),
            "background": self.background.data or "",
            "proposal": self.proposal.data or "",
        }


class AssignedItemForm(ItemForm):
    """Assigned work's text and the document that assigned it (二(四), 三(五))."""

    source_title = StringField(_l("Source document"), validators=[DataRequired(), Length(max=200)],
                               description=_l("e.g. a leader's instruction (批示)"))  # fmt: skip
    source_number = StringField(_l("Document number"), validators=[Optional(), Length(max=100)])
    source_date = DateField(_l("Document date"), validators=[Optional()])

    def item_data(self) -> dict:
        return {
            **super().item_data(),
            "source_title": self.source_title.data or "",
            "source_number": self.source_number.data or "",
            "source_date": self.source_date.data.isoformat() if self.source_date.data else None,
        }


class RegisterForm(AssignedItemForm):
    """The office registers work the county government or the joint meeting assigned, naming
    the member unit proposed to lead it; the duties offered are the joint meeting's."""

    source = SelectField(_l("Assigned by"), choices=[
        SelectChoice(code, _l(SOURCES[code].label)) for code in ASSIGNED_SOURCES])  # fmt: skip
    unit = SelectField(_l("Proposed lead unit"), validators=[DataRequired()])

    def set_units(self, charter) -> None:
        self.unit.choices = [SelectChoice(u.code, u.name) for u in charter.active_units]
        duties = charter.clauses_of("joint_meeting_duty")
        self.duty_refs.choices = [
            SelectChoice(c.ref, f"{c.ref} {_shorten(c.text)}") for c in duties
        ]

    def item_data(self) -> dict:
        return {**super().item_data(), "source": self.source.data, "unit": self.unit.data}


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
