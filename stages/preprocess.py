"""DVC stage `preprocess`: the MPD slices of `data.mpd_dir` -> data/preprocessed/*.parquet + metrics.

Damaged input ends the stage with one line ``error: <message>`` on stderr and exit status 1 (no traceback);
``preprocess.on_error: skip`` skips and counts bad records instead.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from playlistrec import paths
from playlistrec.io import load_params, write_json
from playlistrec.mpd import ON_ERROR, MPDFormatError, preprocess
from playlistrec.process import run_stage


def main() -> int:
    """Run the stage; return the process exit status."""
    params = load_params()
    on_error = params["preprocess"]["on_error"]
    if on_error not in ON_ERROR:
        print(
            f"error: params.yaml preprocess.on_error must be one of {ON_ERROR}, not {on_error!r}",
            file=sys.stderr,
        )
        return 1
    start = time.perf_counter()
    try:
        report = preprocess(Path(params["data"]["mpd_dir"]), paths.PREPROCESSED, on_error=on_error)
    except MPDFormatError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    write_json(report, paths.PREPROCESS_METRICS)
    playlists, items = report["playlists"], report["items"]
    print(
        f"preprocess: {playlists['written']:,} playlists, {items['written']:,} items, "
        f"{report['tracks']:,} tracks from {report['files']['used']:,} files "
        f"in {time.perf_counter() - start:.1f}s; skipped "
        f"{sum(playlists['skipped'].values()):,} playlists, {sum(items['skipped'].values()):,} items, "
        f"{sum(report['files']['skipped'].values()):,} files; {items['duplicates']:,} repeated tracks dropped"
    )
    return 0


if __name__ == "__main__":
    sys.exit(run_stage(main))
