"""The benchmark's view of the fund, the assessments and the letters to parliament.

Each function uses the owning app's services when they exist and otherwise says what is missing, so
the report names a scenario that could not be measured instead of faking it."""

from __future__ import annotations

import random

HOOKS: dict = {}


def seed(*, users: dict, scale: float, rng: random.Random) -> dict:
    return {"missing": "fund/assessment seeding not wired yet"}


def scenarios(*, users: dict, rng: random.Random) -> list[dict]:
    return [{"name": name, "missing": "not wired yet"} for name in
            ("assessment_view", "fund_overview", "position_detail", "disbursement", "kamerbrief_render")]


def letter_rendering() -> dict:
    return {"missing": "not wired yet"}


def ledger_three_ways(*, server, tokens: dict, duration: float, database_url: str) -> dict:
    return {"missing": "not wired yet"}
