"""Response headers the browser enforces that Django does not set: Content-Security-Policy
and Permissions-Policy, read from settings (CONTENT_SECURITY_POLICY, PERMISSIONS_POLICY).

Django's SecurityMiddleware already sets X-Content-Type-Options, Referrer-Policy and
Cross-Origin-Opener-Policy; XFrameOptionsMiddleware sets X-Frame-Options.
"""

from django.conf import settings


def content_security_policy(policy: dict[str, list[str]]) -> str:
    """`{"img-src": ["'self'", "data:"]}` → `img-src 'self' data:`, directives joined by `;`."""
    return "; ".join(" ".join([directive, *sources]) for directive, sources in policy.items())


def permissions_policy(policy: dict[str, list[str]]) -> str:
    """`{"camera": []}` → `camera=()`: the feature allowed to none of the listed origins."""
    return ", ".join(f"{feature}=({' '.join(origins)})" for feature, origins in policy.items())


class SecurityHeadersMiddleware:
    """Add both headers to every response that has not set its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.CONTENT_SECURITY_POLICY:
            csp = content_security_policy(settings.CONTENT_SECURITY_POLICY)
            response.headers.setdefault("Content-Security-Policy", csp)
        if settings.PERMISSIONS_POLICY:
            permissions = permissions_policy(settings.PERMISSIONS_POLICY)
            response.headers.setdefault("Permissions-Policy", permissions)
        return response
