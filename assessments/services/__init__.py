"""Services of the afwegingskader, split by subdomain: frameworks, the lifecycle of an assessment,
consultation (afstemming) and the cabinet report. Callers import from `assessments.services`.
Every change to a framework version, an assessment or a consultation is one transaction with its
audit record.

Who does what (access.roles): risk assessors score (`assessment.score`); the lead assessor (who
started the assessment, `assessment.lead`) records the conditions, checks and scope ground, settles
disagreeing scores, consults the ministries and submits; a *different* assessor approves or returns
it (`assessment.approve`, four eyes); department advisors answer the request addressed to them.
"""

from .common import (  # noqa: F401
    CASE_STATE_FOR_KIND,
    CASE_STATES_FOR_KIND,
)
from .consultation import (  # noqa: F401
    assessment_set_no_consultation_reason,
    consultation_answer,
    consultation_request,
    consultation_respond,
    consultation_waive,
    flag_overdue_consultations,
)
from .frameworks import (  # noqa: F401
    framework_create_draft,
    framework_current,
    framework_publish,
    framework_update_draft,
)
from .lifecycle import (  # noqa: F401
    assessment_approve,
    assessment_return,
    assessment_revise,
    assessment_score,
    assessment_set_check,
    assessment_set_condition,
    assessment_set_low_indicators_justification,
    assessment_set_policy_goal,
    assessment_set_scope,
    assessment_settle,
    assessment_start,
    assessment_submit,
)
from .report import (  # noqa: F401
    assessment_report_generate,
)
