"""What the case lifecycle asks apps above it (`core.registry`): filled in their AppConfig.ready().

- case_ended(*, case, user, reason) -> None   (bev, the fund)
  Called by `cases.services.case_transition` inside the transition's database transaction when a
  case reaches an end state (closed, withdrawn, not admissible, not deployed). The fund releases
  what is still reserved for the case's positions: money earmarked for an investment that will not
  be made goes back to the available liquidity (letter: the fund is "revolverend"; reservations
  exist only for "het kabinetsbesluit om te investeren ... effectief ten uitvoer"). A refusal there
  rolls the transition back.
- fund_maximum_size() -> Decimal | None   (bev, the fund)
  The most the fund can ever hold to invest (letter: "De maximale omvang van de voorziening bedraagt
  150 miljoen euro in liquide middelen"; the fund's configured figure), None while no fund is set
  up. A kabinetsbesluit to deploy names a maximum for the case no higher than that
  (cabinet_decision_record).
"""

from __future__ import annotations

from core.registry import Slot

case_ended = Slot("cases.hooks.case_ended", "what the fund does when a case ends: release what is still reserved")
fund_maximum_size = Slot(
    "cases.hooks.fund_maximum_size", "the most the fund can ever hold to invest (None while no fund is set up)"
)
