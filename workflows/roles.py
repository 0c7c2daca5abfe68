"""The roles of DOMAIN.md. Labels are English msgids, translated for the UI."""

from workflows.i18n import N_

GENERAL_CONVENER = "general_convener"
CONVENER = "convener"
OFFICE = "office"
LIAISON = "liaison"
OBSERVER = "observer"
ADMIN = "admin"


# role id -> English label; the UI translates it (pybabel extracts N_ marks).
ROLES = {
    GENERAL_CONVENER: N_("General convener"),
    CONVENER: N_("Convener"),
    OFFICE: N_("Joint meeting office"),
    LIAISON: N_("Liaison"),
    OBSERVER: N_("Observer"),
    ADMIN: N_("System administrator"),
}

# Roles that must belong to a member unit.
UNIT_ROLES = frozenset({LIAISON})
