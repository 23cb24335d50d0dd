"""Migrate the anchor database and print a token for the anchor's DRF view (run in its own process:
`python -m bench_anchor.setup` with ANCHOR_DATABASE_URL and DJANGO_SECRET_KEY set)."""

import os

os.environ["DJANGO_SETTINGS_MODULE"] = "bench_anchor.settings"

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

call_command("migrate", verbosity=0, interactive=False)
user, _ = User.objects.get_or_create(username="anchor")
print(Token.objects.get_or_create(user=user)[0].key)
