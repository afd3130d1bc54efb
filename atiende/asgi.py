"""The ASGI application: Django for HTTP, Channels for the live-update websockets.

`atiende serve` runs it with uvicorn (its `standard` extra brings the websockets library).
Websockets are checked like pages: the Origin must be the site's own (scheme, host and port;
atiende.live.origin), and the session cookie says who is there (see atiende.live.consumers for the permission checks).
"""

import gc
import os

from django.core.asgi import get_asgi_application

from atiende.core.malloc import limit_arenas

limit_arenas()  # before any request thread exists: see atiende.core.malloc

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atiende.settings.base")
django_application = get_asgi_application()  # sets Django up before the consumers import models

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from atiende.chat.routing import ChatSocketsFirst  # noqa: E402
from atiende.live.origin import SameOriginValidator  # noqa: E402
from atiende.live.routing import websocket_urlpatterns  # noqa: E402
from atiende.replycheck.lexicon import warm as warm_reply_checker  # noqa: E402

application = ProtocolTypeRouter({
    "http": django_application,
    # The chat widget's sockets come from the company's site: checked by their own consumer.
    "websocket": ChatSocketsFirst(SameOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))),
})

# The URLconf, and with it every view module (some 400 modules, 0.7 s): left to Django, each worker
# imported it on its first request, with every request arriving meanwhile waiting for it (seconds
# when a worker starts under load: docs/performance.md, mixed load), and after the freeze below.
import atiende.urls  # noqa: E402, F401

# The reply checker's dictionaries (seconds and 130 MB): loaded before the first keystroke is
# checked, and before the freeze below so that the collector never rescans them.
warm_reply_checker()

# Everything imported so far (Django, the apps, the URL and model registries: some 120,000
# objects) lives as long as the process. Frozen, the collector stops rescanning it: measured on
# the workspace pages, a full collection then pauses a request for about 5 ms instead of 40-60.
gc.freeze()
# A request allocates tens of thousands of objects: at CPython's default threshold (700) a
# worker collected young objects some 70 times a request, promoted the request's still-live ones
# and ran 13-19 full collections in 3 minutes of the mixed load, each pausing every thread of the
# worker for 30-210 ms. At 10,000: one full collection in 5 minutes, young ones ~5 ms each, every
# page's p50 and most p99s lower (docs/performance.md, session 16). 50,000 made each pause longer.
gc.set_threshold(10_000, 10, 10)
