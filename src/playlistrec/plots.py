"""The pipeline's plots drawn offline: PNG files, and an HTML template that lets `dvc plots show` work offline.

`dvc plots show --json` (or `dvc plots diff REV ... --json`) fills the Vega-Lite templates of .dvc/plots/ with
the data; vl-convert renders each spec to PNG with no browser and no network, so the README's images are the
very plots DVC draws. DVC's own HTML page loads Vega from a CDN and stays blank without internet; the template
written by `write_offline_template` carries the Vega, Vega-Lite and Vega-Embed scripts inline instead:
`dvc plots show --html-template FILE`.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

VEGA_LITE_VERSION = "5.21"  # the templates' "$schema" is Vega-Lite 5
OFFLINE_PAGE = """<!DOCTYPE html>
<html>
<head>
  <meta charset="utf-8">
  {{refresh_tag}}
  <title>DVC plots (offline)</title>
  <script type="text/javascript">
{bundle}
  </script>
  <style>body {{ font-family: sans-serif; }} table {{ border-spacing: 15px; }}</style>
</head>
<body>
  {{plot_divs}}
</body>
</html>
"""


class PlotsError(RuntimeError):
    """No plots to draw (not a pipeline folder, no outputs yet, an unknown revision): one line saying why."""


def plot_specs(root: Path, revisions: Sequence[str] = ()) -> dict[str, dict[str, Any]]:
    """The filled Vega-Lite spec of every plot in dvc.yaml, by plot id: the workspace's, or with `revisions`
    those revisions side by side (as `dvc plots diff` draws them)."""
    command = ["plots", "diff", *revisions] if revisions else ["plots", "show"]
    done = subprocess.run(
        [sys.executable, "-m", "dvc", *command, "--json"], cwd=root, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise PlotsError(f"dvc {' '.join(command)} failed in {root}: {last}")
    shown = json.loads(done.stdout)
    if shown.get("errors"):
        raise PlotsError(f"dvc {' '.join(command)}: {shown['errors'][0]}")
    specs = {plot_id: renders[0]["content"] for plot_id, renders in shown.get("data", {}).items() if renders}
    if not specs:
        raise PlotsError(f"no plots in {root}: run it in the pipeline folder after `dvc repro`")
    return specs


def render_png(spec: dict[str, Any], scale: float = 1.5) -> bytes:
    """One Vega-Lite spec as PNG bytes (vl-convert: no browser, no network)."""
    import vl_convert

    return vl_convert.vegalite_to_png(spec, scale=scale, vl_version=VEGA_LITE_VERSION)


def write_pngs(specs: dict[str, dict[str, Any]], out_dir: Path, scale: float = 1.5) -> list[Path]:
    """Write `<plot id>.png` for every spec into `out_dir`; the paths written, in plot order."""
    from playlistrec.io import atomic_path

    written = []
    for plot_id, spec in specs.items():
        with atomic_path(out_dir / f"{plot_id}.png") as tmp:
            tmp.write_bytes(render_png(spec, scale))
        written.append(out_dir / f"{plot_id}.png")
    return written


def write_offline_template(path: Path) -> None:
    """An HTML template for `dvc plots show --html-template` with Vega, Vega-Lite and Vega-Embed inline."""
    import vl_convert

    from playlistrec.io import atomic_path

    page = OFFLINE_PAGE.format(bundle=vl_convert.javascript_bundle(vl_version=VEGA_LITE_VERSION))
    with atomic_path(path) as tmp:
        tmp.write_text(page, encoding="utf-8")
