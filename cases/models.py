"""The case file (casus) and its lifecycle.

The lifecycle is declared once, in the "Lifecycle" section of `Case`: read it top to bottom as
signal → intake → risk_assessment → cabinet_decision → investment_preparation → invested →
monitoring → exit → closed, with the ends not_admissible, withdrawn and not_deployed.
Guards are named after the rule they check (`cases.guards`). State changes go through
`cases.services.case_transition`, which records the timeline and the audit trail.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Value
from django.db.models.functions import Concat, Upper
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, Transition, transition

from access.roles import Role
from core.choices import ChoicesDisplay
from core.classification import Classification, rank

from . import guards
from .constants import (
    WITHDRAWABLE_STATES,
    EventKind,
    Instrument,
    SignalSource,
    State,
    StateActorStatus,
    StrategicCategory,
    Urgency,
)

kvk_validator = RegexValidator(r"^\d{8}$", _("Een KvK-nummer bestaat uit precies 8 cijfers."))
country_validator = RegexValidator(r"^[A-Z]{2}$", _("Gebruik een ISO 3166-1 landcode van twee letters, bijv. CN."))


def _may(action: str):
    """Transition permission: the person's role on this case team allows the action."""

    def check(case, user) -> bool:
        from access.permissions import can

        return can(user, f"case.transition.{action}", case=case)

    check.__name__ = f"may_{action}"
    return check


@functools.cache
def _team_roles_read():
    """(user id, role) of every member of a case's team: a query compiled once (`core.precompiled`)."""
    from core.precompiled import Precompiled

    return Precompiled(
        lambda case_id: CaseTeamMember.objects.filter(case_id=case_id).order_by().values_list("user_id", "role"),
        "case_id",
    )


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CaseQuerySet":
        """Need-to-know and clearance: the only way lists and lookups reach cases.

        A case is visible to a person on its team whose clearance is at least the case's
        classification. Nobody else, superusers included, sees it."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.visible_to_member(user_id=user.pk, clearance_rank=user.clearance_rank)

    def visible_to_member(self, *, user_id: int, clearance_rank: int) -> "CaseQuerySet":
        """`visible_to` of an active person, given by id and clearance rank (`core.precompiled`)."""
        membership = CaseTeamMember.objects.filter(case=OuterRef("pk"), user_id=user_id)
        return self.filter(Exists(membership), classification_rank__lte=clearance_rank)

    def case_file_visible_to(self, user) -> "CaseQuerySet":
        """The case file itself (facts, timeline, documents): the team except department advisors,
        who see only the consultation they were asked (assessments app)."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.case_file_visible_to_member(user_id=user.pk, clearance_rank=user.clearance_rank)

    def case_file_visible_to_member(self, *, user_id: int, clearance_rank: int) -> "CaseQuerySet":
        """`case_file_visible_to` of an active person, given by id and clearance rank (for reads
        compiled once with stand-ins for both: `core.precompiled`)."""
        # One membership per person and case (unique_case_member): on the team in another role than
        # department advisor. One EXISTS instead of "member and not advisor": half the planning.
        membership = CaseTeamMember.objects.filter(case=OuterRef("pk"), user_id=user_id).exclude(
            role=Role.DEPARTMENT_ADVISOR
        )
        return self.filter(Exists(membership), classification_rank__lte=clearance_rank)


class Case(ChoicesDisplay, ConcurrentTransitionMixin, models.Model):
    # Unique through Meta.constraints (case_reference_unique), not `unique=True`: that would also make
    # a `varchar_pattern_ops` copy of the index, which no query uses and every insert pays for.
    reference = models.CharField(_("kenmerk"), max_length=20, editable=False)
    title = models.CharField(_("titel"), max_length=200)
    state = FSMField(
        _("status"), max_length=32, choices=State.choices, default=State.SIGNAL, protected=True
    )  # no index of its own: case_by_state_received and case_state_count lead with it (cases/0019)
    if TYPE_CHECKING:
        # Added to the class by FSMField for the field `state` (django-fsm's partialmethods).
        def get_all_state_transitions(self) -> Iterator[Transition]: ...

        def get_available_user_state_transitions(
            self, user: AbstractBaseUser | AnonymousUser
        ) -> Iterator[Transition]: ...

    version = models.PositiveIntegerField(
        default=1, help_text=_("Verhoogd bij elke wijziging (optimistische vergrendeling).")
    )
    classification = models.CharField(
        _("rubricering"), max_length=32, choices=Classification.choices, default=Classification.ZAAKVERTROUWELIJK
    )
    classification_rank = models.PositiveSmallIntegerField(editable=False, default=3, db_index=True)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)
    closed_at = models.DateTimeField(_("beëindigd op"), null=True, blank=True)

    # The signal
    signal_source = models.CharField(_("bron van het signaal"), max_length=32, choices=SignalSource.choices)
    signal_received_at = models.DateTimeField(_("signaal ontvangen op"))
    urgency = models.CharField(
        _("urgentie"), max_length=16, choices=Urgency.choices, default=Urgency.NORMAL
    )  # indexed in Meta.indexes (case_by_urgency), without the pattern-ops copy of db_index=True
    summary = models.TextField(_("samenvatting"), blank=True)

    # The target company (doelonderneming)
    target_name = models.CharField(_("naam doelonderneming"), max_length=200)
    target_kvk_number = models.CharField(_("KvK-nummer"), max_length=8, validators=[kvk_validator])
    target_sector = models.CharField(_("sector"), max_length=120, blank=True)

    # The threatening transaction
    acquirer_name = models.CharField(_("beoogde investeerder/overnemer"), max_length=200, blank=True)
    acquirer_country = models.CharField(
        _("land van de investeerder"), max_length=2, blank=True, validators=[country_validator]
    )
    state_actor_status = models.CharField(
        _("statelijke actor"), max_length=32, choices=StateActorStatus.choices, default=StateActorStatus.UNKNOWN
    )
    intended_stake_percent = models.DecimalField(
        _("beoogd belang (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    intended_control = models.TextField(_("beoogde zeggenschap/invloed"), blank=True)
    transaction_value = models.DecimalField(
        _("transactiewaarde (EUR)"),
        max_digits=15,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    expected_closing_date = models.DateField(_("verwachte sluitingsdatum"), null=True, blank=True)

    # Intake
    scope_grounds = models.JSONField(_("reikwijdtegronden"), default=list, blank=True)
    existing_instruments_considered = models.JSONField(_("overwogen bestaande instrumenten"), default=list, blank=True)
    existing_instruments_shortfall = models.TextField(_("waarom bestaande instrumenten tekortschieten"), blank=True)
    market_financing_explored = models.BooleanField(_("marktfinanciering verkend"), null=True, blank=True)
    market_financing_notes = models.TextField(_("toelichting marktfinanciering"), blank=True)

    # The facts of scope ground 3 and 4 (letter, "Reikwijdte"), checked in cases.services and
    # required at intake by cases.guards.intake_is_complete when the ground is chosen.
    # Ground 3: "Historische transacties van vóór 8 september 2020 die hedendaags onder de Wet vifo
    # zouden vallen".
    historical_transaction_date = models.DateField(
        _("datum historische transactie"),
        null=True,
        blank=True,
        help_text=_(
            "Reikwijdtegrond 3: “Historische transacties van vóór 8 september 2020 die hedendaags onder "
            "de Wet vifo zouden vallen” (Kamerbrief 2023, Reikwijdte). De datum ligt vóór 8 september 2020."
        ),
    )
    # Ground 4: "Als door een toetsingsbesluit op grond van de Wet vifo financiering van een
    # strategische start-up of scale-up niet plaats kan vinden en het bedrijf hierdoor in de
    # problemen komt en failleert."
    vifo_decision_date = models.DateField(
        _("datum toetsingsbesluit Wet vifo"),
        null=True,
        blank=True,
        help_text=_(
            "Reikwijdtegrond 4: “Als door een toetsingsbesluit op grond van de Wet vifo financiering van "
            "een strategische start-up of scale-up niet plaats kan vinden” (Kamerbrief 2023, Reikwijdte)."
        ),
    )
    vifo_decision_reference = models.CharField(_("kenmerk toetsingsbesluit Wet vifo"), max_length=100, blank=True)
    vifo_blocked_financing = models.TextField(
        _("geblokkeerde financiering"),
        blank=True,
        help_text=_("Welke financiering door het toetsingsbesluit niet kan plaatsvinden (partij, vorm, bedrag)."),
    )
    vifo_insolvency_threat = models.TextField(
        _("dreigend faillissement"),
        blank=True,
        help_text=_(
            "Waarom het bedrijf hierdoor “in de problemen komt en failleert” (Kamerbrief 2023, "
            "Reikwijdte): liquiditeit, termijn, onderbouwing."
        ),
    )
    vifo_mitigation_shortfall = models.TextField(
        _("waarom de gevolgen niet anders te mitigeren zijn"),
        blank=True,
        help_text=_(
            "Bij grond 4 is de vraag niet of bestaand instrumentarium het risico afdekt (het toetsingsbesluit "
            "is juist genomen), maar of de gevolgen anders te mitigeren zijn: de voorziening grijpt in "
            "“om de gevolgen van de inzet van het instrumentarium te mitigeren” (Kamerbrief 2023, "
            "Reikwijdte)."
        ),
    )

    # What the case list's search looks in, in capitals, stored by the database (and copied by triggers
    # into CaseSearch, whose trigram index the search reads: cases/0020): one column to scan
    # instead of five upper-cased per case (`cases.selectors.case_search`). Lines keep a search term
    # (which never holds a line break) from matching across two fields.
    search_text = models.GeneratedField(
        expression=Upper(
            Concat(
                "reference",
                Value("\n"),
                "title",
                Value("\n"),
                "target_name",
                Value("\n"),
                "acquirer_name",
                Value("\n"),
                "target_kvk_number",
                output_field=models.TextField(),
            )
        ),
        output_field=models.TextField(),
        db_persist=True,
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("casus")
        verbose_name_plural = _("casussen")
        ordering = ["-signal_received_at", "-id"]
        # Every index is written by every state change (never a HOT update): only those a query needs
        # (issue 25, cases/0019; tests/test_case_indexes.py).
        constraints = [models.UniqueConstraint(fields=["reference"], name="case_reference_unique")]
        indexes = [
            models.Index(fields=["urgency"], name="case_by_urgency"),
            # The list by state in its default order: the page walks the state's cases newest first
            # and stops after the page (with the id, the order's last key, no sort of equal dates).
            models.Index(fields=["state", "-signal_received_at", "-id"], name="case_by_state_received"),
            # The list pages in these orders (default, `?ordering=expected_closing_date`): the page query
            # walks the index and stops after the page instead of sorting every visible case.
            models.Index(fields=["-signal_received_at", "-id"], name="case_by_received"),
            models.Index(fields=["expected_closing_date", "id"], name="case_by_closing_date"),
            # The list's count from the index alone, in case id order to merge with the user's team
            # memberships: every case (and by urgency, classification), and the cases in one state.
            # (Key columns, not INCLUDE: SQLite, the embedded default, has no covering indexes.)
            models.Index(
                fields=["id", "classification_rank", "state", "urgency", "classification"], name="case_visibility_count"
            ),
            models.Index(fields=["state", "id", "classification_rank"], name="case_state_count"),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    def save(self, *args, **kwargs):
        self.classification_rank = rank(self.classification)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Cases are never deleted: withdraw or close them.")

    @property
    def state_fields(self):
        """The lifecycle's one state field, for django-fsm's lost-update check (ConcurrentTransitionMixin).
        django-fsm finds it by testing every field of the model, for every case it makes (~40 tests per
        row read, issue 25); the case has one, `state`."""
        return (type(self)._meta.get_field("state"),)

    @property
    def categories(self) -> list[str]:
        return [c.category for c in self.category_rows.all()]

    # -- The team: the person's role on this case (need-to-know and every case-scoped permission) --
    def role_of(self, user) -> str | None:
        """The person's role on this case's team, or None if they are not on it. The team is read
        once per instance (every service checks a permission on the case before anything else);
        a service that changes the team calls `forget_team()`."""
        if user is None or not user.is_authenticated:
            return None
        roles = self.__dict__.get("_team_roles")
        if roles is None:
            roles = self.__dict__["_team_roles"] = dict(_team_roles_read()(case_id=self.pk))
        return roles.get(user.pk)

    @staticmethod
    def read_teams(cases: "list[Case]") -> None:
        """Read the teams of many cases in one query, so `role_of` on each asks nothing more (lists
        that check a permission per case: "Mijn werk")."""
        teams: dict[int, dict[int, str]] = {case.pk: {} for case in cases}
        rows = CaseTeamMember.objects.filter(case_id__in=list(teams)).order_by()
        for case_id, user_id, role in rows.values_list("case_id", "user_id", "role"):
            teams[case_id][user_id] = role
        for case in cases:
            case.__dict__["_team_roles"] = teams[case.pk]

    def forget_team(self) -> None:
        self.__dict__.pop("_team_roles", None)

    def share_team_with(self, other: "Case") -> None:
        """Give `other` (the same case read again, e.g. under a lock) the team already read here."""
        if other.pk == self.pk and "_team_roles" in self.__dict__:
            other.__dict__["_team_roles"] = self.__dict__["_team_roles"]

    def confirmed_cabinet_decision(self):
        """The latest confirmed decision on deploying the provision (a decision ordering the sale of
        the stake is not one: `confirmed_sale_order`)."""
        return (
            self.cabinet_decisions.filter(confirmed_at__isnull=False, orders_sale=False)
            .order_by("-confirmed_at")
            .first()
        )

    def confirmed_sale_order(self):
        """The latest confirmed kabinetsbesluit ordering the sale of the stake, or None."""
        return (
            self.cabinet_decisions.filter(confirmed_at__isnull=False, orders_sale=True)
            .order_by("-confirmed_at")
            .first()
        )

    def governing_deploy_decision(self):
        """The latest confirmed decision to deploy: its maximum, instruments and lapse date govern the
        money in the case (a follow-on beyond it needs a new decision)."""
        return (
            self.cabinet_decisions.filter(confirmed_at__isnull=False, deploy=True)
            .order_by("-confirmed_at", "-id")
            .first()
        )

    # ------------------------------------------------------------------------------------------
    # Lifecycle
    # ------------------------------------------------------------------------------------------
    @transition(state, source=State.SIGNAL, target=State.INTAKE, permission=_may("start_intake"))
    def start_intake(self):
        """A case officer takes the signal into intake."""

    @transition(
        state,
        source=State.INTAKE,
        target=State.NOT_ADMISSIBLE,
        permission=_may("reject_not_admissible"),
        custom={"reason_required": True},
    )
    def reject_not_admissible(self):
        """Outside the letter's scope (reikwijdte) or covered by existing instruments."""

    @transition(
        state,
        source=State.INTAKE,
        target=State.RISK_ASSESSMENT,
        permission=_may("start_assessment"),
        conditions=[guards.intake_is_complete, guards.state_actor_not_excluded],
    )
    def start_assessment(self):
        """EZK starts the risk assessment (risico-inschatting) with the afwegingskader."""

    @transition(
        state,
        source=State.SIGNAL,
        target=State.RISK_ASSESSMENT,
        permission=_may("start_assessment"),
        conditions=[guards.urgent_and_intake_complete, guards.state_actor_not_excluded],
    )
    def fast_track_to_assessment(self):
        """A "per direct" case whose intake facts are known goes straight to assessment."""

    @transition(
        state,
        source=State.RISK_ASSESSMENT,
        target=State.CABINET_DECISION,
        permission=_may("submit_to_cabinet"),
        conditions=[guards.has_approved_assessment_to_deploy],
    )
    def submit_to_cabinet(self):
        """The approved assessment (both conditions met, every check passed) goes to the ministerraad."""

    @transition(
        state,
        source=State.RISK_ASSESSMENT,
        target=State.NOT_DEPLOYED,
        permission=_may("conclude_not_deployed"),
        conditions=[guards.has_approved_assessment_not_to_deploy],
        custom={"reason_required": True},
    )
    def conclude_not_deployed(self):
        """The approved assessment concludes the instrument is not to be deployed."""

    @transition(
        state,
        source=State.CABINET_DECISION,
        target=State.INVESTMENT_PREPARATION,
        permission=_may("start_investment_preparation"),
        conditions=[guards.cabinet_decided_to_deploy],
    )
    def start_investment_preparation(self):
        """The cabinet decided to deploy; Invest-NL works out the investment proposal."""

    @transition(
        state,
        source=State.CABINET_DECISION,
        target=State.NOT_DEPLOYED,
        permission=_may("record_cabinet_declined"),
        conditions=[guards.cabinet_declined],
        custom={"reason_required": True},
    )
    def record_cabinet_declined(self):
        """The cabinet decided not to deploy."""

    @transition(
        state,
        source=State.INVESTMENT_PREPARATION,
        target=State.INVESTED,
        permission=_may("mark_invested"),
        conditions=[guards.has_disbursement],
    )
    def mark_invested(self):
        """The first disbursement into an SPV position was made (bev moves the case here)."""

    @transition(
        state,
        source=[State.INVESTED, State.MONITORING, State.EXIT],
        target=State.INVESTMENT_PREPARATION,
        permission=_may("undo_invested"),
        conditions=[guards.nothing_invested],
    )
    def undo_invested(self):
        """Every disbursement into the case's positions was reversed: the State holds nothing, and the
        case is back where the first disbursement found it (bev moves it here, as it moved it to
        invested). The service's own reading; a case left "invested" with nothing invested could not
        be sold, closed or withdrawn, nor one left in exit (no sale stood in the way: a disbursement of
        a position sold from cannot be reversed, its cost would go below zero)."""

    @transition(state, source=State.INVESTED, target=State.MONITORING, permission=_may("start_monitoring"))
    def start_monitoring(self):
        """The position is held and the risk and the cabinet's conditions are followed."""

    @transition(
        state,
        source=[State.INVESTED, State.MONITORING],
        target=State.FOLLOW_ON_DECISION,
        permission=_may("request_follow_on_decision"),
        conditions=[guards.has_disbursement],
        custom={"reason_required": True},
    )
    def request_follow_on_decision(self):
        """A follow-on investment beyond what the kabinetsbesluit allowed needs a new decision
        ("draag ik zorg dat het kabinetsbesluit ... effectief ten uitvoer wordt gebracht", letter):
        the case goes back to the cabinet; its positions stay and nothing is invested meanwhile."""

    @transition(
        state,
        source=State.FOLLOW_ON_DECISION,
        target=State.MONITORING,
        permission=_may("resume_after_follow_on_decision"),
        conditions=[guards.cabinet_decided_since_follow_on_request],
    )
    def resume_after_follow_on_decision(self):
        """The cabinet decided on the follow-on: a decision to deploy now governs the money (the
        latest confirmed one); after a decline the earlier decision still does."""

    @transition(
        state,
        source=State.MONITORING,
        target=State.EXIT,
        permission=_may("start_exit"),
        conditions=[guards.exit_is_authorised],
    )
    def start_exit(self):
        """An approved risk review found the risk back at a manageable level, or the cabinet ordered
        the sale: the stake is wound down."""

    @transition(
        state,
        source=State.EXIT,
        target=State.CLOSED,
        permission=_may("close"),
        conditions=[guards.all_positions_exited],
    )
    def close(self):
        """Every position is fully exited."""

    @transition(
        state,
        source=WITHDRAWABLE_STATES,
        target=State.WITHDRAWN,
        permission=_may("withdraw"),
        custom={"reason_required": True},
    )
    def withdraw(self):
        """The threat went away (the acquirer withdrew, the company found other finance, ...)."""


class CaseCategory(models.Model):
    """A category of strategic importance of the target company (one row per category, so that
    lists filter on it in any database)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="category_rows")
    category = models.CharField(max_length=40, choices=StrategicCategory.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "category"], name="unique_case_category")]
        # The list's `?category=` filter (and its count) by category.
        indexes = [models.Index(fields=["category", "case"], name="case_category_by_category")]

    def __str__(self):
        return self.get_category_display()


class CaseTeamMember(models.Model):
    """Need-to-know: the people who may see and act on this case, each with their role on it."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="team")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_memberships")
    role = models.CharField(_("rol in de casus"), max_length=32, choices=Role.choices)
    added_at = models.DateTimeField(auto_now_add=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)

    class Meta:
        verbose_name = _("teamlid")
        verbose_name_plural = _("casusteam")
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="unique_case_member")]
        # visible_to() and case_file_visible_to() ask "is this user on this case (and not as department
        # advisor)?" for every case of a list: answered from this index alone.
        indexes = [models.Index(fields=["user", "case", "role"], name="case_member_by_user_role")]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()})"


class CaseSearch(models.Model):
    """The case's searchable text (`Case.search_text`) in a 1:1 table of its own, with the trigram
    index the list's search reads (issue 25, cases/0020): a state change is never a HOT update, so
    on the case row the GIN index took every trigram of the unchanged text again on each transition.
    Written only by the database (triggers on insert and on a change of reference, title, target,
    acquirer or KvK number), never by the application."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True, related_name="search")
    search_text = models.TextField()

    def __str__(self):
        return str(self.case_id)


class TimelineEvent(models.Model):
    """One step in the life of a case: append-only."""

    # Every read of the timeline is of one case (ordered by `at`): the (case, at) index below answers it,
    # so neither column has an index of its own that each event would pay for (issue 25).
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="timeline", db_index=False)
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    transition = models.CharField(max_length=64, blank=True)
    from_state = models.CharField(max_length=32, blank=True, choices=State.choices)
    to_state = models.CharField(max_length=32, blank=True, choices=State.choices)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"])]

    def __str__(self):
        return f"{self.case_id} {self.kind} {self.transition}"


class CabinetDecision(models.Model):
    """The kabinetsbesluit: "Op basis van deze risico-inschatting beslist het kabinet over de inzet
    van de voorziening" (letter, Afwegingskader). Entered by one person, confirmed by another."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="cabinet_decisions")
    meeting_date = models.DateField(_("datum ministerraad"))
    reference = models.CharField(_("kenmerk besluit"), max_length=100)
    deploy = models.BooleanField(_("inzet van de voorziening"))
    # A later decision, while the stake is held, that orders its sale (partial or full): besides an
    # approved risk review that found the risk manageable, the only ground for booking a sale
    # (bev.services.exits; letter: the State winds down "zodra de risico's ... tot op een
    # beheersbaar niveau zijn gebracht", and the cabinet decides on the provision).
    orders_sale = models.BooleanField(_("besluit tot verkoop van het belang"), default=False)
    # What a decision to deploy allows: "draag ik zorg dat het kabinetsbesluit om te investeren door
    # Invest-NL effectief ten uitvoer wordt gebracht" (letter, "Invest-NL als beheerder"). The fund
    # holds every reservation and disbursement of the case to it (bev.services.ledger._check_cabinet_decision).
    instruments = models.JSONField(
        _("toegestane instrumenten"),
        default=list,
        blank=True,
        help_text=_("Van de drie die de brief toestaat (constants.Instrument)."),
    )
    max_amount = models.DecimalField(
        _("maximaal bedrag voor de casus (EUR)"),
        max_digits=15,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Het totaal dat in de casus gereserveerd en uitbetaald mag zijn."),
    )
    lapses_on = models.DateField(
        _("vervalt na"),
        null=True,
        blank=True,
        help_text=_("Na deze datum wordt onder dit besluit niets meer gereserveerd of uitbetaald."),
    )
    conditions = models.TextField(_("voorwaarden"), blank=True)
    notes = models.TextField(_("toelichting"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # Four eyes can also say no: the second secretary rejects a decision recorded wrongly (another
    # maximum, another case's conditions) with a reason. A rejected decision is kept for the record
    # and binds nothing: every reading of "the case's decision" asks for a confirmed one, and the case
    # may get a new decision recorded (cases.services.cabinet_decision_reject).
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("afgewezen door"),
    )
    rejected_at = models.DateTimeField(_("afgewezen op"), null=True, blank=True)
    rejection_reason = models.TextField(_("reden van afwijzing"), blank=True)

    class Meta:
        verbose_name = _("kabinetsbesluit")
        verbose_name_plural = _("kabinetsbesluiten")
        ordering = ["-recorded_at"]
        constraints = [
            # confirmed or rejected, never both; a rejection names who and why
            models.CheckConstraint(
                condition=models.Q(confirmed_at__isnull=True) | models.Q(rejected_at__isnull=True),
                name="cabinet_decision_confirmed_or_rejected",
            ),
            models.CheckConstraint(
                condition=models.Q(rejected_at__isnull=True)
                | (models.Q(rejected_by__isnull=False) & ~models.Q(rejection_reason="")),
                name="cabinet_decision_rejection_complete",
            ),
        ]

    def __str__(self):
        what = "verkoop" if self.orders_sale else ("inzet" if self.deploy else "geen inzet")
        return f"{self.reference} ({what})"

    def instrument_labels(self) -> list[str]:
        return [str(Instrument(i).label) if i in Instrument.values else i for i in self.instruments]

    @property
    def is_pending(self) -> bool:
        """Recorded, and neither confirmed nor rejected yet: it waits for the second secretary."""
        return self.confirmed_at is None and self.rejected_at is None


class StageClock(models.Model):
    """The deadline of one stage of a case, with ZGW-style suspension (opschorting)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="clocks")
    stage = models.CharField(max_length=32, choices=State.choices)
    started_at = models.DateTimeField()
    due_at = models.DateTimeField()
    suspended_since = models.DateTimeField(null=True, blank=True)
    suspension_reason = models.TextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    overdue_flagged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_at", "id"]
        indexes = [models.Index(fields=["completed_at", "due_at"])]

    def __str__(self):
        return f"{self.case_id} {self.stage} due {self.due_at:%Y-%m-%d}"

    @property
    def is_suspended(self) -> bool:
        return self.suspended_since is not None


class ReferenceCounter(models.Model):
    """Hands out case reference numbers per year; a number is never reused."""

    year = models.PositiveIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)
