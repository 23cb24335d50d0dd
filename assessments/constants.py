"""The afwegingskader's vocabulary, each list in one place.

Source: Kamerbrief "Beschermingsvoorziening Economische Veiligheid" (2023), section "Afwegingskader",
in shared/reference/. The framework's content (conditions, indicators, checks, scale, weights,
thresholds) is versioned configuration: see `FrameworkVersion` and the data migration 0002.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    """What the assessment advises the cabinet (values are a contract with cases.guards)."""

    DEPLOY = "deploy", _("Inzetten")
    DO_NOT_DEPLOY = "do_not_deploy", _("Niet inzetten")
    INSUFFICIENT_INFORMATION = "insufficient_information", _("Onvoldoende informatie")


class AssessmentKind(models.TextChoices):
    INITIAL = "initial", _("Risico-inschatting")
    RISK_REVIEW = "risk_review", _("Periodieke risicoherbeoordeling (monitoring)")


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Concept")
    SUBMITTED = "submitted", _("Ter goedkeuring")
    APPROVED = "approved", _("Goedgekeurd")


OPEN_STATUSES = [AssessmentStatus.DRAFT, AssessmentStatus.SUBMITTED]


class ConditionStatus(models.TextChoices):
    MET = "met", _("Voldaan")
    NOT_MET = "not_met", _("Niet voldaan")
    UNDETERMINED = "undetermined", _("Nog niet vastgesteld")


class CheckAnswer(models.TextChoices):
    """Every check in the framework is phrased so that "yes" means it passes."""

    YES = "yes", _("Ja")
    NO = "no", _("Nee")
    UNDETERMINED = "undetermined", _("Nog niet vastgesteld")


class FrameworkStatus(models.TextChoices):
    DRAFT = "draft", _("Concept")
    PUBLISHED = "published", _("Gepubliceerd")


class Ministry(models.TextChoices):
    """The ministries concerned ("in afstemming met betrokken (vak)departementen")."""

    JENV = "jenv", _("Justitie en Veiligheid (JenV)")
    BZ = "bz", _("Buitenlandse Zaken (BZ)")
    DEFENSIE = "defensie", _("Defensie")
    BZK = "bzk", _("Binnenlandse Zaken en Koninkrijksrelaties (BZK)")
    OCW = "ocw", _("Onderwijs, Cultuur en Wetenschap (OCW)")
    FINANCIEN = "financien", _("Financiën")
    OTHER = "other", _("Ander ministerie")


# The organisation names (`access.User.organisation`, compared case-insensitively, without a leading
# "Ministerie van") under which each ministry's advisors are registered: a consultation goes to an
# advisor of the ministry asked (issue 23). An advisor asked for "another ministry" is registered
# under the name given for it.
MINISTRY_ORGANISATIONS: dict[str, frozenset[str]] = {
    Ministry.JENV: frozenset({"jenv", "j&v", "justitie en veiligheid"}),
    Ministry.BZ: frozenset({"bz", "buza", "buitenlandse zaken"}),
    Ministry.DEFENSIE: frozenset({"defensie", "def", "mindef"}),
    Ministry.BZK: frozenset({"bzk", "binnenlandse zaken en koninkrijksrelaties", "binnenlandse zaken"}),
    Ministry.OCW: frozenset({"ocw", "onderwijs, cultuur en wetenschap"}),
    Ministry.FINANCIEN: frozenset({"financien", "financiën", "fin"}),
}


class ConsultationStatus(models.TextChoices):
    OPEN = "open", _("Openstaand")
    ANSWERED = "answered", _("Beantwoord")
    WAIVED = "waived", _("Afgezien (met reden)")


class AdvicePosition(models.TextChoices):
    SUPPORTS = "supports", _("Steunt")
    CONCERNS = "concerns", _("Heeft zorgen")
    OBJECTS = "objects", _("Maakt bezwaar")


class ReviewDecision(models.TextChoices):
    APPROVED = "approved", _("Goedgekeurd")
    RETURNED = "returned", _("Teruggestuurd")


class FrameworkPart(models.TextChoices):
    """The sections of the framework a consultation request can cover."""

    CONDITION = "condition", _("Voorwaarde")
    INDICATOR = "indicator", _("Indicator")
    CHECK = "check", _("Toets")
