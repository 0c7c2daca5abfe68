from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    HiddenField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from workflows.agenda_item import CATEGORIES


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


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
