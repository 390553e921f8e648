"""One page in Debian's Chromium, checked with axe-core, in a process of its own.

Playwright's sync API refuses to start where an asyncio loop is running, and under pytest-xdist another test file
on the same worker may leave one (a session-wide browser); a fresh process has none. Run as
`python -m tests.production.axe_page SPEC_JSON`; prints a JSON answer on stdout.
"""

import json
import sys
from typing import Any


def check(spec: dict) -> dict:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    answer: dict[str, Any] = {"statuses": {}, "too_wide": [], "violations": []}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=spec["chromium_args"])
        try:
            for width in spec["widths"]:
                page = browser.new_page(viewport={"width": width, "height": 800}, extra_http_headers=spec.get("headers", {}))
                response = page.goto(spec["url"])
                answer["statuses"][str(width)] = response.status if response else None
                if page.evaluate("document.documentElement.scrollWidth") > width:
                    answer["too_wide"].append(width)
                results = Axe().run(page, options={"runOnly": {"type": "tag", "values": spec["axe_tags"]}})
                if results.violations_count:
                    answer["violations"].append(results.generate_report())
                if spec.get("screenshot"):
                    page.screenshot(path=spec["screenshot"].replace(".png", f"-{width}.png"), full_page=True)
        finally:
            browser.close()
    return answer


if __name__ == "__main__":
    print(json.dumps(check(json.loads(sys.argv[1]))))
