"""Foundation test helpers: CSRF token scraping, a real SMTP server, HTML parsing."""

from __future__ import annotations

import re
import socket
from html.parser import HTMLParser

import pytest

CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                        r'name="csrf_token" value="([^"]+)"')


def csrf_token(html: str) -> str:
    """The CSRF token of the first form in a page (as a browser would submit it)."""
    match = CSRF_INPUT.search(html)
    assert match, "no csrf_token input in the page"
    return match.group(1) or match.group(2)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpSink:
    """A real SMTP server (aiosmtpd) on localhost that keeps what it receives."""

    def __init__(self, port: int):
        from aiosmtpd.controller import Controller

        self.port = port
        self.messages: list = []
        self.controller = Controller(self, hostname="127.0.0.1", port=port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        from email import message_from_bytes
        from email.policy import default

        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=default)))
        return "250 OK"

    def start(self) -> SmtpSink:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()


@pytest.fixture
def smtp_sink():
    sink = SmtpSink(free_port()).start()
    yield sink
    sink.stop()


class PageAudit(HTMLParser):
    """Collects what a strict Content-Security-Policy would block or a CDN would serve."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, _value in attrs:
            if name == "style":
                self.problems.append(f"style= attribute on <{tag}>")
            if name.startswith("on"):
                self.problems.append(f"{name}= handler on <{tag}>")
        if tag == "style":
            self.problems.append("<style> element")
        if tag == "script":
            src = attributes.get("src")
            if not src:
                self.problems.append("inline <script> without src")
            elif re.match(r"^(https?:)?//", src):
                self.problems.append(f"external script {src}")
        if tag == "link" and "stylesheet" in (attributes.get("rel") or "").split():
            href = attributes.get("href") or ""
            if re.match(r"^(https?:)?//", href):
                self.problems.append(f"external stylesheet {href}")
        if tag in ("img", "iframe", "audio", "video", "source") and re.match(
            r"^(https?:)?//", attributes.get("src") or ""
        ):
            self.problems.append(f"external <{tag}> {attributes['src']}")
        if tag == "a" and (attributes.get("href") or "").lower().startswith("javascript:"):
            self.problems.append("javascript: URL")


def csp_problems(html: str) -> list[str]:
    audit = PageAudit()
    audit.feed(html)
    return audit.problems
