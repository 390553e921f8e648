"""A small HTTP client for the production tests: speaks to gunicorn as the TLS proxy would (X-Forwarded-Proto,
X-Forwarded-For), keeps cookies, signs in through allauth's forms, and reads the links and assets of a page."""

import gzip
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

ROOT = Path(__file__).resolve().parents[2]
HOST = "portal.loti.test"


def clean_environ(**extra: str) -> dict:
    """This process's environment without what the test run sets for itself (Playwright's async escape hatch,
    the test settings), as a server or command of its own would have it."""
    drop = {"DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE"}
    return {**{k: v for k, v in os.environ.items() if k not in drop}, **extra}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Response:
    def __init__(self, status: int, headers: http.client.HTTPMessage, body: bytes):
        self.status, self.headers, self.raw = status, headers, body

    @property
    def body(self) -> bytes:
        encoding = self.headers.get("Content-Encoding")
        if encoding == "gzip":
            return gzip.decompress(self.raw)
        if encoding == "br":
            import brotli

            return brotli.decompress(self.raw)
        return self.raw

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class Client:
    """One person's browser: cookies, and the headers Caddy adds in front of gunicorn."""

    def __init__(self, port: int, *, client_address: str = "198.51.100.20"):
        self.port, self.client_address = port, client_address
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, *, body: dict | None = None, headers: dict | None = None, https: bool = True) -> Response:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        sent = {"Host": HOST, "User-Agent": "loti-production-smoke", "X-Forwarded-For": self.client_address}
        if https:
            sent["X-Forwarded-Proto"] = "https"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urlencode(body).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["Origin"] = f"https://{HOST}"
            sent["Referer"] = f"https://{HOST}{path}"
        sent.update(headers or {})
        try:
            connection.request(method, path, body=data, headers=sent)
            answer = connection.getresponse()
            response = Response(answer.status, answer.headers, answer.read())
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    def get(self, path: str, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)

    def follow(self, path: str, *, limit: int = 5) -> tuple[str, Response]:
        """GET, following redirects within the site; returns the final path and response."""
        for _ in range(limit):
            response = self.get(path)
            if response.status not in (301, 302, 303, 307, 308):
                return path, response
            location = urlsplit(urljoin(f"https://{HOST}{path}", response.headers["Location"]))
            assert location.netloc == HOST, f"{path} redirects off the site: {response.headers['Location']}"
            path = location.path + (f"?{location.query}" if location.query else "")
        raise AssertionError(f"{path}: more than {limit} redirects")

    def post_form(self, path: str, fields: dict) -> Response:
        page = self.get(path)
        assert page.status == 200, f"GET {path}: {page.status}"
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token, f"{path} has no CSRF token"
        return self.request("POST", path, body={"csrfmiddlewaretoken": token.group(1), **fields})

    def sign_in(self, email: str, password: str, *, totp=None) -> None:
        response = self.post_form("/accounts/login/", {"login": email, "password": password})
        assert response.status == 302, f"sign-in of {email}: {response.status}\n{response.text[:2000]}"
        if totp is not None:
            location = urlsplit(response.headers["Location"]).path
            assert "2fa/authenticate" in location, f"{email} was not asked for a code: {location}"
            response = self.post_form(location, {"code": totp()})
            assert response.status == 302, f"two-factor of {email}: {response.status}"
        assert "sessionid" in self.cookies, f"{email} has no session after signing in"


class Page(HTMLParser):
    """The links, stylesheets, scripts and images of one HTML page."""

    def __init__(self, html: str):
        super().__init__()
        self.links: list[str] = []
        self.assets: list[str] = []
        self.stylesheets: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "link" and attrs.get("href"):
            if "stylesheet" in (attrs.get("rel") or ""):
                self.stylesheets.append(attrs["href"])
            elif "icon" in (attrs.get("rel") or ""):
                self.assets.append(attrs["href"])
        elif tag in ("script", "img") and attrs.get("src"):
            self.assets.append(attrs["src"])


def module_imports(html: str) -> list[str]:
    """The JavaScript modules an inline <script type=module> imports (GOV.UK Frontend's)."""
    return re.findall(r'import\s+\{[^}]*\}\s+from\s+"([^"]+)"', html)


def css_urls(css: str) -> list[str]:
    return [u.strip("'\"") for u in re.findall(r"url\(([^)]+)\)", css) if not u.strip("'\"").startswith("data:")]


class Gunicorn:
    """gunicorn on the production settings, on loopback and a free port, logging to a file."""

    def __init__(self, env: dict, log: Path, *, workers: int = 2):
        self.port = free_port()
        self.log = log
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "loti.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--timeout",
                "60",
                "--graceful-timeout",
                "5",
                "--access-logfile",
                "-",
            ],
            cwd=ROOT,
            env=clean_environ(**env, DJANGO_SETTINGS_MODULE="loti.settings.production", PYTHONPATH=str(ROOT)),
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.log.read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        raise TimeoutError(f"gunicorn did not listen within {timeout:.0f}s:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
