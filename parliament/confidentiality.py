"""What a public letter to parliament may say about a case: the one place of this rule.

The letter (2023, Werking) promises that parliament is informed after each transaction; the case
files concern national security and state actors, so details that the case's classification does
not allow in public go into a separate confidential annex (vertrouwelijke bijlage), never into the
public body:

- the company's name (and its sector and KvK number) and the acquirer's country are public only
  when the case is classified at a publicly disclosable level (core.classification.PUBLICLY_DISCLOSABLE);
  above it the public body says "een onderneming van strategisch belang";
- whether the acquirer's country is named at all is a policy choice of EZK and BZ
  (landenneutraliteit, `CountryDisclosurePolicy`, dated configuration): even in a public case the
  country is in the public body only when the policy valid on the letter's date says so. A country
  withheld by that policy alone goes into no annex (the annex of a public case would be public);
- amounts (the transaction amount, the stake and the fund's figures, from which the amount could be
  derived) are public unless the case is classified GEHEIM or above;
- the fund's figures (committed capital, invested to date, liquid assets) are public in no letter once
  they hold money of a case whose amounts are withheld: two public letters of other cases, one before
  and one after its transaction, would give its amount as their difference (found by trying the
  product: 147.25m - 99.25m - 8m = the GEHEIM case's 40m). They go into that letter's annex instead.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from core.classification import PUBLICLY_DISCLOSABLE, Classification, rank

# Amounts leave the public letter from this level up.
AMOUNTS_CONFIDENTIAL_FROM = Classification.GEHEIM


@dataclass(frozen=True)
class Disclosure:
    company: bool  # name, sector, KvK number of the target company
    country: bool  # the acquirer's country, in the public body
    amounts: bool  # amount, stake, fund figures
    country_classified: bool = False  # the country is kept out by the classification (so: in the annex)
    fund_figures: bool = True  # the fund's figures, in the public body

    @property
    def details_in_annex(self) -> bool:
        """The annex holds details of this case (its company, country or amounts)."""
        return not (self.company and self.amounts) or self.country_classified

    @property
    def needs_annex(self) -> bool:
        return self.details_in_annex or not self.fund_figures

    def as_dict(self) -> dict:
        return asdict(self)


def disclosure_for(
    classification: str, *, name_country: bool = False, fund_holds_withheld_amounts: bool = False
) -> Disclosure:
    """`name_country`: the country policy valid on the letter's date allows naming it (default: no).
    `fund_holds_withheld_amounts`: the fund's figures on the transaction's date hold money of a case
    classified from AMOUNTS_CONFIDENTIAL_FROM up (`bev.selectors.fund_holds_money_of_cases_from`)."""
    details_public = classification in PUBLICLY_DISCLOSABLE
    amounts_public = rank(classification) < rank(AMOUNTS_CONFIDENTIAL_FROM)
    return Disclosure(
        company=details_public,
        country=details_public and name_country,
        amounts=amounts_public,
        country_classified=not details_public,
        fund_figures=amounts_public and not fund_holds_withheld_amounts,
    )
