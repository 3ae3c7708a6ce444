"""The fuzz harness: find every route's real URLs and forms by crawling as each role, then
send hostile values in each path parameter, query parameter and form field.

Nothing here is random at run time beyond `random.Random(SEED)`: the same database gives the
same requests in the same order, so a failure reproduces.
"""

from __future__ import annotations

import inspect
import random
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit

import sqlalchemy as sa
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

SEED = 20261201

# Values that broke something once, or that break things in general.
NUMBERS = ["1e30", "1e999999", "-1e999999", "NaN", "sNaN", "Infinity", "-Infinity", "1e-400",
           "-1", "0", "9" * 30, "-" + "9" * 30, "2147483648", "1,5e3", "0x10", "١٢"]
TEXTS = ["\x00", "a\x00b", "\x01\x02\x1b\x7f\x0b", "x" * 100_000, "%00", "' OR 1=1 --",
         "<script>alert(1)</script>",
         "9999-12-31", "0001-01-01", "99999-01-01", "2026-02-30", "25:61", "[]", "{}", "é" * 5000]
ALL_VALUES = NUMBERS + TEXTS
# 30-digit ids and their friends, for path parameters.
PATH_VALUES = {
    "int": ["9" * 30, "2147483648", "9223372036854775808", "0"],
    "default": ["9" * 30, "%00", "x" * 3000, "..%2F..%2Fetc%2Fpasswd", "%C0%AE", "a%01b"],
}
# Endpoints that would log our own client out or never come back on success.
NEVER = {"auth.logout", "static"}
DESTRUCTIVE = re.compile(r"delete|remove|withdraw|cancel|revoke|archive|decline|unpublish|"
                         r"regenerate|reissue|user_action|set_language|choose_language")


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str]
    numeric: set[str] = field(default_factory=set)


@dataclass
class Site:
    """What a crawl found: a real URL per endpoint and the forms that post to each endpoint."""

    urls: dict[str, str] = field(default_factory=dict)
    forms: dict[str, list[Form]] = field(default_factory=dict)


class _PageParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form":
            self._form = Form(attrs.get("action") or "", (attrs.get("method") or "get").lower(), {})
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and attrs.get("name"):
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                self._form.fields.setdefault(attrs["name"], "")
                if self._form.fields[attrs["name"]] == "" and kind == "radio":
                    self._form.fields[attrs["name"]] = attrs.get("value", "")
                return
            if kind == "file":
                return
            self._form.fields[attrs["name"]] = attrs.get("value", "")
            if kind == "number" or attrs.get("inputmode") in ("decimal", "numeric"):
                self._form.numeric.add(attrs["name"])
        elif tag == "select" and attrs.get("name"):
            self._select = attrs["name"]
            self._form.fields.setdefault(self._select, "")
        elif tag == "option" and self._select:
            if "selected" in attrs or not self._form.fields.get(self._select):
                self._form.fields[self._select] = attrs.get("value", "")
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = attrs["name"]
            self._form.fields[self._textarea] = ""

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            self._form.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def match(app, url: str, method: str = "GET") -> str | None:
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, _args = adapter.match(urlsplit(url).path, method=method)
    except (NotFound, MethodNotAllowed, RequestRedirect):
        return None
    return endpoint


def crawl(app, client, *, max_pages: int = 400) -> Site:
    """Visit every parameterless GET route, then follow same-site links breadth first."""
    site = Site()
    queue = [rule.rule for rule in app.url_map.iter_rules()
             if "GET" in rule.methods and not rule.arguments and rule.endpoint not in NEVER]
    seen: set[str] = set()
    while queue and len(seen) < max_pages:
        url = queue.pop(0)
        path = urlsplit(url).path
        endpoint = match(app, url)
        if endpoint is None or endpoint in NEVER or path in seen:
            continue
        # One page per endpoint is enough to learn its forms, except lists of things.
        if endpoint in site.urls and urlsplit(site.urls[endpoint]).path != path:
            continue
        seen.add(path)
        with client.get(url) as response:  # closed: file downloads hold their file open
            assert response.status_code != 500, f"GET {url} answered 500 while crawling"
            is_html = "html" in (response.content_type or "")
            body = response.get_data(as_text=True) if is_html else ""
        site.urls.setdefault(endpoint, url)
        if not is_html:
            continue
        parser = _PageParser()
        parser.feed(body)
        for link in parser.links:
            parts = urlsplit(link)
            if parts.netloc and parts.netloc != "fair.test" or not parts.path.startswith("/"):
                continue
            queue.append(parts.path + ("?" + parts.query if parts.query else ""))
        for form in parser.forms:
            action = urlsplit(form.action).path if form.action else path
            form.action = action
            target = match(app, action, "POST" if form.method == "post" else "GET")
            if target and target not in NEVER:
                known = site.forms.setdefault(target, [])
                if not any(f.action == action and f.fields.keys() == form.fields.keys() for f in known):
                    known.append(form)
    return site


def query_names(app, endpoint: str) -> set[str]:
    """Query parameters a view reads, from its source (request.args.get("name"))."""
    view = app.view_functions.get(endpoint)
    try:
        source = inspect.getsource(inspect.unwrap(view))
    except (OSError, TypeError):
        return set()
    return set(re.findall(r"request\.args\.get(?:list)?\(\s*[\"'](\w+)[\"']", source))


def hostile_path_urls(app, endpoint: str, good_url: str | None) -> list[str]:
    """The rule's URL with each path parameter in turn replaced by hostile values."""
    rule = next(r for r in app.url_map.iter_rules(endpoint=endpoint))
    good = {}
    if good_url:
        adapter = app.url_map.bind("localhost")
        try:
            _endpoint, good = adapter.match(urlsplit(good_url).path, method=next(iter(rule.methods - {"HEAD", "OPTIONS"})))
        except (NotFound, MethodNotAllowed, RequestRedirect):
            good = {}
    urls = []
    for name, converter in rule._converters.items():
        kind = "int" if type(converter).__name__ in ("IntegerConverter", "BoundedIntegerConverter") else "default"
        for value in PATH_VALUES[kind]:
            parts = []
            for is_dynamic, segment in rule._trace:
                if not is_dynamic:
                    parts.append(segment)
                elif segment == name:
                    parts.append(value)
                else:
                    parts.append(_good_segment(rule, segment, good))
            urls.append("".join(parts).split("|", 1)[1])
    return urls


def _good_segment(rule, name: str, good: dict) -> str:
    if name in good:
        return rule._converters[name].to_url(good[name])
    converter = rule._converters[name]
    items = getattr(converter, "items", None)  # any(a, b)
    if items:
        return sorted(items)[0]
    return "1"


def with_query(url: str, **params) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    query.update(params)
    return parts.path + "?" + urlencode(query)


def sample(rng: random.Random, values: list[str], k: int) -> list[str]:
    return values if k >= len(values) else rng.sample(values, k)


def row_counts(db) -> tuple[int, ...]:
    """Rows in every table, in one statement: the fingerprint of 'nothing was written'."""
    from matchmaker.models import Base

    tables = [t.name for t in Base.metadata.sorted_tables]
    sql = "SELECT " + ", ".join(f'(SELECT count(*) FROM "{t}")' for t in tables)
    with db.engine.connect() as conn:
        return tuple(conn.execute(sa.text(sql)).one())


def changed_tables(db, before, after) -> list[str]:
    from matchmaker.models import Base

    tables = [t.name for t in Base.metadata.sorted_tables]
    return [f"{t}: {b} -> {a}" for t, b, a in zip(tables, before, after, strict=True) if a != b]
