"""Classification marks: the ZGW `vertrouwelijkheidaanduiding` levels, in order.

Used for cases, documents and users' clearance. Ordered by rank so that "at most level X" is an
integer comparison in SQL (as Open Zaak does).
"""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Classification(models.TextChoices):
    OPENBAAR = "openbaar", _("openbaar")
    BEPERKT_OPENBAAR = "beperkt_openbaar", _("beperkt openbaar")
    INTERN = "intern", _("intern")
    ZAAKVERTROUWELIJK = "zaakvertrouwelijk", _("zaakvertrouwelijk")
    VERTROUWELIJK = "vertrouwelijk", _("vertrouwelijk")
    CONFIDENTIEEL = "confidentieel", _("confidentieel")
    GEHEIM = "geheim", _("geheim")
    ZEER_GEHEIM = "zeer_geheim", _("zeer geheim")


RANK = {value: index for index, value in enumerate(Classification.values)}


def rank(level: str) -> int:
    return RANK[level]


def levels_up_to(level: str) -> list[str]:
    """All levels a person cleared up to `level` may see."""
    return Classification.values[: RANK[level] + 1]


# Levels at which details (company name, acquirer's country, amounts) may appear in a public
# letter to parliament; anything classified above goes to a confidential annex.
PUBLICLY_DISCLOSABLE = {Classification.OPENBAAR, Classification.BEPERKT_OPENBAAR}


# ---------------------------------------------------------------------------------------------
# What this deployment is accredited to hold (issue 20): settings.BEV_MAX_CLASSIFICATION
# ---------------------------------------------------------------------------------------------
def accredited_maximum() -> str:
    """The highest level this deployment may hold (`BEV_MAX_CLASSIFICATION`, config/settings/base.py)."""
    from django.conf import settings

    return str(settings.BEV_MAX_CLASSIFICATION)


def accredited_choices(*, keep: str | None = None) -> list[tuple[str, Any]]:
    """The levels a form offers: up to the accredited maximum (and `keep`, a value already stored
    above it, so an unchanged form still validates; changing to it is refused by the service)."""
    top = RANK[accredited_maximum()]
    return [(value, label) for value, label in Classification.choices if RANK[value] <= top or value == keep]


def require_accredited(level: str, *, field: str = "classification") -> None:
    """Refuse (400, at `field`) a level above what this deployment is accredited for: such material
    belongs in a system accredited for it, never here."""
    from django.utils.translation import gettext as _

    from core.exceptions import RuleViolation

    maximum = accredited_maximum()
    if level in RANK and RANK[level] > RANK[maximum]:
        raise RuleViolation(
            _(
                "Deze omgeving is geaccrediteerd tot en met %(max)s. Informatie gerubriceerd als %(level)s hoort "
                "in een daarvoor geaccrediteerd systeem, niet hier."
            )
            % {"max": Classification(maximum).label, "level": Classification(level).label},
            field=field,
            code="classification_not_accredited",
        )
