"""The one table of the bottom layer: which web forms were already sent (core.views.submitted_once)."""

from django.db import models
from django.utils import timezone


class FormSubmission(models.Model):
    """A web form that did its work: its token (a hidden field drawn when the form was shown,
    `core.forms.SentOnceForm`) is recorded in the same transaction as that work, so the same form
    sent again (a double click, a reload of the POST, the back button) finds it and changes nothing.

    `user_id` is a plain number, not a foreign key: the bottom layer knows no accounts."""

    token = models.CharField(max_length=64, unique=True)
    user_id = models.BigIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["user_id", "sent_at"], name="core_formsubmission_by_user")]

    def __str__(self) -> str:
        return f"{self.token} ({self.sent_at:%Y-%m-%d %H:%M})"
