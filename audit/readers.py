"""What reading the trail needs from the apps above `audit`, asked through slots (core.registry):
who may read or verify it (access fills `may`) and which cases a person may see (cases fills
`visible_cases` and `find_case`), so that the trail masks what need-to-know hides without `audit` importing them."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.registry import Slot

may = Slot("audit.readers.may", "whether a person may do an audit action (audit.view, audit.verify)")
visible_cases = Slot(
    "audit.readers.visible_cases", "the cases (a QuerySet) a person may see: team membership and clearance"
)
find_case = Slot(
    "audit.readers.find_case", "a case by id or reference if the person may see it, else core.exceptions.NotFound"
)


# The audit actions as a refusal names them (access.roles.ACTION_LABELS has the others).
_ACTION_LABELS = {"audit.view": _("de audittrail inzien"), "audit.verify": _("de keten van de audittrail verifiëren")}


def require(user, action: str) -> None:
    from core.exceptions import PermissionDenied

    if not may(user, action):
        raise PermissionDenied(
            gettext("Uw rol staat niet toe: %(action)s.") % {"action": _ACTION_LABELS.get(action, action)},
            code="permission_denied",
        )
