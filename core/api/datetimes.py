"""A date and time in the API without an offset is read in Amsterdam time (TIME_ZONE); one that does
not exist there (the hour skipped when summer time starts: 2026-03-29T02:30) or that exists twice
(the hour repeated when it ends: 2026-10-25T02:30) is refused at its field, asking for the offset.

DRF's `DateTimeField` made such a time aware with the first of its readings, silently: found by
trying the product ("2026-03-29T02:30:00" was stored as 02:30+01:00 and shown as 03:30+02:00 after
a later edit). Django's web forms refuse the same times already (`from_current_timezone`). Wired
once for every serializer (`install_datetime_hook`, `CoreConfig.ready`), as core.api.numbers is.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions, fields

_enforce_timezone = fields.DateTimeField.enforce_timezone


def _one_reading(value: datetime.datetime, zone: datetime.tzinfo) -> bool:
    """The naive `value` names one moment in `zone`: both readings of a repeated or skipped hour agree."""
    return value.replace(tzinfo=zone, fold=0).utcoffset() == value.replace(tzinfo=zone, fold=1).utcoffset()


def _enforce_one_reading(self, value):
    zone = self.timezone if hasattr(self, "timezone") else self.default_timezone()
    if zone is not None and timezone.is_naive(value) and not _one_reading(value, zone):
        raise exceptions.ValidationError(
            _(
                "Dit tijdstip bestaat niet of komt twee keer voor in Nederlandse tijd (de wisseling van zomer- "
                "en wintertijd): geef het met de afwijking van UTC, bijv. %(example)s."
            )
            % {"example": value.replace(tzinfo=None).isoformat(timespec="minutes") + "+01:00"},
            code="invalid",
        )
    return _enforce_timezone(self, value)


def install_datetime_hook() -> None:
    setattr(fields.DateTimeField, "enforce_timezone", _enforce_one_reading)  # noqa: B010
