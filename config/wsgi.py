import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Import the URLconf, and with it every view, serializer and export module, now rather than
# on a worker's first request (2-3 s on a busy machine). With gunicorn --preload this happens
# once, before the workers fork.
warm_url_patterns = get_resolver().url_patterns
