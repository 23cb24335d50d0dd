"""Web pages of the afwegingskader: a case's assessments, the scoring page (with the letter's
guidance next to each item, the computed outcome with its explanation, assessors side by side and
the profile chart), consultation requests and the advisor's reply."""

from __future__ import annotations

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access.models import User
from access.permissions import can
from access.roles import Role
from cases.selectors import case_get
from core.exceptions import ApplicationError, PermissionDenied
from core.forms import SentOnceForm
from core.views import (
    AlreadySubmitted,
    add_error,
    already_submitted,
    confirm_first,
    refused_elsewhere,
    submitted_once,
    web_view,
)
from documents.constants import DocumentType
from documents.selectors import documents_linked_to

from . import selectors, services
from .constants import AssessmentKind, AssessmentStatus, ConsultationStatus, Outcome, ReviewDecision
from .forms import (
    AnswerForm,
    CheckForm,
    CommentsForm,
    ConditionForm,
    ConsultationForm,
    LowIndicatorsJustificationForm,
    NoConsultationReasonForm,
    PolicyGoalForm,
    ReasonForm,
    ResponseForm,
    ScopeForm,
    ScoreForm,
    SettleForm,
    evidence_text,
)
from .models import Assessment
from .services.lifecycle import assessment_authors

REFUSED = (ApplicationError, ValidationError)


# ---------------------------------------------------------------------------------------------
# A case's assessments
# ---------------------------------------------------------------------------------------------
@web_view
def case_assessments(request, pk: int):
    case = case_get(user=request.user, case_id=pk, audit_read=False)
    if request.method == "POST":
        kind = request.POST.get("kind", AssessmentKind.INITIAL)
        try:
            assessment = services.assessment_start(user=request.user, case=case, kind=kind)
        except REFUSED as exc:
            messages.error(request, getattr(exc, "message", None) or "; ".join(getattr(exc, "messages", [])))
            return redirect("assessments:case", pk=case.pk)
        return redirect("assessments:detail", assessment_id=assessment.pk)
    assessments = selectors.assessment_list(user=request.user, case_id=case.pk)
    # Only the kinds the case's state allows (an initial assessment in the risk assessment, a risk
    # review in monitoring): the others ended in a refusal (found by trying the product).
    kinds = [
        (kind, label) for kind, label in AssessmentKind.choices if case.state in services.CASE_STATES_FOR_KIND[kind]
    ]
    return render(
        request,
        "assessments/case.html",
        {
            "case": case,
            "assessments": assessments,
            "nav": "cases",
            "may_start": bool(kinds) and can(request.user, "assessment.lead", case=case),
            "kinds": kinds,
        },
    )


def _lang_text(row: dict, key: str) -> str:
    en = (get_language() or "nl").startswith("en")
    return (row.get(f"{key}_en") if en else row.get(f"{key}_nl")) or row.get(f"{key}_nl") or ""


def _profile_chart(indicators: list[dict], levels: list[int]) -> dict:
    """Horizontal bars: each indicator's final level, with every assessor's score as a dot."""
    top = max(levels) if levels else 4
    label_w, bar_w, row_h = 280, 300, 30
    rows = []
    for i, row in enumerate(indicators):
        y = 30 + i * row_h
        final = row["final_level"]
        rows.append(
            {
                # The bar's label fits its 280 px (cut with an ellipsis); the description screen
                # readers read has the whole name.
                "label": row["label"] if len(row["label"]) <= 42 else row["label"][:41].rstrip() + "…",
                "full_label": row["label"],
                "y": y,
                "ty": y + 14,
                "w": round(bar_w * final / top, 1) if final is not None else 0,
                "value": row["final_level_label"] or "–",
                "dots": [
                    {
                        "x": round(label_w + bar_w * s["level"] / top, 1),
                        "cy": y + 10,
                        "who": s["assessor_name"],
                        "level": s["level"],
                    }
                    for s in row["scores"]
                ],
                "disagreement": row["disagreement"],
            }
        )
    ticks = [{"x": round(label_w + bar_w * level / top, 1), "label": level} for level in levels]
    return {
        "rows": rows,
        "ticks": ticks,
        "x0": label_w,
        "bar_w": bar_w,
        "width": label_w + bar_w + 120,
        "height": 40 + len(indicators) * row_h,
        "axis_y": 30 + len(indicators) * row_h,
    }


def _consult_choices(assessment: Assessment) -> tuple[list, list]:
    """The consultation form's advisors (the case team's department advisors, with their
    organisation) and parts (labels, not codes)."""
    framework = assessment.framework.framework
    # The people picker (issue 23): "Name — organisation — role", grouped by organisation, of exactly
    # whom the service takes (selectors.consultation_advisors).
    groups: dict[str, list[tuple[str, str]]] = {}
    for person in selectors.consultation_advisors(case=assessment.case):
        organisation = person.organisation or "–"
        groups.setdefault(organisation, []).append(
            (person.username, f"{person} — {organisation} — {Role.DEPARTMENT_ADVISOR.label}")
        )
    advisors = list(groups.items())
    parts = [(i.code, i.label) for i in framework.conditions + framework.indicators + framework.checks]
    return advisors, parts


def _assessment_page(request, assessment: Assessment, *, bound: dict | None = None, status: int = 200):
    user = request.user
    bound = bound or {}
    case = assessment.case
    detail = selectors.assessment_detail(assessment=assessment)
    framework = assessment.framework.framework
    levels = [(level, f"{level} – {framework.scale_label(level)}") for level in framework.levels]
    draft = assessment.status == AssessmentStatus.DRAFT
    is_lead = assessment.lead_id == user.pk and can(user, "assessment.lead", case=case)
    may_score = draft and can(user, "assessment.score", case=case)

    placed = set()  # the keys of the forms this page shows (each is built only where it is shown)

    def form_for(key, factory):
        placed.add(key)
        return bound.get(key) or factory()

    for row in detail["conditions"]:
        row["guidance"] = _lang_text(row, "guidance")
        if is_lead and draft:
            row["form"] = form_for(
                f"condition:{row['code']}",
                lambda r=row: ConditionForm(
                    prefix=f"c-{r['code']}",
                    initial={
                        "status": r["status"],
                        "rationale": r["rationale"],
                        "evidence": evidence_text(r["evidence"]),
                    },
                ),
            )
    for row in detail["checks"]:
        row["guidance"] = _lang_text(row, "guidance")
        row["question"] = _lang_text(row, "question")
        if is_lead and draft:
            row["form"] = form_for(
                f"check:{row['code']}",
                lambda r=row: CheckForm(
                    prefix=f"k-{r['code']}",
                    initial={
                        "answer": r["answer"],
                        "rationale": r["rationale"],
                        "evidence": evidence_text(r["evidence"]),
                    },
                ),
            )
    assessors = []
    for row in detail["indicators"]:
        row["guidance"] = _lang_text(row, "guidance")
        for s in row["scores"]:
            if s["assessor"] not in [a["username"] for a in assessors]:
                assessors.append({"username": s["assessor"], "name": s["assessor_name"]})
        mine = next((s for s in row["scores"] if s["assessor"] == user.username), None)
        if may_score:
            row["form"] = form_for(
                f"score:{row['code']}",
                lambda r=row, m=mine: ScoreForm(
                    prefix=f"s-{r['code']}",
                    levels=levels,
                    initial={"level": m["level"], "rationale": m["rationale"], "evidence": evidence_text(m["evidence"])}
                    if m
                    else None,
                ),
            )
        if is_lead and draft and row["disagreement"]:
            row["settle_form"] = form_for(
                f"settle:{row['code']}", lambda r=row: SettleForm(prefix=f"v-{r['code']}", levels=levels)
            )
    for row in detail["indicators"]:
        by = {s["assessor"]: s for s in row["scores"]}
        row["columns"] = [by.get(a["username"]) for a in assessors]

    advisors, parts = _consult_choices(assessment)
    rules = detail["rules"]
    initial = assessment.kind == AssessmentKind.INITIAL
    for c in detail["consultations"]:
        if is_lead and c["status"] == ConsultationStatus.OPEN and assessment.status != AssessmentStatus.APPROVED:
            c["waive_form"] = form_for(f"waive:{c['id']}", lambda c=c: ReasonForm(prefix=f"w-{c['id']}"))
        if (
            is_lead
            and draft
            and c["status"] == ConsultationStatus.ANSWERED
            and c["position"] in ("objects", "concerns")
        ):
            c["respond_form"] = form_for(
                f"respond:{c['id']}",
                lambda c=c: ResponseForm(prefix=f"r-{c['id']}", initial={"response": c["response"]}),
            )
    for r in detail["reviews"]:
        r["decision_label"] = (
            ReviewDecision(r["decision"]).label if r["decision"] in ReviewDecision.values else r["decision"]
        )
    # Four eyes: nobody who drew it up is offered the review the service would refuse them.
    reviewer = (
        assessment.status == AssessmentStatus.SUBMITTED
        and can(user, "assessment.approve", case=case)
        and user.pk not in assessment_authors(assessment)
    )
    # The report for the ministerraad (what the API's assessment-report makes): an approved
    # assessment's documents of that type, and the button for whom the service takes it from.
    approved = assessment.status == AssessmentStatus.APPROVED
    reports = (
        list(documents_linked_to(user=user, obj=assessment).filter(document_type=DocumentType.ASSESSMENT_REPORT))
        if approved
        else []
    )
    may_report = approved and not reports and can(user, "assessment.generate_report", case=case)
    if may_report:
        placed.add("report")
    context = {
        "case": case,
        "assessment": assessment,
        "reports": reports,
        "may_report": may_report,
        "report_form": bound.get("report"),
        "detail": detail,
        "result": detail["result"],
        "nav": "cases",
        "assessors": assessors,
        "is_lead": is_lead,
        "draft": draft,
        "may_score": may_score,
        "scope_form": form_for(
            "scope",
            lambda: ScopeForm(
                initial={
                    "scope_ground": assessment.scope_ground or (case.scope_grounds[0] if case.scope_grounds else ""),
                    "confirmed": {True: "yes", False: "no"}.get(assessment.scope_ground_confirmed, ""),
                    "rationale": assessment.scope_rationale,
                }
            ),
        )
        if is_lead and draft and assessment.kind == AssessmentKind.INITIAL
        else None,
        "consult_form": form_for("consult", lambda: ConsultationForm(advisors=advisors, parts=parts))
        if is_lead and draft
        else None,
        "rules": rules,
        "policy_goal_form": form_for(
            "policy_goal",
            lambda: PolicyGoalForm(
                initial={
                    "crucial": {True: "yes", False: "no"}.get(assessment.policy_goal_crucial, ""),
                    "rationale": assessment.policy_goal_rationale,
                }
            ),
        )
        if is_lead and draft and rules["broader_requires_crucial"]
        else None,
        "low_indicators_form": form_for(
            "low_indicators",
            lambda: LowIndicatorsJustificationForm(initial={"justification": assessment.low_indicators_justification}),
        )
        if is_lead and draft and initial and rules["low_indicators_rule"]
        else None,
        "no_consultation_form": form_for(
            "no_consultation", lambda: NoConsultationReasonForm(initial={"reason": assessment.no_consultation_reason})
        )
        if is_lead and draft and initial and rules["afstemming_in_outcome"] and not detail["consultations"]
        else None,
        "reviewer": reviewer,
        "review_form": form_for("review", lambda: CommentsForm()) if reviewer else None,
        "may_revise": (
            assessment.status == AssessmentStatus.APPROVED
            and can(user, "assessment.lead", case=case)
            and not detail["next_revision_id"]
        ),
        "chart": _profile_chart(detail["indicators"], framework.levels),
        "scale": [
            {
                "level": lvl["level"],
                "label": lvl.get("label_en") if (get_language() or "").startswith("en") else lvl.get("label_nl"),
                "description": _lang_text(lvl, "description"),
            }
            for lvl in framework.scale
        ],
        "thresholds": [
            {"label": framework.risk_level_label(row["code"]), "min_score": row["min_score"]}
            for row in framework.risk_levels
        ],
        # The outcome's label in the reader's language (an approved result keeps the label of its day).
        "outcome_label": Outcome(detail["result"]["outcome"]).label
        if detail["result"].get("outcome") in Outcome.values
        else "",
        "submit_form": bound.get("submit") if is_lead and draft else None,
        # The progress list and the submit box: the submit rules' open items (selectors).
        "progress": selectors.assessment_progress(
            assessment=assessment, result=detail["result"], consultations=detail["consultations"]
        )
        if assessment.status != AssessmentStatus.APPROVED
        else None,
        "advisors_on_team": bool(advisors),
    }
    if is_lead and draft:
        placed.add("submit")
    # A refusal of a step whose form this page does not show (the lead approving their own draft, a
    # score on an approved assessment, an unknown indicator) is shown at the top: it used to be a 400
    # with no message at all (found by trying the product).
    context["general_errors"] = bound.get("general") or refused_elsewhere(bound, shown=placed)
    return render(request, "assessments/detail.html", context, status=status)


@web_view
def assessment_detail(request, assessment_id: int):
    assessment = selectors.assessment_get(user=request.user, assessment_id=assessment_id, audit_read=True)
    return _assessment_page(request, assessment)


def _levels(assessment):
    framework = assessment.framework.framework
    return [(level, str(level)) for level in framework.levels]


def _step_confirmation(assessment: Assessment, action: str, data: dict) -> dict:
    """What submitting or approving an assessment confirms (core.views.confirm_first)."""
    case = assessment.case
    facts = [(_("Casus"), f"{case.reference} {case.title}"), (_("Risico-inschatting"), assessment.get_kind_display())]
    if action == "submit":
        return {
            "title": _("Indienen ter goedkeuring"),
            "facts": facts,
            "button": _("Bevestigen en indienen"),
            "consequence": _(
                "De inschatting gaat naar een tweede beoordelaar (vier ogen) en kan niet meer worden "
                "gewijzigd, tenzij zij wordt teruggestuurd."
            ),
            "back_url": reverse("assessments:detail", args=[assessment.pk]),
        }
    return {
        "title": _("Risico-inschatting goedkeuren"),
        "facts": [*facts, (_("Opmerkingen"), data.get("comments"))],
        "button": _("Bevestigen en goedkeuren"),
        "consequence": _("De uitkomst wordt vastgelegd en verandert daarna nooit meer."),
        "back_url": reverse("assessments:detail", args=[assessment.pk]) + "#review",
    }


@web_view
@require_POST
def assessment_act(request, assessment_id: int, action: str, code: str = ""):
    """One POST endpoint per step; a refusal re-renders the page with the form and its errors."""
    from django import forms as django_forms

    user = request.user
    assessment = selectors.assessment_get(user=user, assessment_id=assessment_id)
    done = _("Opgeslagen.")
    key = f"{action}:{code}" if code else action
    if action == "scope":
        form = ScopeForm(request.POST)

        def call(d):
            return services.assessment_set_scope(
                user=user,
                assessment=assessment,
                scope_ground=d["scope_ground"],
                confirmed=d["confirmed"],
                rationale=d["rationale"],
            )
    elif action == "policy_goal":
        form = PolicyGoalForm(request.POST)
        call = lambda d: services.assessment_set_policy_goal(user=user, assessment=assessment, **d)  # noqa: E731
    elif action == "low_indicators":
        form = LowIndicatorsJustificationForm(request.POST)
        call = lambda d: services.assessment_set_low_indicators_justification(  # noqa: E731
            user=user, assessment=assessment, **d
        )
    elif action == "no_consultation":
        form = NoConsultationReasonForm(request.POST)
        call = lambda d: services.assessment_set_no_consultation_reason(user=user, assessment=assessment, **d)  # noqa: E731
        if not request.POST.get("reason", "").strip():  # an empty reason withdraws the one recorded
            done = _("De reden is ingetrokken: zonder adviesaanvraag en zonder reden kan het advies geen inzet zijn.")
    elif action == "respond":
        consultation = assessment.consultations.filter(pk=code).first() if code.isdigit() else None
        if consultation is None:
            raise Http404()
        form = ResponseForm(request.POST, prefix=f"r-{code}")
        call = lambda d: services.consultation_respond(user=user, consultation=consultation, **d)  # noqa: E731
    elif action == "condition":
        form = ConditionForm(request.POST, prefix=f"c-{code}")
        call = lambda d: services.assessment_set_condition(user=user, assessment=assessment, code=code, **d)  # noqa: E731
    elif action == "check":
        form = CheckForm(request.POST, prefix=f"k-{code}")
        call = lambda d: services.assessment_set_check(user=user, assessment=assessment, code=code, **d)  # noqa: E731
    elif action == "score":
        form = ScoreForm(request.POST, prefix=f"s-{code}", levels=_levels(assessment))
        call = lambda d: services.assessment_score(user=user, assessment=assessment, indicator=code, **d)  # noqa: E731
    elif action == "settle":
        form = SettleForm(request.POST, prefix=f"v-{code}", levels=_levels(assessment))
        call = lambda d: services.assessment_settle(user=user, assessment=assessment, indicator=code, **d)  # noqa: E731
    elif action == "consult":
        advisors, parts = _consult_choices(assessment)
        form = ConsultationForm(request.POST, advisors=advisors, parts=parts)

        def call(d):
            d = dict(d)
            d["advisor"] = User.objects.filter(username=d["advisor"]).first()
            return services.consultation_request(user=user, assessment=assessment, **d)

        done = _("De adviesaanvraag is verstuurd.")
    elif action == "waive":
        consultation = assessment.consultations.filter(pk=code).first()
        if consultation is None:
            raise Http404()
        form = ReasonForm(request.POST, prefix=f"w-{code}")
        call = lambda d: services.consultation_waive(user=user, consultation=consultation, reason=d["reason"])  # noqa: E731
    elif action in ("submit", "revise"):
        form = django_forms.Form(request.POST)
        key = action if action == "submit" else "general"
        service = services.assessment_submit if action == "submit" else services.assessment_revise
        call = lambda d: service(user=user, assessment=assessment)  # noqa: E731
        done = (
            _("Ingediend ter goedkeuring door een tweede beoordelaar.")
            if action == "submit"
            else _("Een nieuwe revisie is aangemaakt.")
        )
    elif action in ("approve", "return"):
        form = CommentsForm(request.POST)
        key = "review"
        service = services.assessment_approve if action == "approve" else services.assessment_return
        call = lambda d: service(user=user, assessment=assessment, comments=d["comments"])  # noqa: E731
        done = (
            _("De risico-inschatting is goedgekeurd.")
            if action == "approve"
            else _("De risico-inschatting is teruggestuurd.")
        )
    else:
        raise Http404()
    if form.is_valid():
        try:
            if action in ("submit", "approve"):
                asked = confirm_first(
                    request,
                    **_step_confirmation(assessment, action, form.cleaned_data),
                    dry_run=lambda: call(form.cleaned_data),
                )
                if asked is not None:
                    return asked
            if isinstance(form, SentOnceForm):  # a request for advice: sent twice, it asked twice
                with submitted_once(request, form):
                    result = call(form.work_data())
            else:
                result = call(form.cleaned_data)
        except AlreadySubmitted:
            return already_submitted(request, reverse("assessments:detail", args=[assessment.pk]) + "#consultations")
        except REFUSED as exc:
            missing = getattr(exc, "extra", {}).get("missing_items") if action == "submit" else None
            if missing:  # name each missing item, as the progress list does
                for item in missing:
                    form.add_error(None, f"{item['label']}: {item['text']}")
            else:
                add_error(form, exc)
        else:
            messages.success(request, done)
            if action == "revise":
                return redirect("assessments:detail", assessment_id=result.pk)
            anchor = {
                "condition": "#conditions",
                "check": "#checks",
                "score": "#indicators",
                "settle": "#indicators",
                "consult": "#consultations",
                "waive": "#consultations",
                "policy_goal": "#indicators",
                "low_indicators": "#conditions",
                "no_consultation": "#consultations",
                "respond": "#consultations",
            }.get(action, "")
            return redirect(reverse("assessments:detail", args=[assessment.pk]) + anchor)
    assessment.refresh_from_db()
    return _assessment_page(request, assessment, bound={key: form}, status=400)


@web_view
@require_POST
def assessment_report(request, assessment_id: int):
    """Make the report for the ministerraad from an approved assessment (the service the API's
    assessment-report calls): to the assessment's page, which links the documents. A role that may
    not make it gets 403 (as in the API); another refusal (not approved) is shown on the page."""
    assessment = selectors.assessment_get(user=request.user, assessment_id=assessment_id)
    form = django_forms.Form(request.POST)
    try:
        document = services.assessment_report_generate(user=request.user, assessment=assessment)
    except PermissionDenied:
        raise
    except REFUSED as exc:
        add_error(form, exc)
        return _assessment_page(request, assessment, bound={"report": form}, status=400)
    messages.success(
        request, _("Het rapport voor de ministerraad is gemaakt: „%(title)s”.") % {"title": document.title}
    )
    return redirect(reverse("assessments:detail", args=[assessment.pk]) + "#report")


# ---------------------------------------------------------------------------------------------
# The advisor's page
# ---------------------------------------------------------------------------------------------
@web_view
def consultation(request, consultation_id: int):
    item = selectors.consultation_get(user=request.user, consultation_id=consultation_id)
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.consultation_answer(user=request.user, consultation=item, **form.cleaned_data)
        except REFUSED as exc:
            add_error(form, exc)
        else:
            messages.success(request, _("Uw advies is vastgelegd."))
            return redirect("assessments:consultation", consultation_id=item.pk)
    detail = selectors.consultation_detail(consultation=item)
    for part in ("conditions", "indicators", "checks"):
        for row in detail["parts"][part]:
            row["guidance"] = _lang_text(row, "guidance")
    # The form shows only while the advice is open and the person's: a refusal otherwise (an answer
    # sent again) goes to the error summary at the top, not a 400 without a message.
    shows_form = item.status == ConsultationStatus.OPEN and item.advisor_id == request.user.pk
    return render(
        request,
        "assessments/consultation.html",
        {
            "consultation": item,
            "detail": detail,
            "case": item.assessment.case,
            "nav": "home",
            "form": form if shows_form else None,
            "general": refused_elsewhere({"answer": form}, shown={"answer"} if shows_form else set()),
        },
        status=400 if form.errors else 200,
    )
