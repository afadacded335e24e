"""A renderer for file downloads, so that `Accept: application/octet-stream` is honoured."""

import json

from rest_framework.renderers import BaseRenderer


class BinaryRenderer(BaseRenderer):
    media_type = "application/octet-stream"
    format = "bin"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        # Errors raised before the file is sent are still the JSON error body.
        return json.dumps(data, ensure_ascii=False).encode()
