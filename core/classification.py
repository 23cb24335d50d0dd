"""Classification marks: the ZGW `vertrouwelijkheidaanduiding` levels, in order.

Used for cases, documents and users' clearance. Ordered by rank so that "at most level X" is an
integer comparison in SQL (as Open Zaak does).
"""

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
