"""A PNG of every dashboard page, taken with headless Chromium (scripts/screenshots.sh runs it).

    python dashboard/screenshots.py --url http://127.0.0.1:8501 --out target/screenshots

Streamlit draws a page over a websocket after the HTML has loaded, so Chromium's own
`--screenshot` fires too early. This drives Chromium through the DevTools protocol instead (with
the `websockets` client, which Streamlit already installs): open a page, wait until the
app has stopped running and the page has stopped changing, grow the window to the page's height,
then capture it.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import itertools
import json
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from websockets.asyncio.client import connect

# url path -> file name; the same pages as app.py's st.navigation
PAGES = {
    "": "0_this_quarter",  # the default page
    "pipeline": "1_pipeline_and_deals_to_act_on",
    "tier1": "2_tier1_outcomes",
    "tier2": "3_tier2_diagnostics",
    "tier3": "4_tier3_levers",
    "scorecard": "5_rep_scorecard",
    "loss_reasons": "6_loss_reasons",
    "funnel": "7_funnel_and_time_in_stage",
    "interaction_value": "8_interaction_value",
    "data_quality": "9_data_quality",
}
WIDTH = 1920
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--hide-scrollbars", "--remote-allow-origins=*", "--remote-debugging-port=0",
    f"--window-size={WIDTH},1000",
]

# The page is ready when Streamlit's running indicator is gone, the main block holds elements,
# every chart has drawn (vega-embed adds a canvas or svg) and nothing moved since the last look.
STATE_JS = """
(() => {
  const main = document.querySelector('[data-testid="stMainBlockContainer"]');
  const charts = document.querySelectorAll('[data-testid="stVegaLiteChart"]').length;
  const drawn = document.querySelectorAll(
    '[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg.marks').length;
  return JSON.stringify({
    running: !!document.querySelector('[data-testid="stStatusWidget"] [data-testid="stStatusWidgetRunningIcon"]')
             || !!document.querySelector('[data-testid="stSkeleton"]'),
    elements: main ? main.querySelectorAll('[data-testid="stElementContainer"]').length : 0,
    charts: charts, drawn: drawn,
    exceptions: document.querySelectorAll('[data-testid="stException"]').length,
    sidebar: (() => { const bar = document.querySelector('[data-testid="stSidebar"]');
                      return bar ? Math.round(bar.getBoundingClientRect().left) : 0; })(),
    height: main ? Math.ceil(main.getBoundingClientRect().top + main.scrollHeight) : 0,
  });
})()
"""


class DevTools:
    """The smallest DevTools-protocol client: send a command, wait for its answer."""

    def __init__(self, connection):
        self.connection = connection
        self.ids = itertools.count(1)

    @classmethod
    async def open(cls, url: str) -> DevTools:
        return cls(await connect(url, max_size=512 * 1024 * 1024))

    async def call(self, method: str, **params):
        message_id = next(self.ids)
        await self.connection.send(json.dumps({"id": message_id, "method": method, "params": params}))
        while True:
            message = json.loads(await self.connection.recv())
            if message.get("id") == message_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    async def evaluate(self, expression: str):
        result = await self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")


async def _wait_until_drawn(tools: DevTools, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    previous, stable = None, 0
    while time.monotonic() < deadline:
        await asyncio.sleep(0.5)
        state = json.loads(await tools.evaluate(STATE_JS) or "{}")
        ready = bool(state and not state["running"] and state["elements"] > 2 and state["drawn"] >= state["charts"]
                          and state["sidebar"] >= 0)
        stable = stable + 1 if ready and state == previous else 0
        previous = state
        if stable >= 3:
            return state
    raise TimeoutError(f"the page did not finish drawing in {timeout:.0f} s (last state {previous})")


async def _shoot(page_url: str, devtools_url: str, out: Path, timeout: float) -> dict:
    tools = await DevTools.open(devtools_url)
    await tools.call("Page.enable")
    await tools.call("Emulation.setDeviceMetricsOverride", width=WIDTH, height=1000, deviceScaleFactor=1, mobile=False)
    await tools.call("Page.navigate", url=page_url)
    state = await _wait_until_drawn(tools, timeout)
    # grow the window to the whole page (Streamlit scrolls inside its main block), let charts re-fit
    height = max(1000, state["height"] + 60)
    await tools.call("Emulation.setDeviceMetricsOverride", width=WIDTH, height=height, deviceScaleFactor=1, mobile=False)
    state = await _wait_until_drawn(tools, timeout)
    shot = await tools.call("Page.captureScreenshot", format="png", captureBeyondViewport=False)
    out.write_bytes(base64.b64decode(shot["data"]))
    await tools.connection.close()
    return state


def _devtools_port(profile: Path, process: subprocess.Popen, timeout: float = 30) -> str:
    port_file = profile / "DevToolsActivePort"
    deadline = time.monotonic() + timeout
    while not port_file.exists() or not port_file.read_text().strip():
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("Chromium did not start its DevTools endpoint")
        time.sleep(0.2)
    return port_file.read_text().split()[0]


def _new_tab(port: str) -> dict:
    """A fresh tab per page, so nothing of one page's state carries into the next."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}/json/new?about:blank", method="PUT")
    return json.loads(urllib.request.urlopen(request, timeout=10).read())


def _close_tab(port: str, tab: dict) -> None:
    urllib.request.urlopen(f"http://127.0.0.1:{port}/json/close/{tab['id']}", timeout=10).read()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="the running dashboard, e.g. http://127.0.0.1:8501")
    parser.add_argument("--out", type=Path, required=True, help="folder for the PNGs")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    parser.add_argument("--timeout", type=float, default=90, help="seconds to wait for a page to draw")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    failures = 0
    with tempfile.TemporaryDirectory(prefix="revops-chromium-", ignore_cleanup_errors=True) as profile:
        process = subprocess.Popen(
            [args.chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            port = _devtools_port(Path(profile), process)
            for url_path, name in PAGES.items():
                out = args.out / f"{name}.png"
                tab = _new_tab(port)
                try:
                    state = asyncio.run(
                        _shoot(f"{args.url.rstrip('/')}/{url_path}", tab["webSocketDebuggerUrl"], out, args.timeout))
                except (TimeoutError, RuntimeError) as error:
                    print(f"  /{url_path}: {error}", file=sys.stderr)
                    failures += 1
                    continue
                finally:
                    _close_tab(port, tab)
                problem = f", {state['exceptions']} error(s) on the page" if state["exceptions"] else ""
                failures += bool(state["exceptions"])
                print(f"  {out} (/{url_path}: {state['charts']} charts, {state['height']} px{problem})")
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
