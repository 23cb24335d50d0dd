import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
# A request naming another charset than UTF-8 is refused before Django decodes it (core.input_guard).
from core.input_guard import CharsetGuard  # noqa: E402  (needs the settings above)

application = CharsetGuard(get_wsgi_application())
