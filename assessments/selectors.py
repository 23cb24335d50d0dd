"""Reads of the afwegingskader. The two functions below are the hooks the case lifecycle asks
(see cases.guards); the assessments issue fills them in."""


def approved_outcome_for_case(case_id: int) -> str | None:
    """The outcome ("deploy" / "do_not_deploy") of the case's latest approved assessment, or None."""
    return None


def risk_review_allows_exit(case_id: int) -> bool:
    """True when the latest approved risk review in monitoring found the risk manageable."""
    return False
