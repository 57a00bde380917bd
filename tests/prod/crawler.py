"""A signed-in visitor behind the documented nginx: reads pages, follows links, judges what it gets.

* :class:`ProxyTransport` plays nginx's ``ameliora-proxy.conf``: the client asks for
  ``https://<host>/…``; the request reaches gunicorn over plain HTTP on loopback with ``Host``,
  ``X-Forwarded-Proto`` and ``X-Forwarded-For`` set, so secure cookies, HTTPS redirects and the
  client address work as in production.
* :func:`verdict` is the whole judgement on one response: a 5xx, or an HTML page whose
  stylesheets are missing, not hashed by the manifest storage, or not served as CSS, fails.
* :class:`Visitor` signs in, crawls breadth-first from the dashboard (GET only, never a form),
  follows background jobs to their file, and keeps what it saw for the summary.
"""

from __future__ import annotations

import re
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from threading import Lock
from urllib.parse import urldefrag, urljoin, urlsplit

import httpx

from tests.prod.untranslated import EnglishFinder

HASHED_STATIC = re.compile(r"^/static/.+\.[0-9a-f]{12}\.[a-z0-9]+$")
# Links that would end the session or change data if a view wrongly accepted GET: never followed.
NOT_FOLLOWED = re.compile(
    r"/(logout|delete|remove|revoke|unlink|archive|reject|approve|publish|sign|close|open|install|read|"
    r"duplicate|transition|move|up|down|recompute|acknowledge|flag|toggle)/"
)
JOB_VIEW = "core:job_detail"
JOB_POLL_SECONDS = 0.5


@dataclass(frozen=True)
class Fetched:
    url: str
    status: int
    content_type: str
    seconds: float = 0.0
    size: int = 0
    head: bytes = b""
    """The first bytes of the body, to recognise a file format."""

    @property
    def is_html(self) -> bool:
        return self.content_type.startswith("text/html")


@dataclass
class ParsedPage:
    links: list[str] = field(default_factory=list)
    stylesheets: list[str] = field(default_factory=list)
    scripts: list[str] = field(default_factory=list)
    forms: list[dict[str, str]] = field(default_factory=list)
    """One dict per form: its ``action``, ``method`` and the values of its hidden inputs."""


class PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = ParsedPage()
        self._form: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "a" and values.get("href"):
            self.page.links.append(values["href"])
        elif tag == "link" and "stylesheet" in values.get("rel", "").split() and values.get("href"):
            self.page.stylesheets.append(values["href"])
        elif tag == "script" and values.get("src"):
            self.page.scripts.append(values["src"])
        elif tag == "form":
            self._form = {"action": values.get("action", ""), "method": values.get("method", "get").lower()}
            self.page.forms.append(self._form)
        elif tag == "input" and self._form is not None and values.get("type") == "hidden" and values.get("name"):
            self._form[values["name"]] = values.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None


def parse_html(html: str) -> ParsedPage:
    parser = PageParser()
    parser.feed(html)
    parser.close()
    return parser.page


def verdict(page: Fetched, parsed: ParsedPage | None, assets: Mapping[str, Fetched]) -> list[str]:
    """Every problem with one response, as sentences naming the URL; an empty list is a pass.

    ``assets`` maps each stylesheet and script address of the page (absolute) to what fetching it gave.
    """
    problems = []
    if page.status >= 500:
        problems.append(f"{page.url} answered {page.status}")
    if not page.is_html or parsed is None or page.status >= 300:
        return problems
    if not parsed.stylesheets:
        problems.append(f"{page.url} links no stylesheet")
    for kind, addresses, expected in (
        ("stylesheet", parsed.stylesheets, "text/css"),
        ("script", parsed.scripts, "text/javascript"),
    ):
        for address in addresses:
            absolute = urljoin(page.url, address)
            asset = assets.get(absolute)
            if asset is None:
                problems.append(f"{page.url}: {kind} {address} was not fetched")
            elif asset.status != 200 or not asset.content_type.startswith(expected):
                problems.append(f"{page.url}: {kind} {address} answered {asset.status} {asset.content_type!r}")
            elif not HASHED_STATIC.match(urlsplit(absolute).path):
                problems.append(f"{page.url}: {kind} {address} is not a hashed static file name")
    return problems


class ProxyTransport(httpx.BaseTransport):
    """What nginx does in front of gunicorn (``docs/operations.md``, ``ameliora-proxy.conf``)."""

    HEADERS = frozenset({"Host", "X-Forwarded-Proto", "X-Forwarded-For"})

    def __init__(self, upstream: str, *, client_address: str) -> None:
        self.upstream = httpx.URL(upstream)
        self.client_address = client_address
        self.inner: httpx.BaseTransport = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        headers = httpx.Headers(request.headers)
        headers["Host"] = request.url.netloc.decode("ascii")
        headers["X-Forwarded-Proto"] = request.url.scheme  # overwrites any client value
        headers["X-Forwarded-For"] = self.client_address  # $proxy_add_x_forwarded_for, no client header
        forwarded = httpx.Request(
            request.method,
            request.url.copy_with(scheme=self.upstream.scheme, host=self.upstream.host, port=self.upstream.port),
            headers=headers,
            stream=request.stream,
        )
        return self.inner.handle_request(forwarded)

    def close(self) -> None:
        self.inner.close()


def fetched_from(response: httpx.Response, seconds: float) -> Fetched:
    return Fetched(
        str(response.url),
        response.status_code,
        response.headers.get("content-type", ""),
        seconds,
        len(response.content),
        response.content[:16],
    )


class Shared:
    """What every visitor shares: stylesheets and scripts fetched once (as a browser cache would), the
    expensive views (exports) that one visitor has already fetched successfully, and the English phrases
    that must not appear on a French page or PDF."""

    def __init__(self, once: Iterable[str] = (), *, english: EnglishFinder | None = None) -> None:
        self._seen: dict[str, Fetched] = {}
        self._lock = Lock()
        self.once = frozenset(once)
        self.english = english
        self._claimed: set[str] = set()

    def claim(self, view: str | None) -> bool:
        """True when this visitor should fetch ``view``: always, unless it is a once-only view already claimed."""
        if view not in self.once:
            return True
        with self._lock:
            if view in self._claimed:
                return False
            self._claimed.add(view)
            return True

    def fetch_all(self, client: httpx.Client, addresses: Iterable[str]) -> dict[str, Fetched]:
        found = {}
        for address in addresses:
            with self._lock:
                known = self._seen.get(address)
            if known is None:
                started = time.monotonic()
                known = fetched_from(client.get(address), time.monotonic() - started)
                with self._lock:
                    self._seen[address] = known
            found[address] = known
        return found


@dataclass
class Visit:
    """What one visitor saw: every response, the problems found, and the files downloaded."""

    who: str
    pages: list[Fetched] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    files: dict[str, list[Fetched]] = field(default_factory=dict)
    """Non-HTML answers (and job results) by the view name of the URL that produced them."""
    views: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    text_urls: set[str] = field(default_factory=set)
    """Same-origin addresses printed in the pages' text (public links, calendar feeds)."""
    forms: dict[str, dict[str, str]] = field(default_factory=dict)
    """One POST form per view name it targets (with its CSRF token), to start exports."""
    untranslated: list[str] = field(default_factory=list)
    """English phrases of the catalogue seen on a page or PDF, as ``url: "phrase"``."""


class Visitor:
    def __init__(
        self,
        who: str,
        *,
        origin: str,
        upstream: str,
        client_address: str,
        view_name: Callable[[str], str | None],
        shared: Shared,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.origin = origin
        self.view_name = view_name
        self.shared = shared
        self.visit = Visit(who)
        self.client = httpx.Client(
            base_url=origin,
            transport=transport or ProxyTransport(upstream, client_address=client_address),
            follow_redirects=True,
            timeout=httpx.Timeout(120.0),
        )
        self._text_url = re.compile(re.escape(origin) + r"(/[^\s\"'<>]*)")

    def close(self) -> None:
        self.client.close()

    # --- fetching and judging ---------------------------------------------------------------------

    def get(self, url: str, **kwargs: object) -> tuple[Fetched, httpx.Response]:
        started = time.monotonic()
        response = self.client.get(url, **kwargs)  # type: ignore[arg-type]
        return fetched_from(response, time.monotonic() - started), response

    def judge(self, fetched: Fetched, response: httpx.Response, *, as_view: str | None = None) -> ParsedPage | None:
        """Record the response and its problems; return the parsed page when it is HTML.

        A file is filed under ``as_view`` (the view whose URL was asked for) or the view that answered.
        """
        self.visit.pages.append(fetched)
        name = as_view or self.view_name(urlsplit(fetched.url).path) or "?"
        self.visit.views[name] += 1
        parsed = parse_html(response.text) if fetched.is_html else None
        assets = {}
        if parsed is not None and fetched.status < 300:
            addresses = [urljoin(fetched.url, href) for href in parsed.stylesheets + parsed.scripts]
            assets = self.shared.fetch_all(self.client, addresses)
            self.visit.text_urls.update(self._text_url.findall(response.text))
            for form in parsed.forms:
                if form["method"] == "post" and form["action"]:
                    action = urlsplit(urljoin(fetched.url, form["action"])).path
                    self.visit.forms.setdefault(self.view_name(action) or action, {**form, "action": action})
        elif fetched.status < 300:
            self.visit.files.setdefault(name, []).append(fetched)
        self.visit.problems.extend(verdict(fetched, parsed, assets))
        self.look_for_english(fetched, response)
        return parsed

    def look_for_english(self, fetched: Fetched, response: httpx.Response) -> None:
        """Note the catalogue's English phrases on a page or on a PDF the app made (not an uploaded file)."""
        english = self.shared.english
        if english is None or fetched.status != 200:
            return
        if fetched.is_html:
            found = english.in_html(response.text)
        elif fetched.content_type.startswith("application/pdf"):
            found = english.in_pdf(response.content)
        else:
            return
        self.visit.untranslated.extend(f'{fetched.url}: "{phrase}"' for phrase in found)

    # --- signing in ---------------------------------------------------------------------------------

    def sign_in(self, email: str, password: str) -> Fetched:
        fetched, response = self.get("/accounts/login/")
        form = next(form for form in parse_html(response.text).forms if form["method"] == "post")
        started = time.monotonic()
        response = self.client.post(
            "/accounts/login/",
            data={"csrfmiddlewaretoken": form["csrfmiddlewaretoken"], "login": email, "password": password},
            headers={"Origin": self.origin, "Referer": fetched.url},
        )
        signed_in = fetched_from(response, time.monotonic() - started)
        if "sessionid" not in self.client.cookies:
            raise AssertionError(f"{email} could not sign in: {signed_in.status} at {signed_in.url}")
        return signed_in

    # --- crawling -----------------------------------------------------------------------------------

    def follow(self, href: str, page_url: str, scope: str) -> str | None:
        """The absolute address to visit for a link, or None when the crawl does not follow it."""
        absolute, _fragment = urldefrag(urljoin(page_url, href))
        parts = urlsplit(absolute)
        if f"{parts.scheme}://{parts.netloc}" != self.origin or not parts.path.startswith(scope):
            return None
        if NOT_FOLLOWED.search(parts.path):
            return None
        return absolute

    def crawl(self, start: str, *, scope: str, max_pages: int, per_view: int) -> None:
        """Breadth-first from ``start`` over links under ``scope``, ``per_view`` addresses per view at most."""
        started = time.monotonic()
        queue = deque([urljoin(self.origin, start)])
        seen = set(queue)
        taken: Counter[str] = Counter()
        visited = 0
        while queue and visited < max_pages:
            url = queue.popleft()
            parts = urlsplit(url)
            view = self.view_name(parts.path)
            shape = f"{view}?{'&'.join(sorted(re.findall(r'([^&=]+)=', parts.query)))}"
            if taken[shape] >= per_view or not self.shared.claim(view):
                continue
            taken[shape] += 1
            visited += 1
            fetched, response = self.get(url)
            parsed = self.judge(fetched, response, as_view=view)
            if self.view_name(urlsplit(fetched.url).path) == JOB_VIEW:
                self.finish_job(fetched.url, for_view=view)
            for href in parsed.links if parsed else []:
                target = self.follow(href, fetched.url, scope)
                if target is not None and target not in seen:
                    seen.add(target)
                    queue.append(target)
        self.visit.seconds += time.monotonic() - started

    # --- background jobs and exports --------------------------------------------------------------------

    def finish_job(self, job_url: str, *, for_view: str | None, timeout: float = 180.0) -> Fetched | None:
        """Poll a job page as its htmx partial does until the worker is done, then download the file."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            response = self.client.get(job_url, headers={"HX-Request": "true"})
            if response.status_code != 200:
                self.visit.problems.append(f"{job_url} answered {response.status_code} while polling")
                return None
            if "alert-danger" in response.text:
                self.visit.problems.append(f"{job_url}: the background job failed")
                return None
            download = next(
                (
                    href
                    for href in parse_html(response.text).links
                    if self.view_name(urlsplit(urljoin(job_url, href)).path) == "core:job_download"
                ),
                None,
            )
            if download is not None:
                fetched, response = self.get(urljoin(job_url, download))
                self.judge(fetched, response, as_view=for_view)
                return fetched
            time.sleep(JOB_POLL_SECONDS)
        self.visit.problems.append(f"{job_url}: the job was not done after {timeout:.0f} s (is the worker running?)")
        return None

    def export_by_form(self, view: str) -> Fetched | None:
        """Submit the export form (POST) seen on a page for ``view``; follow a background job to its file."""
        form = self.visit.forms.get(view)
        if form is None:
            return None
        data = {key: value for key, value in form.items() if key not in {"action", "method"}}
        started = time.monotonic()
        response = self.client.post(form["action"], data=data, headers={"Origin": self.origin})
        fetched = fetched_from(response, time.monotonic() - started)
        self.judge(fetched, response, as_view=view)
        if self.view_name(urlsplit(fetched.url).path) == JOB_VIEW:
            return self.finish_job(fetched.url, for_view=view)
        return fetched
