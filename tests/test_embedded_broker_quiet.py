"""`make run` without Redis runs Celery's tasks eagerly; Celery still takes a producer from the
broker's pool for each one, and with the broker URL `memory://` kombu warned "No hostname was
supplied. Reverting to default 'localhost'" in the middle of the demo's output, as if a broker were
missing. The embedded default's in-memory broker names its host, so a newcomer sees no warning."""

from __future__ import annotations

from .test_embedded_default import embedded_environment, run

SEND = "from access.tasks import deliver_task_mail; deliver_task_mail.delay('Onderwerp', 'Tekst', ['a@example.org'])"


def test_an_eager_task_does_not_warn_of_a_missing_broker(tmp_path):
    output = run("manage.py", "shell", "-c", SEND, environment=embedded_environment(tmp_path))
    assert "Subject: Onderwerp" in output  # the task ran, in-process, to the console
    assert "No hostname" not in output and "WARNING" not in output, output[-3000:]
