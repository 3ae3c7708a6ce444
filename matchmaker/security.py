"""Security headers, including a Content-Security-Policy that our pages satisfy."""

from __future__ import annotations

from flask import Flask, Response
from werkzeug.middleware.proxy_fix import ProxyFix

# No inline scripts or styles anywhere: templates load /static files only, so the policy
# can stay strict. Images may be data: URIs (inline QR PNG previews) and blob: (camera).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data: blob:",
        "style-src 'self'",
        "script-src 'self'",
        "connect-src 'self'",
        "media-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def init_app(app: Flask) -> None:
    """Trust the configured reverse proxies, and add the security headers to every response."""
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies > 0:
        # Only X-Forwarded-For and -Proto: the host never comes from a header (links are
        # built from BASE_URL), and a client's own X-Forwarded-For beyond the proxies is
        # ignored, so nobody picks the address the log-in throttle counts against.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=0,
                                x_port=0, x_prefix=0)

    headers = [
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        # The badge scanner needs the camera; nothing needs geolocation or the microphone.
        ("Permissions-Policy", "camera=(self), microphone=(), geolocation=()"),
    ]
    if app.config.get("SESSION_COOKIE_SECURE"):
        headers.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))
    lowered = [(name.lower(), name, value) for name, value in headers]

    @app.after_request
    def _headers(response: Response) -> Response:
        # As `setdefault` for each, with one pass over the response's headers: a view may
        # set its own (a relaxed policy for one page).
        present = {name.lower() for name, _value in response.headers}
        response.headers.extend([(name, value) for low, name, value in lowered
                                 if low not in present])
        return response
