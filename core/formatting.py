"""Dutch formats for money and dates (€ 12.500.000, 24 november 2026), and the web pages' formats in
the page's language (`page_*`: €12,500,000 and 24 November 2026 on an English page).

Documents (letters, reports, the cabinet report) are Dutch whatever the reader's language and use
the Dutch functions; web pages and their views use the `page_*` ones."""

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

MONTHS_NL = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]
CENT = Decimal("0.01")


def euro(amount: Decimal | int | None, *, cents: bool | None = None) -> str:
    """€ 12.500.000 (whole euros) or € 12.500.000,50 (when there are cents, or cents=True)."""
    if amount is None:
        return "–"
    amount = Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)
    negative = amount < 0
    amount = abs(amount)
    whole, fraction = divmod(amount, 1)
    whole_text = f"{int(whole):,}".replace(",", ".")
    show_cents = cents if cents is not None else fraction != 0
    text = f"€ {whole_text}" + (f",{int(fraction * 100):02d}" if show_cents else "")
    return f"-{text}" if negative else text


def date_nl(value: date | datetime | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return f"{value.day} {MONTHS_NL[value.month - 1]} {value.year}"


MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def date_display(value: date | datetime | None) -> str:
    """A date on a web page, in the page's language: 24 november 2026, or 24 November 2026 on an
    English page. Documents (letters, reports) are Dutch and use `date_nl`."""
    from django.utils import translation

    language = translation.get_language() or "nl"
    if not language.startswith("en") or value is None:
        return date_nl(value)
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return f"{value.day} {MONTHS_EN[value.month - 1]} {value.year}"


def moment_display(value: datetime | None, *, seconds: bool = False) -> str:
    """A moment on a web page, in Dutch time and the page's language: 7 december 2026 10:05, or
    7 December 2026 10:05 on an English page (a day-month-year in digits reads differently in the US)."""
    if value is None:
        return "–"
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{date_display(local)} {local:{'%H:%M:%S' if seconds else '%H:%M'}}"


def percent_nl(value: Decimal | None, places: int = 2) -> str:
    if value is None:
        return "–"
    text = f"{Decimal(value):.{places}f}".replace(".", ",")
    return f"{text}%"


def multiple_nl(value: Decimal | None, places: int = 2) -> str:
    """A multiple such as the MOIC: 1,06×."""
    if value is None:
        return "–"
    return f"{Decimal(value):.{places}f}".replace(".", ",") + "×"


def count_nl(value: int | Decimal | None) -> str:
    """A count such as a number of shares, with thousands separators: 1.250.000."""
    if value is None:
        return "–"
    number = Decimal(value)
    if number == number.to_integral_value():
        return f"{int(number):,}".replace(",", ".")
    whole, _sep, fraction = f"{number:f}".partition(".")
    return f"{int(whole):,}".replace(",", ".") + "," + fraction


# ---------------------------------------------------------------------------------------------
# Web pages: the figures in the page's language
# ---------------------------------------------------------------------------------------------
_SWAP_SEPARATORS = str.maketrans({".": ",", ",": "."})


def _english_page() -> bool:
    from django.utils import translation

    return (translation.get_language() or "nl").startswith("en")


def _page(text: str) -> str:
    return text.translate(_SWAP_SEPARATORS) if _english_page() else text


def page_euro(amount: Decimal | int | None, *, cents: bool | None = None) -> str:
    """€ 12.500.000,50 on a Dutch page, €12,500,000.50 on an English one."""
    text = euro(amount, cents=cents)
    return _page(text).replace("€ ", "€") if amount is not None and _english_page() else text


def page_percent(value: Decimal | None, places: int = 2) -> str:
    return _page(percent_nl(value, places))


def page_multiple(value: Decimal | None, places: int = 2) -> str:
    return _page(multiple_nl(value, places))


def page_count(value: int | Decimal | None) -> str:
    return _page(count_nl(value))
