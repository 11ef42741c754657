"""WSGI entry point (granian --interface wsgi kuzet.wsgi:application)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kuzet.settings")
application = get_wsgi_application()
