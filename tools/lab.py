"""Drive JupyterLab in a real browser: Debian's chromium through Playwright, loopback only.

`LabServer` starts JupyterLab from this project's .venv on 127.0.0.1 (a free random port, a
random token, throwaway config/runtime/data/settings/workspace dirs) over a temporary copy of
the lessons, so a run in the browser never writes to the committed notebooks. `chromium()`
launches /usr/bin/chromium headless with a fresh profile and lets through only requests to
loopback. `Lesson` opens one notebook, clears and runs it, and reads what the page shows.
Used by the browser tests (tests_browser/) and by tools.thumbnails; it lives here so that
tools/ never imports tests_browser (tests/test_imports.py checks).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
# The browser: $CHROMIUM (the Makefile's CHROMIUM variable), else Debian's.
CHROMIUM = os.environ.get("CHROMIUM") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    # Defence in depth beside the request filter: no host name resolves except localhost.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
VIEWPORT = {"width": 960, "height": 640}
THUMBNAIL_WIDTH = 480

# JupyterLab user settings for the run: every cell stays in the page (no windowing), no
# autosave, no news or update checks (they would reach outside).
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false",
                                                     "checkForUpdates": False},
}


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LabServer:
    """JupyterLab on loopback over a temporary copy of the given notebooks."""

    def __init__(self, notebooks: list[Path], *, python: str = sys.executable,
                 kernel_python: str | None = None,
                 prepare: Callable[[Path, Path], None] | None = None) -> None:
        self.notebooks = notebooks
        self.python = python
        self.kernel_python = kernel_python  # None: the server's own Python runs the kernels
        self.prepare = prepare or shutil.copy2  # writes each notebook's served copy
        self.token = secrets.token_hex(24)
        self.port = free_port()
        self.tmp = Path(tempfile.mkdtemp(prefix="lab-browser-test-"))
        self.root = self.tmp / "root"
        self.log_path = self.tmp / "jupyterlab.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def url(self, path: str, query: str = "") -> str:
        """Return the address of ``path`` on this server, with the token."""
        extra = f"&{query}" if query else ""
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}?token={self.token}{extra}"

    def start(self, timeout: float = 180.0) -> None:
        """Copy the notebooks, start JupyterLab and wait until its API answers."""
        (self.root / "notebooks").mkdir(parents=True)
        for nb in self.notebooks:
            self.prepare(nb, self.root / "notebooks" / nb.name)
        dirs = {name: self.tmp / name for name in
                ("config", "runtime", "data", "settings", "workspaces", "ipython")}
        for d in dirs.values():
            d.mkdir()
        if self.kernel_python:
            # A kernel spec named like the default one, on JUPYTER_PATH (searched before any
            # other folder): every notebook's kernel then runs on that Python (another virtual
            # environment's, say), without the checkout on its path.
            spec = self.tmp / "path" / "kernels" / "python3" / "kernel.json"
            spec.parent.mkdir(parents=True)
            spec.write_text(json.dumps({
                "argv": [self.kernel_python, "-m", "ipykernel_launcher", "-f",
                         "{connection_file}"],
                "display_name": "Python 3", "language": "python",
                "env": {"PYTHONPATH": "", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}}),
                encoding="utf-8")
        for plugin, values in LAB_SETTINGS.items():
            path = dirs["settings"] / f"{plugin}.jupyterlab-settings"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values), encoding="utf-8")
        env = dict(os.environ)
        env.update(JUPYTER_CONFIG_DIR=str(dirs["config"]), JUPYTER_RUNTIME_DIR=str(dirs["runtime"]),
                   JUPYTER_DATA_DIR=str(dirs["data"]), IPYTHONDIR=str(dirs["ipython"]),
                   JUPYTER_PLATFORM_DIRS="1")
        env.pop("JUPYTER_TOKEN", None)
        if self.kernel_python:
            env["JUPYTER_PATH"] = os.pathsep.join(
                [str(self.tmp / "path"), *filter(None, [os.environ.get("JUPYTER_PATH")])])
        cmd = [
            self.python, "-m", "jupyterlab", "--no-browser", "--allow-root",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root}", "--ServerApp.open_browser=False",
            f"--LabApp.user_settings_dir={dirs['settings']}",
            f"--LabApp.workspaces_dir={dirs['workspaces']}",
            "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ]
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(cmd, cwd=self.root, env=env, stdout=log,
                                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                         start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with code {self.proc.returncode}:\n"
                                   f"{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url("api/status"), timeout=5) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.5)
        raise RuntimeError(f"JupyterLab did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, n: int = 40) -> str:
        """Return the last ``n`` lines of the server's log, with the token masked."""
        try:
            lines = self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        except FileNotFoundError:
            return "(no log)"
        return "\n".join(lines[-n:]).replace(self.token, "<token>")

    def stop(self) -> None:
        """Stop the server, its kernels and everything they started; delete the temp dirs."""
        try:
            if self.proc is not None and self.proc.poll() is None:
                _stop_tree(self.proc)
        finally:
            self.proc = None
            shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self) -> LabServer:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _stop_tree(proc: subprocess.Popen[bytes], grace: float = 20.0) -> None:
    """SIGTERM the process group (the server stops its kernels), then SIGKILL what is left."""
    import psutil

    try:
        family = [psutil.Process(proc.pid), *psutil.Process(proc.pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        family = []
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    _, alive = psutil.wait_procs(family, timeout=grace)
    # Kernels run in sessions of their own, so they are not in the server's process group.
    for p in alive:
        try:
            p.kill()
        except psutil.NoSuchProcess:
            pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    psutil.wait_procs(alive, timeout=5)
    proc.wait(timeout=5)


@dataclass
class RequestLog:
    """The requests the page made that were not to loopback (each one was aborted)."""

    blocked: list[str] = field(default_factory=list)


@contextmanager
def chromium(requests: RequestLog | None = None) -> Iterator[object]:
    """Yield a Playwright browser context of CHROMIUM with a fresh, empty profile."""
    from playwright.sync_api import sync_playwright

    log = requests if requests is not None else RequestLog()

    def loopback_only(route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        host = urlsplit(url).hostname or ""
        if urlsplit(url).scheme in ("data", "blob") or host in LOOPBACK_HOSTS:
            route.continue_()  # type: ignore[attr-defined]
        else:
            log.blocked.append(url)
            route.abort("blockedbyclient")  # type: ignore[attr-defined]

    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    try:
        with sync_playwright() as p:
            context = p.chromium.launch_persistent_context(
                profile, executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
                viewport=VIEWPORT, device_scale_factor=1, service_workers="block")
            try:
                context.route("**/*", loopback_only)
                context.set_default_timeout(60_000)
                yield context
            finally:
                context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


# JavaScript run in the page. `window.jupyterapp` is there because of expose_app_in_browser.
JS_READY = """() => {
  const app = window.jupyterapp;
  const w = app && app.shell.currentWidget;
  const kernel = w && w.sessionContext && w.sessionContext.session
      && w.sessionContext.session.kernel;
  return !!(w && w.content && w.context && w.context.isReady && w.content.widgets
      && w.content.widgets.length > 0 && kernel && kernel.connectionStatus === 'connected'
      && kernel.status === 'idle');
}"""

JS_STATE = """() => {
  const w = window.jupyterapp.shell.currentWidget;
  const kernel = w.sessionContext.session && w.sessionContext.session.kernel;
  const cells = [];
  for (const cell of w.content.widgets) {
    const m = cell.model;
    if (m.type !== 'code') continue;
    const outputs = [];
    for (let i = 0; i < m.outputs.length; i++) outputs.push(m.outputs.get(i).toJSON());
    cells.push({id: m.id, source: m.sharedModel.getSource(), count: m.executionCount,
                outputs});
  }
  return {kernel: kernel ? kernel.status : 'none', cells};
}"""

# What run_all polls every two seconds: only what says whether the run is over, not the
# outputs (a lesson's figures are megabytes of base64); those are read once, at the end.
JS_PROGRESS = """() => {
  const w = window.jupyterapp.shell.currentWidget;
  const kernel = w.sessionContext.session && w.sessionContext.session.kernel;
  let done = true, failed = false;
  for (const cell of w.content.widgets) {
    const m = cell.model;
    if (m.type !== 'code' || !m.sharedModel.getSource().trim()) continue;
    if (!Number.isInteger(m.executionCount)) done = false;
    for (let i = 0; i < m.outputs.length; i++) {
      if (m.outputs.get(i).type === 'error') failed = true;
    }
  }
  return {kernel: kernel ? kernel.status : 'none', done, failed};
}"""

JS_DOM = """() => {
  const q = (s) => Array.from(document.querySelectorAll('.jp-NotebookPanel ' + s));
  const pngs = q('.jp-OutputArea-output[data-mime-type="image/png"] img');
  return {
    stderr: q('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
        .map((e) => e.innerText.slice(0, 500)),
    tracebacks: q('.jp-OutputArea-output').filter(
        (e) => e.innerText.includes('Traceback (most recent call last)')).length,
    png_imgs: pngs.length,
    png_loaded: pngs.filter((i) => i.complete && i.naturalWidth > 0).length,
    output_imgs: q('.jp-OutputArea-output img').length,
    widget_views: q('.jp-OutputArea-output > .jupyter-widgets').length,
    widget_errors: q('.jp-OutputArea-output').filter(
        (e) => e.querySelector('.jupyter-widgets-error-widget')
          || e.innerText.includes('Error displaying widget')
          || e.innerText.includes('Loading widget')).map((e) => e.innerText.slice(0, 200)),
    sliders: q('.jp-OutputArea-output .widget-slider').length,
    prompts: q('.jp-CodeCell .jp-InputArea-prompt').map((e) => e.innerText.trim()),
  };
}"""


class Lesson:
    """One lesson open in its own page (and its own JupyterLab workspace)."""

    def __init__(self, context: object, server: LabServer, name: str) -> None:
        self.name = name
        self.page = context.new_page()  # type: ignore[attr-defined]
        workspace = "w" + secrets.token_hex(4)  # a fresh workspace: no tabs restored
        self.page.goto(server.url(f"lab/workspaces/{workspace}/tree/notebooks/{name}"))
        self.page.wait_for_function(JS_READY, timeout=180_000, polling=500)
        self.page.wait_for_load_state("load")
        # Show the notebook alone: close the file browser on the left.
        self.page.evaluate("""() => { const s = window.jupyterapp.shell;
            if (!s.leftCollapsed) s.collapseLeft(); }""")
        self.page.wait_for_timeout(1500)  # let markdown, maths and images settle

    def command(self, name: str, wait: bool = True) -> None:
        """Run a JupyterLab command, as the menu or the command palette would."""
        if wait:
            self.page.evaluate("(c) => window.jupyterapp.commands.execute(c)", name)
        else:
            self.page.evaluate("(c) => { window.jupyterapp.commands.execute(c); }", name)

    def state(self) -> dict:
        """Return the kernel status and each code cell's source, count and outputs."""
        return self.page.evaluate(JS_STATE)

    def dom(self) -> dict:
        """Return what the page shows: stderr and traceback outputs, images, widgets, prompts."""
        return self.page.evaluate(JS_DOM)

    def run_all(self, timeout: float = 900.0) -> dict:
        """Clear all outputs, run all cells, and wait until the kernel is idle and done."""
        self.command("notebook:clear-all-cell-outputs")
        cleared = self.state()
        leftover = [c["id"] for c in cleared["cells"] if c["outputs"] or c["count"] is not None]
        if leftover:
            raise AssertionError(f"{self.name}: clearing outputs left cells {leftover}")
        self.command("notebook:run-all-cells", wait=False)
        deadline = time.monotonic() + timeout
        stable = 0
        while time.monotonic() < deadline:
            self.page.wait_for_timeout(2000)
            p = self.page.evaluate(JS_PROGRESS)
            stable = stable + 1 if p["kernel"] == "idle" and (p["done"] or p["failed"]) else 0
            if stable >= 2:
                return self.state()
        raise TimeoutError(f"{self.name}: cells still running after {timeout:.0f} s")

    def first_screen(self) -> bytes:
        """Return a PNG of the lesson's first screen: JupyterLab with the top of the notebook."""
        self.page.evaluate("""() => {
            const w = window.jupyterapp.shell.currentWidget;
            // Make the last cell the active one, so no cell on the first screen is highlighted.
            w.content.activeCellIndex = w.content.widgets.length - 1;
            w.content.mode = 'command';
            const outer = w.node.querySelector('.jp-WindowedPanel-outer');
            if (outer) outer.scrollTop = 0;
            // Offline, the Colab badge cannot load: show its alt text as a plain badge instead
            // of a broken-image icon.
            for (const img of w.node.querySelectorAll('.jp-RenderedMarkdown img')) {
                if (img.complete && img.naturalWidth === 0 && img.alt) {
                    const badge = document.createElement('span');
                    badge.textContent = img.alt;
                    badge.style.cssText = 'border:1px solid #bbb;border-radius:4px;'
                        + 'padding:1px 6px;font-size:12px;background:#f5f5f5;color:#333';
                    img.replaceWith(badge);
                }
            }
        }""")
        self.page.wait_for_timeout(500)
        return self.page.screenshot()

    def close(self) -> None:
        """Shut the lesson's kernel down and close its page."""
        try:
            self.page.evaluate("() => window.jupyterapp.serviceManager.sessions.shutdownAll()")
        finally:
            self.page.close()


def thumbnail(png: bytes, width: int = THUMBNAIL_WIDTH) -> bytes:
    """Return ``png`` scaled to ``width`` pixels wide, as a small palette PNG."""
    from PIL import Image

    image = Image.open(BytesIO(png)).convert("RGB")
    height = round(image.height * width / image.width)
    small = image.resize((width, height), Image.Resampling.LANCZOS)
    out = BytesIO()
    small.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(out, "PNG", optimize=True)
    return out.getvalue()


def lesson_paths() -> list[Path]:
    """Return the lessons of lessons.toml that exist, in order."""
    from tools import generate

    paths = [ROOT / "notebooks" / lesson["file"] for lesson in generate.lessons()]
    return [p for p in paths if p.exists()]
