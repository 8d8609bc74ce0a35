import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
application = get_wsgi_application()
# What start-up loaded lives as long as the worker: frozen, the collector's full passes skip it
# (such a pass over the start-up heap added ~70 ms to one request in twenty of the head's
# scoring page; docs/performance.md).
gc.freeze()
