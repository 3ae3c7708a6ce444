"""A small in-process cache of whole public pages, for anonymous visitors only.

Most QR scans open a lot page on a phone, logged out. Those pages are the same for every
anonymous visitor in one language, so each app process keeps the rendered bytes and checks
one cheap version stamp (the lot's `updated_at`) per request instead of loading the whole
product sheet and rendering it again. Entries also expire after `ttl` seconds so changes to
related rows that do not touch the version (an organisation's name, the event) show up soon.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CachedPage:
    """A rendered page with the version it was built from."""

    version: Hashable
    body: Any  # the page's bytes, or the blocks of a page (matchmaker/fragments.py)
    etag: str
    stored_at: float


class PageCache:
    """A bounded, thread-safe LRU of rendered pages keyed by (page, language)."""

    def __init__(self, max_entries: int = 2000, ttl: float = 120.0) -> None:
        self.max_entries = max_entries
        self.ttl = ttl
        self._entries: OrderedDict[Hashable, CachedPage] = OrderedDict()
        self._checked: dict[Hashable, tuple[float, CachedPage]] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, version: Hashable, *, now: float | None = None) -> CachedPage | None:
        """The page stored under `key` if it was built from `version` and is fresh enough."""
        now = time.monotonic() if now is None else now
        with self._lock:
            page = self._entries.get(key)
            if page is None:
                return None
            if page.version != version or now - page.stored_at > self.ttl:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return page

    def put(self, key: Hashable, version: Hashable, body: Any, *, now: float | None = None) -> CachedPage:
        """Store a rendered page (bytes get an ETag), evicting the least recently used."""
        etag = hashlib.blake2b(body, digest_size=12).hexdigest() if isinstance(body, bytes) else ""
        page = CachedPage(
            version=version, body=body, etag=etag,
            stored_at=time.monotonic() if now is None else now,
        )
        with self._lock:
            self._entries[key] = page
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return page

    def checked(self, page_key: Hashable, page: CachedPage, *, now: float | None = None) -> None:
        """Remember that `page` was just found current for `page_key` (a page without the
        parts of its key that need the database to know)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            if len(self._checked) > self.max_entries:
                self._checked.clear()
            self._checked[page_key] = (now, page)

    def recently_checked(self, page_key: Hashable, within: float, *,
                         now: float | None = None) -> CachedPage | None:
        """The page last found current for `page_key`, if that was less than `within` seconds
        ago: a page served many times a second is checked against the database at most once
        in that time (a change shows up that much later, as behind any HTTP cache)."""
        if within <= 0:
            return None
        now = time.monotonic() if now is None else now
        found = self._checked.get(page_key)
        if found is None or now - found[0] >= within:
            return None
        return found[1]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._checked.clear()

    def __len__(self) -> int:
        return len(self._entries)
