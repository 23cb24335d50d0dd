"""Web pages of the case file. Thin: forms check shapes, services decide, selectors read."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from access.models import User
from access.permissions import can
from access.roles import Role
from audit.views import trail_page
from core.classification import Classification
from core.exceptions import ApplicationError
from core.extensions import code_label
from core.formatting import page_euro  # the page's language
from core.views import (
    AlreadySubmitted,
    add_error,
    already_submitted,
    confirm_first,
    refused_elsewhere,
    submitted_once,
    web_view,
)

from . import selectors, services
from .constants import END_STATES, OPEN_STATES, EventKind, ScopeGround, State
from .forms import (
    CabinetDecisionForm,
    CaseFilterForm,
    CaseForm,
    DecisionRejectForm,
    NewCaseForm,
    ReasonForm,
    TeamMemberForm,
    TeamRoleForm,
    TransitionForm,
)
from .guards import guard_label
from .lifecycle_diagram import lifecycle_diagram
from .models import Case

REFUSED = (ApplicationError, ValidationError)

# The steps of Invest-NL's investment proposal (bev), as the timeline names them.
PROPOSAL_STEPS = {
    "proposed": gettext_lazy("ingediend door de beheerder"),
    "approved": gettext_lazy("goedgekeurd door EZK"),
    "rejected": gettext_lazy("afgewezen door EZK"),
}


# ---------------------------------------------------------------------------------------------
# List and new signal
# ---------------------------------------------------------------------------------------------
def _filter_cases(qs, data: dict):
    if data.get("q"):
        qs = selectors.case_search(qs, terms=[data["q"].strip()])
    if data.get("state") == "open":
        qs = qs.filter(state__in=OPEN_STATES)
    elif data.get("state"):
        qs = qs.filter(state=data["state"])
    for name in ("urgency", "classification"):
        if data.get(name):
            qs = qs.filter(**{name: data[name]})
    if data.get("category"):
        qs = qs.filter(category_rows__category=data["category"]).distinct()
    if data.get("received_from"):
        qs = qs.filter(signal_received_at__date__gte=data["received_from"])
    if data.get("received_to"):
        qs = qs.filter(signal_received_at__date__lte=data["received_to"])
    return qs


@web_view
def case_list(request):
    if not can(request.user, "case.list"):
        # A department advisor's cases are their advice requests: say where they are, not "0 cases".
        return render(request, "cases/list_not_yours.html", {"nav": "cases"})
    form = CaseFilterForm(request.GET or None)
    qs = selectors.case_list(user=request.user)
    if form.is_bound and form.is_valid():
        qs = _filter_cases(qs, form.cleaned_data)
    from django.core.paginator import Paginator

    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/list.html",
        {
            "form": form,
            "cases": page.object_list,
            "page": page,
            "total": page.paginator.count,
            "query": query.urlencode(),
            "nav": "cases",
            "may_create": can(request.user, "case.create"),
        },
    )


@web_view
def case_create(request):
    if not can(request.user, "case.create"):
        raise_forbidden()
    form = NewCaseForm(
        request.POST or None,
        initial={"signal_received_at": timezone.localtime().replace(second=0, microsecond=0)},
        clearance_rank=request.user.clearance_rank,
    )
    if request.method == "POST" and form.is_valid():
        try:
            with submitted_once(request, form):
                case = services.case_create(user=request.user, data=form.service_data())
        except AlreadySubmitted:
            return already_submitted(request, reverse("cases:list"))
        except REFUSED as exc:
            add_error(form, exc)
        else:
            messages.success(request, _("Signaal vastgelegd als casus %(ref)s.") % {"ref": case.reference})
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/form.html", {"form": form, "nav": "cases", "title": _("Nieuw signaal")})


def raise_forbidden():
    from django.core.exceptions import PermissionDenied

    raise PermissionDenied()


# ---------------------------------------------------------------------------------------------
# The case page
# ---------------------------------------------------------------------------------------------
def _optional_url(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _related_pages(user, case) -> list[dict]:
    """Links to the parts of the case handled by other apps (when those pages exist)."""
    pages = [
        ("assessments:case", _("Risico-inschatting (afwegingskader)"), "case.view"),
        ("documents:case", _("Documenten"), "case.view"),
        ("bev:case_positions", _("Posities en transacties"), "case.view"),
        ("cases:audit", _("Audittrail van deze casus"), "case.view_audit"),
    ]
    result = []
    for name, label, action in pages:
        url = _optional_url(name, case.pk)
        if url and can(user, action, case=case):
            result.append({"url": url, "label": label})
    return result


ASSESSMENT_STEPS = {
    "started": gettext_lazy("gestart"),
    "submitted": gettext_lazy("ingediend ter goedkeuring"),
    "approved": gettext_lazy("goedgekeurd (vier ogen)"),
    "returned": gettext_lazy("teruggestuurd"),
    "revised": gettext_lazy("nieuwe revisie"),
}


def _classification_label(level) -> str:
    return str(Classification(level).label) if level in Classification.values else str(level or "")


def _role_label(role) -> str:
    return str(Role(role).label) if role in Role.values else str(role or "")


def _field_label(name: str) -> str:
    try:
        return str(Case._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def _amount_label(amount) -> str:
    try:
        return page_euro(Decimal(str(amount)))
    except (InvalidOperation, ValueError):
        return str(amount or "")


def _timeline_rows(case):
    """Each event as a sentence with labels and people's names, never codes or usernames (issue 23)."""
    rows = []
    events = list(selectors.case_timeline(case=case))
    usernames = {
        event.data.get(key)
        for event in events
        if event.kind == EventKind.TEAM
        for key in ("added", "removed", "changed")
        if event.data.get(key)
    }
    names = selectors.people_names(usernames=usernames)

    def person(username) -> str:
        return names.get(username, username)

    for event in events:
        text = event.get_kind_display()
        if event.kind == EventKind.TRANSITION:
            text = _("Van %(a)s naar %(b)s") % {"a": event.get_from_state_display(), "b": event.get_to_state_display()}
        elif event.kind == EventKind.TEAM:
            if event.data.get("added"):
                text = _("%(user)s toegevoegd aan het team") % {"user": person(event.data["added"])}
            elif event.data.get("removed"):
                text = _("%(user)s verwijderd uit het team") % {"user": person(event.data["removed"])}
            elif event.data.get("changed"):
                text = _("Rol van %(user)s gewijzigd van %(before)s in %(after)s") % {
                    "user": person(event.data["changed"]),
                    "before": _role_label(event.data.get("from")),
                    "after": _role_label(event.data.get("to")),
                }
            if event.data.get("added"):
                text += " " + _("als %(role)s") % {"role": _role_label(event.data.get("role"))}
            if event.data.get("earlier_roles"):
                text += " " + _("(opnieuw; eerder: %(roles)s)") % {
                    "roles": ", ".join(_role_label(r) for r in event.data["earlier_roles"])
                }
        elif event.kind == EventKind.CABINET_DECISION:
            step = event.data.get("step")
            text = {
                "recorded": _("Kabinetsbesluit vastgelegd"),
                "rejected": _("Kabinetsbesluit afgewezen (vier ogen)"),
            }.get(step) or _("Kabinetsbesluit bevestigd (vier ogen)")
        elif event.kind == EventKind.NOTE and event.data.get("assessment"):
            step = ASSESSMENT_STEPS.get(event.data.get("step") or "started")
            text = _("Risico-inschatting: %(step)s") % {"step": step or event.data.get("step", "")}
            if event.data.get("outcome"):
                text += f" ({code_label('outcome', event.data['outcome'])})"
        elif event.kind == EventKind.UPDATED and event.data.get("classification"):
            text = _("Rubricering gewijzigd van %(before)s in %(after)s") % {
                "before": _classification_label(event.data["classification"].get("before")),
                "after": _classification_label(event.data["classification"].get("after")),
            }
        elif event.kind == EventKind.NOTE and event.data.get("investment_proposal"):
            step = PROPOSAL_STEPS.get(event.data.get("step"), event.data.get("step", ""))
            text = _("Investeringsvoorstel %(step)s: %(instrument)s, %(amount)s (kabinetsbesluit %(ref)s)") % {
                "step": step,
                "instrument": code_label("instrument", event.data.get("instrument")),
                "amount": _amount_label(event.data.get("amount")),
                "ref": event.data.get("decision", ""),
            }
        elif event.kind == EventKind.UPDATED and event.data.get("fields"):
            text = _("Gewijzigd: %(fields)s") % {"fields": ", ".join(_field_label(f) for f in event.data["fields"])}
        rows.append({"event": event, "text": text})
    return rows


def _case_page(request, case, *, forms: dict | None = None, status: int = 200, undo: dict | None = None):
    user = request.user
    forms = forms or {}
    transitions = services.available_transitions(user=user, case=case)
    for t in transitions:
        t["form"] = forms.get(f"transition:{t['name']}") or TransitionForm(
            prefix=t["name"], reason_required=t["reason_required"]
        )
    timeline = _timeline_rows(case)
    visited = {row["event"].to_state for row in timeline if row["event"].to_state} | {case.state}
    clock = services.current_clock(case)
    decisions = list(selectors.case_cabinet_decisions(case=case))
    team = list(selectors.case_team(case=case))
    pending = next((d for d in decisions if d.is_pending), None)
    sale_order = case.state in services.SALE_ORDER_STATES
    # The service's rule (cases.selectors.cabinet_decision_refusal): not while one waits for its
    # confirmation, nor once the decision of this round is confirmed.
    may_record = selectors.cabinet_decision_refusal(
        case=case, state=case.state, orders_sale=sale_order, decisions=decisions
    ) is None and can(user, "cabinet_decision.record", case=case)
    may_change_team = can(user, "case.manage_team", case=case)
    may_manage_team = case.state not in END_STATES and may_change_team
    context = {
        "case": case,
        "nav": "cases",
        "transitions": transitions,
        "blocked": [
            dict(b, target_label=State(b["target"]).label, unmet_labels=[guard_label(g) for g in b["unmet"]])
            for b in services.blocked_transitions(user=user, case=case)
        ],
        "scope_labels": [str(ScopeGround(g).label) for g in case.scope_grounds if g in ScopeGround.values],
        "diagram": lifecycle_diagram(case=case, visited=visited, available={t["name"] for t in transitions}),
        "timeline": timeline,
        "team": team,
        "clock": clock,
        "overdue": bool(clock and not clock.is_suspended and clock.due_at < timezone.now()),
        "decisions": decisions,
        "pending_decision": pending,
        "may_confirm": bool(
            pending
            and pending.recorded_by_id != user.pk
            and services.decision_stage_allows_confirmation(state=case.state, orders_sale=pending.orders_sale)
            and can(user, "cabinet_decision.confirm", case=case)
        ),
        "may_reject": _may_reject(user, case, pending),
        "reject_form": forms.get("reject") or DecisionRejectForm(prefix="reject"),
        "decision_form": forms.get("decision") or (CabinetDecisionForm(sale_order=sale_order) if may_record else None),
        "confirm_form": forms.get("confirm"),
        "may_suspend": bool(clock and case.state not in END_STATES and can(user, "case.suspend", case=case)),
        "suspend_form": forms.get("suspend") or ReasonForm(prefix="suspend"),
        "may_edit": case.state not in END_STATES and can(user, "case.update", case=case),
        "may_manage_team": may_manage_team,
        # On an ended case the picker offers only the oversight role (cases.constants.ENDED_CASE_TEAM_ROLES).
        "may_add_to_team": may_change_team,
        "undo_removal": undo,
        # The people picker lists colleagues only to whoever may change this case's team.
        "team_form": forms.get("team")
        or (TeamMemberForm(prefix="team", candidates=_team_candidates(case)) if may_change_team else None),
        "team_rows": [
            _team_row(m, case=case, sent=forms["role"] if forms.get("role_member") == m.user_id else None) for m in team
        ],
        "related": _related_pages(user, case),
        "end_states": END_STATES,
    }
    # A refusal of a form the page no longer shows (the case moved on while the person's page was open:
    # withdrawn, ended, the member removed) goes into the summary at the top: else the 400 looked like
    # the page itself, without a message (found by trying the product).
    member_ids = {m.user_id for m in team if m.user_id != user.pk}
    shown = {f"transition:{t['name']}" for t in transitions} | {"decision", "confirm"}
    shown |= {"suspend"} if context["may_suspend"] else set()
    shown |= {"reject"} if context["may_reject"] else set()
    shown |= {"team"} if may_change_team else set()
    shown |= {"role"} if may_manage_team and forms.get("role_member") in member_ids else set()
    bound = {key: form for key, form in forms.items() if hasattr(form, "errors")}
    context["general"] = refused_elsewhere(bound, shown=shown)
    return render(request, "cases/detail.html", context, status=status)


def _team_row(member, *, case, sent=None) -> dict:
    """A team member on the case page, with the role picker for them: the roles they may take (their
    current one first), offered only where there is another to take (found by trying the product);
    `sent`, the refused form sent for them."""
    roles = [member.role, *selectors.team_candidate_roles(member.user, case=case)]
    return {
        "member": member,
        "role_form": sent or TeamRoleForm(prefix=f"role-{member.user_id}", initial={"role": member.role}, roles=roles),
        "role_changeable": sent is not None or len(set(roles)) > 1,
    }


@web_view
def case_detail(request, pk: int):
    case = selectors.case_get(user=request.user, case_id=pk)
    return _case_page(request, case, undo=_undo_removal(request, case))


def _team_candidates(case) -> list[tuple]:
    """The people picker's people, each with the case roles they may take (cases.selectors)."""
    return [
        (person, selectors.team_candidate_roles(person, case=case)) for person in selectors.team_candidates(case=case)
    ]


def _undo_removal(request, case) -> dict | None:
    """Right after a removal: the person and role to add back, while they are off the team."""
    try:
        removed = User.objects.filter(pk=int(request.GET.get("removed", ""))).first()
    except ValueError:
        return None
    role = request.GET.get("role", "")
    if (
        removed is None
        or role not in Role.values
        or case.role_of(removed) is not None
        or not can(request.user, "case.manage_team", case=case)
    ):
        return None
    return {"member": removed, "role": role, "role_label": Role(role).label}


@web_view
def case_audit_trail(request, pk: int):
    """The case's own audit trail (auditors and administrators on its team: audit.view)."""
    case = selectors.case_header(user=request.user, case_id=pk)
    return trail_page(request, case_id=case.pk, title=_("Audittrail van %(reference)s") % {"reference": case.reference})


def _case_for_post(request, pk):
    return selectors.case_get(user=request.user, case_id=pk, audit_read=False)


@web_view
@require_POST
def case_transition(request, pk: int, name: str):
    case = _case_for_post(request, pk)
    meta = next((t for t in services.available_transitions(user=request.user, case=case) if t["name"] == name), None)
    form = TransitionForm(request.POST, prefix=name, reason_required=bool(meta and meta["reason_required"]))
    if form.is_valid():
        try:
            case = services.case_transition(user=request.user, case=case, name=name, reason=form.cleaned_data["reason"])
        except REFUSED as exc:
            add_error(form, exc)
        else:
            messages.success(request, _("De casus staat nu op: %(state)s.") % {"state": case.get_state_display()})
            return redirect("cases:detail", pk=case.pk)
    if meta is None:  # not offered (any more): show why above the actions
        messages.error(
            request, "; ".join(str(e) for e in form.non_field_errors()) or _("Deze stap is nu niet mogelijk.")
        )
        return redirect("cases:detail", pk=case.pk)
    return _case_page(request, case, forms={f"transition:{name}": form}, status=400)


@web_view
def case_edit(request, pk: int):
    case = selectors.case_get(user=request.user, case_id=pk, audit_read=request.method == "GET")
    if not can(request.user, "case.update", case=case):
        raise_forbidden()
    if case.state in END_STATES:
        # Ended while the form was open (a colleague withdrew it): say so, not "no access" (found by
        # trying the product: the 403 page blamed the person's role).
        messages.error(
            request,
            _("De casus is beëindigd (%(state)s) en kan niet meer worden gewijzigd.")
            % {"state": case.get_state_display()}
            + (" " + _("Uw wijziging is niet opgeslagen.") if request.method == "POST" else ""),
        )
        return redirect("cases:detail", pk=case.pk)
    allowed = services.EDITABLE_FIELDS.get(case.state, set())
    form = CaseForm(
        request.POST or None,
        instance=case,
        allowed_fields=allowed,
        clearance_rank=request.user.clearance_rank,
        may_lower=can(request.user, "case.lower_classification", case=case),
    )
    if request.method == "POST" and form.is_valid():
        version = request.POST.get("version")
        try:
            services.case_update(
                user=request.user,
                case=case,
                data=form.service_data(only_changed=True),
                expected_version=int(version) if version and version.isdigit() else None,
                classification_reason=form.cleaned_data.get("classification_reason", ""),
            )
        except REFUSED as exc:
            add_error(form, exc)
        else:
            messages.success(request, _("De casus is bijgewerkt."))
            return redirect("cases:detail", pk=case.pk)
    return render(
        request,
        "cases/form.html",
        {"form": form, "nav": "cases", "case": case, "title": _("Casus %(ref)s wijzigen") % {"ref": case.reference}},
    )


@web_view
@require_POST
def team_add(request, pk: int):
    case = _case_for_post(request, pk)
    if not can(request.user, "case.manage_team", case=case):
        raise_forbidden()  # nor the picker's list: it is for whoever may change the team
    # Only a person and role the picker offers now passes the form; anyone else (unknown, inactive,
    # locked out, not of that function, on the team already) gets one message (issue 22).
    form = TeamMemberForm(request.POST, prefix="team", candidates=_team_candidates(case))
    if form.is_valid():
        member, role = form.cleaned_data["member"]
        try:
            services.case_team_add(user=request.user, case=case, member=member, role=role)
        except REFUSED as exc:
            add_error(form, exc)
        else:
            messages.success(request, _("%(user)s is toegevoegd aan het casusteam.") % {"user": member})
            return redirect(reverse("cases:detail", args=[case.pk]) + "#team")
    return _case_page(request, case, forms={"team": form}, status=400)


@web_view
@require_POST
def team_remove(request, pk: int, user_id: int):
    case = _case_for_post(request, pk)
    member = User.objects.filter(pk=user_id).first()
    if member is None:
        raise Http404()
    role = case.role_of(member)
    back = reverse("cases:detail", args=[case.pk])
    try:
        asked = confirm_first(
            request,
            title=_("Teamlid verwijderen"),
            back_url=back + "#team",
            facts=[
                (_("Persoon"), member),
                (_("Rol in de casus"), Role(role).label if role in Role.values else role),
                (_("Casus"), f"{case.reference} {case.title}"),
            ],
            consequence=_(
                "De persoon ziet de casus daarna niet meer. U kunt het direct daarna ongedaan maken; de "
                "tijdlijn houdt beide stappen bij."
            ),
            button=_("Bevestigen en verwijderen"),
            dry_run=lambda: services.case_team_remove(user=request.user, case=case, member=member),
        )
        if asked is not None:
            return asked
        services.case_team_remove(user=request.user, case=case, member=member)
    except REFUSED as exc:
        messages.error(request, exc.message if isinstance(exc, ApplicationError) else "; ".join(exc.messages))
        return redirect(back + "#team")
    messages.success(request, _("%(user)s is uit het casusteam verwijderd.") % {"user": member})
    # Undo: the case page offers to add them back in the role they had (cases:team_add, all its checks).
    return redirect(f"{back}?{urlencode({'removed': member.pk, 'role': role or ''})}#team")


@web_view
@require_POST
def team_change_role(request, pk: int, user_id: int):
    case = _case_for_post(request, pk)
    member = User.objects.filter(pk=user_id).first()
    if member is None:
        raise Http404()
    form = TeamRoleForm(request.POST, prefix=f"role-{member.pk}")
    if form.is_valid():
        try:
            services.case_team_change_role(user=request.user, case=case, member=member, role=form.cleaned_data["role"])
        except REFUSED as exc:
            add_error(form, exc)
        else:
            messages.success(request, _("De rol van %(user)s in het casusteam is gewijzigd.") % {"user": member})
            return redirect(reverse("cases:detail", args=[case.pk]) + "#team")
    return _case_page(request, case, forms={"role": form, "role_member": member.pk}, status=400)


@web_view
@require_POST
def cabinet_decision_record(request, pk: int):
    case = _case_for_post(request, pk)
    form = CabinetDecisionForm(request.POST, sale_order=case.state in services.SALE_ORDER_STATES)
    if form.is_valid():
        try:
            services.cabinet_decision_record(user=request.user, case=case, **form.cleaned_data)
        except REFUSED as exc:
            add_error(form, exc)
        else:
            messages.success(request, _("Het kabinetsbesluit is vastgelegd. Een tweede persoon moet het bevestigen."))
            return redirect(reverse("cases:detail", args=[case.pk]) + "#cabinet-decision")
    return _case_page(request, case, forms={"decision": form}, status=400)


def _may_reject(user, case: Case, decision) -> bool:
    """Whether the page offers "Afwijzen" for this decision: pending, someone else recorded it, the
    case takes it and their role allows it (the service checks all of it again)."""
    return bool(
        decision is not None
        and decision.is_pending
        and decision.recorded_by_id != user.pk
        and services.decision_stage_allows_rejection(state=case.state)
        and can(user, "cabinet_decision.reject", case=case)
    )


@web_view
@require_POST
def cabinet_decision_reject(request, pk: int, decision_id: int):
    """The second secretary rejects a pending decision with a reason (from the case page or the
    decision's confirmation page); a refusal shows on the case page, at the form."""
    case = _case_for_post(request, pk)
    decision = selectors.case_cabinet_decisions(case=case).filter(pk=decision_id).first()
    if decision is None:
        raise Http404()
    form = DecisionRejectForm(request.POST, prefix="reject")
    if form.is_valid():
        try:
            services.cabinet_decision_reject(user=request.user, decision=decision, reason=form.cleaned_data["reason"])
        except REFUSED as exc:
            add_error(form, exc)
        else:
            messages.success(
                request, _("Het kabinetsbesluit is afgewezen. Er kan een nieuw besluit worden vastgelegd.")
            )
            return redirect(reverse("cases:detail", args=[case.pk]) + "#cabinet-decision")
    return _case_page(request, case, forms={"reject": form}, status=400)


@web_view
def cabinet_decision_confirm(request, pk: int, decision_id: int):
    """GET: the confirmation page, showing everything the decision records (instruments, maximum,
    lapse date, conditions) before the second secretary confirms it; POST: confirm."""
    from django import forms as django_forms

    case = _case_for_post(request, pk)
    decision = selectors.case_cabinet_decisions(case=case).filter(pk=decision_id).first()
    if decision is None:
        raise Http404()
    form = django_forms.Form(data={})
    form.is_valid()
    status = 200
    if request.method == "POST":
        try:
            services.cabinet_decision_confirm(user=request.user, decision=decision)
        except REFUSED as exc:
            add_error(form, exc)
            status = 400
        else:
            messages.success(request, _("Het kabinetsbesluit is bevestigd."))
            return redirect(reverse("cases:detail", args=[case.pk]) + "#cabinet-decision")
    return render(
        request,
        "cases/decision_confirm.html",
        {
            "case": case,
            "d": decision,
            "form": form,
            "nav": "cases",
            "may_reject": _may_reject(request.user, case, decision),
            "reject_form": DecisionRejectForm(prefix="reject"),
            "may_confirm": (
                decision.is_pending
                and decision.recorded_by_id != request.user.pk
                and services.decision_stage_allows_confirmation(state=case.state, orders_sale=decision.orders_sale)
                and can(request.user, "cabinet_decision.confirm", case=case)
            ),
        },
        status=status,
    )


def _clock_action(request, pk: int, service, done_message: str):
    case = _case_for_post(request, pk)
    form = ReasonForm(request.POST, prefix="suspend")
    if form.is_valid():
        try:
            service(user=request.user, case=case, reason=form.cleaned_data["reason"])
        except REFUSED as exc:
            add_error(form, exc)
        else:
            messages.success(request, done_message)
            return redirect(reverse("cases:detail", args=[case.pk]) + "#deadline")
    return _case_page(request, case, forms={"suspend": form}, status=400)


@web_view
@require_POST
def case_suspend(request, pk: int):
    return _clock_action(request, pk, services.case_suspend, _("De termijn is opgeschort."))


@web_view
@require_POST
def case_resume(request, pk: int):
    return _clock_action(request, pk, services.case_resume, _("De termijn loopt weer."))
