"""The production shape, end to end: collectstatic under whitenoise's manifest storage, gunicorn on
loti.settings.production behind what the TLS proxy sends, every page reachable by the public, an officer and
LOTI staff (with two-factor) answering 200 with the security headers, and every stylesheet, script, image and
asset the CSS names resolving. Then the same server with its database unreachable: 503 from the portal's page.

Runs in `make test` and `make check`. It fails if collectstatic fails or if any page does.
"""

import json
import os
import re
import secrets
import subprocess
import sys
import time
from urllib.parse import urljoin, urlsplit

import pytest
import redis
from django.conf import global_settings
from django.core.management import call_command
from django.db import connection

from loti.demo import DEMO_PASSWORD, demo_totp_code

from .http import HOST, ROOT, Client, Gunicorn, Page, clean_environ, css_urls, module_imports

pytestmark = pytest.mark.production

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
SECURITY_HEADERS = {
    "Strict-Transport-Security": "max-age=31536000",
    "Content-Security-Policy": "default-src 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
# Links not to follow: they sign out or ask to delete.
SKIP = re.compile(r"/accounts/logout/|/delete/")
MAX_PAGES_PER_PERSON = 300
# Who invoices, as a production deployment sets it in its environment (docs/invoices.md): London Councils' public
# address; the VAT number and bank details are made up in the formats the real ones take.
SUPPLIER = {
    "LOTI_INVOICE_FROM": "London Councils\n59½ Southwark Street\nLondon\nSE1 0AL",
    "LOTI_VAT_NUMBER": "GB 123 4567 89",
    "LOTI_BANK_ACCOUNT_NAME": "London Councils",
    "LOTI_BANK_SORT_CODE": "60-70-80",
    "LOTI_BANK_ACCOUNT_NUMBER": "10293847",
    "LOTI_INVOICE_CONTACT": "invoices@loti.london",
}


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    """collectstatic exactly as the Dockerfile runs it; a missing asset fails here."""
    root = tmp_path_factory.mktemp("staticfiles")
    env = {
        **clean_environ(),
        "DJANGO_SETTINGS_MODULE": "loti.settings.production",
        "STATIC_ROOT": str(root),
        "SECRET_KEY": "build-" + secrets.token_urlsafe(40),
        "DATABASE_URL": "postgres://build@localhost/build",
        "REDIS_URL": "redis://localhost",
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"collectstatic failed under the production settings:\n{done.stdout}\n{done.stderr}"
    manifest = json.loads((root / "staticfiles.json").read_text())
    assert "vendor/portal.css" in manifest["paths"] and "govuk/assets/images/govuk-crest.svg" in manifest["paths"]
    return root


def production_env(static_root, database_url: str, **extra) -> dict:
    return {
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "SECRET_KEY": "smoke-" + secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": f"{HOST},127.0.0.1",
        "STATIC_ROOT": str(static_root),
        "ALLAUTH_TRUSTED_PROXY_COUNT": "1",
        "DATABASE_CONNECT_TIMEOUT": "2",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def shape(path: str) -> str:
    """One page per kind: /admin/budget/invoice/12/change/ and /admin/budget/invoice/13/change/ are one."""
    return re.sub(r"/\d+(?=/)", "/N", path)


def crawl(who: str, client: Client, start: list[str], problems: list[str], assets: set[str]) -> list[str]:
    seen_shapes, queue = set(), list(start)
    visited: list[str] = []
    while queue and len(visited) < MAX_PAGES_PER_PERSON:
        path = queue.pop(0)
        if shape(path) in seen_shapes:
            continue
        seen_shapes.add(shape(path))
        final, response = client.follow(path)
        visited.append(path)
        if response.status != 200:
            problems.append(f"{who}: {path} -> {final}: {response.status}")
            continue
        if not (response.headers.get("Content-Type") or "").startswith("text/html"):
            continue
        for header, expected in SECURITY_HEADERS.items():
            if expected not in (response.headers.get(header) or ""):
                problems.append(f"{who}: {final}: {header} is {response.headers.get(header)!r}, expected {expected!r}")
        page = Page(response.text)
        base = f"https://{HOST}{final}"
        for href in page.stylesheets + page.assets + module_imports(response.text):
            assets.add(urlsplit(urljoin(base, href)).path)
        for href in page.links:
            target = urlsplit(urljoin(base, href))
            if target.netloc != HOST or target.scheme != "https" or SKIP.search(target.path):
                continue
            if target.path.startswith("/static/") or target.path == final:
                continue
            queue.append(target.path)  # query strings (sorting, filters, pages) are the same page
    return visited


def check_assets(client: Client, assets: set[str], problems: list[str]) -> int:
    checked = set()
    for path in sorted(assets):
        response = client.get(path, headers={"Accept-Encoding": "br, gzip"})
        checked.add(path)
        if response.status != 200:
            problems.append(f"asset {path}: {response.status}")
            continue
        if path.startswith("/static/"):
            if not re.search(r"\.[0-9a-f]{12}\.\w+$", path):
                problems.append(f"asset {path} is not a hashed (manifest) name")
            elif "immutable" not in (response.headers.get("Cache-Control") or ""):
                problems.append(f"asset {path}: Cache-Control {response.headers.get('Cache-Control')!r}")
        if path.endswith(".css"):
            if response.headers.get("Content-Encoding") not in ("br", "gzip"):
                problems.append(f"stylesheet {path} is served uncompressed")
            for url in css_urls(response.text):
                target = urlsplit(urljoin(f"https://{HOST}{path}", url)).path
                if target not in checked:
                    checked.add(target)
                    named = client.get(target)
                    if named.status != 200:
                        problems.append(f"{path} names {url} -> {target}: {named.status}")
    return len(checked)


@pytest.mark.django_db(transaction=True)
def test_production_serves_every_page_with_its_assets_and_headers(static_root, tmp_path, settings):
    started = time.monotonic()
    timings = {}
    # The demo's data (reference data, an account per role, invoices, a survey), hashed as production hashes.
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    with open(os.devnull, "w") as quiet:
        call_command("setup_demo", "--address", HOST, stdout=quiet)
    timings["data"] = time.monotonic() - started
    redis.Redis.from_url(REDIS_URL).flushdb()  # production's cache: sign-in limits start empty
    db = connection.settings_dict
    database_url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    server = Gunicorn(production_env(static_root, database_url, **SUPPLIER), tmp_path / "gunicorn.log")
    try:
        server.wait_ready()
        timings["gunicorn"] = time.monotonic() - started
        visitor = Client(server.port)
        # Plain HTTP is sent to HTTPS; the proxy's header is believed.
        insecure = visitor.get("/projects/", https=False)
        assert insecure.status == 301 and insecure.headers["Location"] == f"https://{HOST}/projects/"
        health = visitor.get("/healthz", https=False, headers={"Host": "web:8000"})
        assert health.status == 200 and json.loads(health.body) == {"status": "ok", "database": "ok", "redis": "ok"}
        for path in ("/favicon.ico", "/robots.txt"):
            assert visitor.get(path).status == 200, path
        assert "Disallow: /admin/" in visitor.get("/robots.txt").text
        missing = visitor.get("/no-such-page/")
        assert missing.status == 404 and "Traceback" not in missing.text

        problems: list[str] = []
        assets: set[str] = set()
        pages = {
            "visitor": crawl(
                "visitor", visitor, ["/", "/projects/", "/budget/published/", "/accounts/login/", "/accounts/signup/"], problems, assets
            )
        }
        officer = Client(server.port, client_address="198.51.100.21")
        officer.sign_in("digital.lead@camden.gov.uk", DEMO_PASSWORD)
        pages["officer"] = crawl("officer", officer, ["/"], problems, assets)
        staff = Client(server.port, client_address="198.51.100.22")
        staff.sign_in("director@loti.london", DEMO_PASSWORD, totp=demo_totp_code)
        pages["staff"] = crawl("staff", staff, ["/", "/admin/"], problems, assets)
        checked = check_assets(staff, assets, problems)  # the admin's script catalogue is for staff only
    finally:
        server.stop()
    log = (tmp_path / "gunicorn.log").read_text()
    assert not problems, "\n".join(problems) + f"\n--- gunicorn log ---\n{log[-5000:]}"
    assert "Traceback" not in log, log[-5000:]
    assert any(re.fullmatch(r"/invoices/\d+/pdf/", p) for p in pages["officer"]), pages["officer"]
    # The crawl reached what each person has: the public pages, the borough home, the admin's lists.
    assert len(pages["visitor"]) >= 5 and len(pages["officer"]) >= 5 and len(pages["staff"]) >= 30, pages
    assert any(p.startswith("/admin/budget/") for p in pages["staff"])
    assert checked >= 5
    unconfigured_officer_pages(static_root, database_url, tmp_path)
    print(
        f"\nproduction smoke: {sum(map(len, pages.values()))} pages ({', '.join(f'{k} {len(v)}' for k, v in pages.items())}), "
        f"{checked} assets, {time.monotonic() - started:.0f}s (data ready {timings['data']:.0f}s, gunicorn {timings['gunicorn']:.0f}s)"
    )


def unconfigured_officer_pages(static_root, database_url: str, tmp_path) -> None:
    """The same data served by a deployment whose environment lacks the supplier settings: every page an officer
    reaches still answers 200, the invoice page says why there is no PDF, and nothing links to one."""
    server = Gunicorn(production_env(static_root, database_url), tmp_path / "unconfigured.log")
    try:
        server.wait_ready()
        officer = Client(server.port, client_address="198.51.100.23")
        officer.sign_in("digital.lead@camden.gov.uk", DEMO_PASSWORD)
        problems: list[str] = []
        visited = crawl("officer without supplier settings", officer, ["/"], problems, set())
        invoice_page = next(path for path in visited if re.fullmatch(r"/invoices/\d+/", path))
        text = officer.get(invoice_page).text
    finally:
        server.stop()
    assert not problems, "\n".join(problems)
    assert not any(path.endswith("/pdf/") for path in visited), visited
    assert "The PDF of this invoice is not ready to download yet" in text


def axe_violations(url: str, screenshot) -> list:
    """The page in Debian's Chromium, as the proxy would pass it on, checked with axe-core (WCAG 2.2 AA), at 1280
    and 320px. In a subprocess: Playwright's sync API will not run inside another test's asyncio loop (xdist)."""
    from tests.portal.conftest import AXE_TAGS, CHROMIUM_ARGS

    spec = {
        "url": url,
        "widths": [1280, 320],
        "headers": {"X-Forwarded-Proto": "https"},
        "axe_tags": AXE_TAGS,
        "chromium_args": CHROMIUM_ARGS,
        "screenshot": str(screenshot),
    }
    done = subprocess.run(
        [sys.executable, "-m", "tests.production.axe_page", json.dumps(spec)],
        cwd=ROOT,
        env=clean_environ(),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    assert answer["statuses"] == {"1280": 503, "320": 503}, answer["statuses"]
    assert answer["too_wide"] == [], f"wider than {answer['too_wide']}px"
    return answer["violations"]


def test_an_unreachable_database_answers_503_from_the_portals_page(static_root, tmp_path):
    # Nothing listens on port 1: every connection is refused, as while PostgreSQL restarts. An empty cache, so the
    # public pages are not served from what an earlier test left in it.
    redis.Redis.from_url(REDIS_URL).flushdb()
    server = Gunicorn(production_env(static_root, "postgres://loti@127.0.0.1:1/loti"), tmp_path / "gunicorn.log", workers=1)
    try:
        server.wait_ready()
        visitor = Client(server.port)
        answers = {}
        for path in ("/projects/", "/budget/published/"):
            answers[path] = visitor.get(path)
        signed_in = Client(server.port)
        signed_in.cookies["sessionid"] = "a" * 32  # the session lookup itself needs the database
        for path in ("/", "/projects/", "/admin/"):
            answers[f"{path} (signed in)"] = signed_in.get(path)
        health = visitor.get("/healthz", https=False)
        violations = axe_violations(f"http://127.0.0.1:{server.port}/projects/", tmp_path / "503.png")
    finally:
        server.stop()
    assert violations == [], violations
    assert {path: r.status for path, r in answers.items()} == dict.fromkeys(answers, 503)
    for path, response in answers.items():
        assert response.status == 503, f"{path}: {response.status}\n{response.text[:1500]}"
        assert response.headers["Retry-After"] == "60"
        assert "Sorry, the LOTI Portal is unavailable for a moment" in response.text, path
        assert "Try again in a minute" in response.text
        assert '<link rel="stylesheet" href="/static/vendor/portal.' in response.text  # the site layout, styled
    assert health.status == 503 and json.loads(health.body)["database"] == "unavailable"
    log = (tmp_path / "gunicorn.log").read_text()
    assert "Traceback" not in log, log
    assert log.count("database unavailable (answering 503") == 1, log  # once, not once a request


def test_the_production_settings_pass_djangos_deployment_checklist():
    env = {
        **clean_environ(),
        "DJANGO_SETTINGS_MODULE": "loti.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": "postgres://loti@db.internal/loti",
        "REDIS_URL": "redis://redis.internal:6379/0",
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_production_refuses_to_start_without_its_essentials():
    base = {
        **clean_environ(),
        "DJANGO_SETTINGS_MODULE": "loti.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": "postgres://loti@db.internal/loti",
        "REDIS_URL": "redis://redis.internal:6379/0",
    }
    for missing in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY"):
        env = {k: v for k, v in base.items() if k != missing}
        done = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode != 0 and f"{missing} must be set in production" in done.stderr, (missing, done.stderr[-500:])
