"""Write (or check) the example sessions in docs/cli.md from the pipeline outputs of a folder.

The examples show real tracks of the default catalogue, so they go stale when the data generator or the
models change. Each is a fenced block after a marker `<!-- example: NAME -->`; this script runs the
commands over the artefacts `dvc repro` left in `--root` and rewrites the blocks. Run from the repository
root after `dvc repro` on the default params:

    python docs/examples.py            # rewrite the examples in docs/cli.md
    python docs/examples.py --check    # exit 1 if they are not what the current outputs give
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import re
import sys
from pathlib import Path

DOC = Path(__file__).with_name("cli.md")
# A marker, the opening fence, the body (any text, a JSON answer may hold backticks) and the fence that closes it
# at the start of a line.
MARKER = re.compile(r"(<!-- example: (?P<name>[\w-]+) -->\n```[^\n]*\n)(?P<body>.*?)\n?^```", re.DOTALL | re.MULTILINE)
NEW_TITLE = "zzz no playlist has this title"


def cli(root: Path, *argv: str) -> str:
    """`$ playlistrec ARGV` and what it prints, over the artefacts in `root`."""
    from playlistrec.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        main([*argv, "--root", str(root)])
    shown = " ".join(f'"{a}"' if not a or " " in a else a for a in argv)
    return f"$ playlistrec {shown}\n{out.getvalue().rstrip()}"


def api_example(root: Path, seed: str) -> str:
    """A POST /api/recommend with one seed, through the real app in process, as the curl call would show it."""
    from fastapi.testclient import TestClient

    from playlistrec.service import PlaylistService
    from playlistrec.web.app import create_app

    body = {"title": "beach party", "seeds": [seed], "n": 2}
    client = TestClient(create_app(PlaylistService.from_root(root, ["blend"])))
    answer = json.dumps(client.post("/api/recommend", json=body).json(), ensure_ascii=False, separators=(",", ":"))
    request = json.dumps(body)
    return (
        f"$ curl -s localhost:8000/api/recommend -H 'content-type: application/json' \\\n    -d '{request}'\n{answer}"
    )


def examples(root: Path) -> dict[str, str]:
    """Every example block's text by marker name."""
    table = cli(root, "recommend", "summer vibes", "-n", "3")
    first_seed = re.search(r"spotify:track:\w+", table).group(0)
    return {
        "recommend": table,
        "fallback": cli(root, "recommend", NEW_TITLE, "--model", "exact_title", "-n", "3"),
        "api": api_example(root, first_seed),
    }


def rewrite(text: str, blocks: dict[str, str]) -> str:
    """`text` with each marked block's body replaced by `blocks[name]` (a marker without a block is an error)."""
    names = [match["name"] for match in MARKER.finditer(text)]
    if sorted(names) != sorted(blocks):
        raise SystemExit(f"docs/examples.py: markers {sorted(names)} do not match the examples {sorted(blocks)}")
    return MARKER.sub(lambda m: m[1] + blocks[m["name"]] + "\n```", text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path("."), help="pipeline folder (default: .)")
    parser.add_argument("--doc", type=Path, default=DOC, help="the markdown file (default: docs/cli.md)")
    parser.add_argument("--check", action="store_true", help="exit 1 if the examples are out of date")
    args = parser.parse_args()
    text = args.doc.read_text(encoding="utf-8")
    fresh = rewrite(text, examples(args.root))
    if args.check:
        print(f"{args.doc}: examples {'up to date' if fresh == text else 'OUT OF DATE: run python docs/examples.py'}")
        return int(fresh != text)
    args.doc.write_text(fresh, encoding="utf-8")
    print(f"{args.doc}: examples written from the outputs in {args.root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
