"""What `access` asks apps above it (`core.registry`): filled in their AppConfig.ready().

- open_cases_above_clearance(*, user_id, clearance_rank) -> list[str]   (cases)
  The references of the cases not ended (closed, withdrawn, not admissible, not deployed) on whose
  team the person is and that are classified above `clearance_rank`. Lowering a person's clearance
  below one of them is refused (`access.services.user_require_clearance_covers_teams`), as raising
  such a case above a member's clearance is (`classification_above_member_clearance`).
"""

from __future__ import annotations

from core.registry import Slot

open_cases_above_clearance = Slot(
    "access.hooks.open_cases_above_clearance",
    "the open cases (references) on whose team a person is, classified above a clearance rank",
)
