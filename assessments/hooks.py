"""What the afwegingskader asks apps above it (`core.registry`): filled in their AppConfig.ready().

- open_cabinet_conditions(case_id) -> list[str]   (bev, the fund's follow-ups)
  The descriptions of the cabinet's conditions on the case's positions that are still open or were
  breached. A risk review cannot answer "the cabinet's conditions are met" while there are any.
"""

from __future__ import annotations

from core.registry import Slot

open_cabinet_conditions = Slot(
    "assessments.hooks.open_cabinet_conditions", "the cabinet conditions of a case's positions still open or breached"
)
