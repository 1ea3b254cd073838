"""The `playlistrec` command: recommend a playlist, serve the web page, describe MPD slices, submit.

Imports are lazy on purpose: this module loads only the standard library, and each subcommand imports
what it needs when it runs, so `playlistrec recommend "summer vibes"` answers from a cold start in a
few seconds (pandas for the catalogue, torch and transformers only when a title must be encoded; never
sentence-transformers).

User mistakes (no artefacts yet, an unknown seed or model, nothing to recommend from) print one line,
`playlistrec: error: ...`, and exit with status 2, like argparse's own usage errors.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

EXIT_USAGE = 2
MODELS_MARK = "{models}"  # help text placeholder for the registry's model names


class UsageError(Exception):
    """A mistake the user can fix; reported as one line with exit status 2, no traceback."""


class HelpNamingModels(argparse.ArgumentParser):
    """An argument parser whose help text names the models: the registry is imported only when help is shown,
    so the list is always the registry's and no other command pays for the import."""

    def format_help(self) -> str:
        from playlistrec.recommenders.registry import FACTORIES

        return super().format_help().replace(MODELS_MARK, ", ".join(FACTORIES))


def _add_fit(parser: argparse.ArgumentParser, default: str) -> None:
    """`--fit all|train`: fit the models on every playlist the pipeline read, or on the train split only."""
    parser.add_argument(
        "--fit",
        choices=["all", "train"],
        default=default,
        help=f"fit the models on every playlist the pipeline read (all) or on its train split, as the "
        f"evaluation does (train) (default: {default})",
    )


def _add_recommend(commands: argparse._SubParsersAction) -> None:
    """`recommend TITLE [--seed URI ...] [-n N] [--model NAME] [--json] [--root PATH]`."""
    parser = commands.add_parser("recommend", help="print a playlist for a title (and optional seed tracks)")
    parser.add_argument("title", help='playlist title, e.g. "summer vibes" ("" with --seed for seeds only)')
    parser.add_argument("--seed", action="append", default=[], metavar="URI", help="a seed track URI (repeatable)")
    parser.add_argument("-n", type=int, default=20, help="number of tracks (default 20)")
    parser.add_argument("--model", default=None, help=f"one of {MODELS_MARK} (default: params' serve.default_model)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--root", type=Path, default=Path("."), help="pipeline folder (default: .)")
    _add_fit(parser, "train")
    parser.set_defaults(run=run_recommend)


def _add_serve(commands: argparse._SubParsersAction) -> None:
    """`serve [--host 127.0.0.1] [--port 8000] [--allow-host NAME ...] [--root PATH]`."""
    parser = commands.add_parser("serve", help="serve the web page and its JSON API")
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default: localhost only)")
    parser.add_argument("--port", type=int, default=8000, help="port, 0 for any free one (default 8000)")
    parser.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="also answer requests for this host name (repeatable; '*' for any, which DNS rebinding can abuse); "
        "localhost, 127.0.0.1, ::1 and --host are always answered",
    )
    parser.add_argument("--root", type=Path, default=Path("."), help="pipeline folder (default: .)")
    _add_fit(parser, "train")
    parser.set_defaults(run=run_serve)


def _add_stats(commands: argparse._SubParsersAction) -> None:
    """`stats FOLDER [--json]`."""
    parser = commands.add_parser("stats", help="statistics of a folder of MPD slices, next to the real MPD's")
    parser.add_argument("folder", type=Path, help="folder of mpd.slice.*.json files")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.set_defaults(run=run_stats)


def _add_submit(commands: argparse._SubParsersAction) -> None:
    """`submit CHALLENGE_JSON -o OUT.csv [--model NAME] [--team NAME] [--email ADDRESS] [--root PATH]`."""
    parser = commands.add_parser("submit", help="write a challenge submission (500 tracks per playlist)")
    parser.add_argument("challenge", type=Path, help="a RecSys 2018 challenge_set.json")
    parser.add_argument("-o", "--out", type=Path, required=True, help="submission file (.csv, or .csv.gz)")
    parser.add_argument("--model", default=None, help=f"one of {MODELS_MARK} (default: params' serve.default_model)")
    parser.add_argument("--team", default="playlistrec", help="team name for the team_info line")
    parser.add_argument("--email", default="", help="contact email for the team_info line")
    parser.add_argument("--root", type=Path, default=Path("."), help="pipeline folder (default: .)")
    _add_fit(parser, "all")
    parser.set_defaults(run=run_submit)


def _add_plots(commands: argparse._SubParsersAction) -> None:
    """`plots [--out DIR] [--rev REV ...] [--html-template FILE] [--root PATH]`."""
    parser = commands.add_parser("plots", help="draw the pipeline's DVC plots as PNG files, offline")
    parser.add_argument("--out", type=Path, default=Path("plots"), help="folder for <plot>.png (default: plots)")
    parser.add_argument(
        "--rev", action="append", default=[], metavar="REV",
        help="a revision to draw beside the workspace, as `dvc plots diff REV` (repeatable: those revisions only)",
    )  # fmt: skip
    parser.add_argument(
        "--html-template", type=Path, metavar="FILE",
        help="also write an HTML template for `dvc plots show --html-template FILE` that needs no internet",
    )  # fmt: skip
    parser.add_argument("--root", type=Path, default=Path("."), help="pipeline folder (default: .)")
    parser.set_defaults(run=run_plots)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    from importlib.metadata import version

    parser = HelpNamingModels(
        prog="playlistrec",
        description=__doc__.splitlines()[0],
        epilog=f"models: {MODELS_MARK} (see `playlistrec recommend --help`)",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {version('playlistrec')}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_recommend(commands)
    _add_serve(commands)
    _add_stats(commands)
    _add_submit(commands)
    _add_plots(commands)
    return parser


def run_recommend(args: argparse.Namespace) -> None:
    """Load the one model asked for, recommend, and print a table or JSON."""
    from playlistrec.service import PlaylistService, check_query, preferred_model

    check_query(args.title, args.seed, args.n)  # before any loading: fail fast on an empty request
    model = args.model or preferred_model(args.root)
    service = PlaylistService.from_root(args.root, [model], fit=args.fit)
    playlist = service.recommend(args.title, args.seed, model, args.n)
    if args.json:
        result = {
            "title": args.title,
            "seeds": args.seed,
            "model": playlist.model,
            "fallback": playlist.fallback,
            "tracks": [t.to_dict() for t in playlist.tracks],
        }
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return
    subject = f'"{args.title}"' if args.title.strip() else "your seed tracks"
    print(f"{playlist.model}: {len(playlist.tracks)} tracks for {subject}")
    if playlist.fallback:
        print(f"note: {playlist.fallback}")
    rows = [[str(t.rank), t.track_name, t.artist_name, t.track_uri] for t in playlist.tracks]
    print(format_table(["#", "track", "artist", "uri"], rows, max_width=40))


def run_serve(args: argparse.Namespace) -> None:
    """Take the port, load every model once, then serve the page within the server's limits.

    The port is checked and bound before the (slow) model loading, so a bad or busy port is a one-line
    error at once, and "serving" is printed only once the server can answer.
    """
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port must be between 0 and 65535, not {args.port}")
    from playlistrec.service import PlaylistService
    from playlistrec.web.app import create_app
    from playlistrec.web.guard import LOCAL_HOSTS
    from playlistrec.web.server import ServeError, listen, serve

    try:
        sock = listen(args.host, args.port)
    except ServeError as error:
        raise UsageError(str(error)) from error
    with sock:
        print(f"playlistrec: loading models from {args.root.resolve()}...", flush=True)
        service = PlaylistService.from_root(args.root, fit=args.fit)
        service.warm_up()
        port = sock.getsockname()[1]
        print(f"playlistrec: serving {len(service.model_names)} models on http://{args.host}:{port}/", flush=True)
        serve(create_app(service, hosts=[*LOCAL_HOSTS, args.host, *args.allow_host]), sock)


def run_submit(args: argparse.Namespace) -> None:
    """Recommend for every challenge playlist, write the submission and check it against the challenge."""
    from playlistrec.service import PlaylistService, preferred_model
    from playlistrec.submission import prepare_submission, write_submission

    model = args.model or preferred_model(args.root)
    try:  # bad team info, a folder as output, a damaged challenge set, too small a catalogue
        challenge = prepare_submission(args.challenge, args.out, args.team, args.email)  # before the model loads
        recommender = PlaylistService.from_root(args.root, [model], fit=args.fit).model(model)
        count = write_submission(recommender, challenge, args.out, args.team, args.email)
    except (OSError, ValueError) as error:
        raise UsageError(str(error)) from error
    print(f"playlistrec: wrote {count} playlists x 500 tracks ({model}) to {args.out}")


def run_plots(args: argparse.Namespace) -> None:
    """Render every plot of dvc.yaml to PNG (one revision, or several side by side), and the offline template."""
    from playlistrec.plots import PlotsError, plot_specs, write_offline_template, write_pngs

    try:
        written = write_pngs(plot_specs(args.root, args.rev), args.out)
    except PlotsError as error:
        raise UsageError(str(error)) from error
    print(f"playlistrec: wrote {len(written)} plots to {args.out}: {', '.join(p.name for p in written)}")
    if args.html_template:
        write_offline_template(args.html_template)
        print(f"playlistrec: wrote {args.html_template}; use `dvc plots show --html-template {args.html_template}`")


def run_stats(args: argparse.Namespace) -> None:
    """Print the folder's statistics next to the real MPD's."""
    from playlistrec.mpd import MPDFormatError
    from playlistrec.mpd_stats import MPD_STATS, dataset_stats

    try:
        stats = dataset_stats(args.folder)
    except MPDFormatError as error:  # no such folder, no slices, a damaged slice
        raise UsageError(str(error)) from error
    if args.json:
        print(json.dumps({"folder": str(args.folder), "stats": stats, "mpd": MPD_STATS}, indent=2))
        return
    rows = [
        [name, _number(value), _number(MPD_STATS[name]) if name in MPD_STATS else "-"] for name, value in stats.items()
    ]
    print(f"MPD slices in {args.folder}\n")
    print(format_table(["statistic", "this folder", "real MPD"], rows, align_right=(1, 2)))


def _number(value: float) -> str:
    """Thousands separators for counts, two decimals at most otherwise."""
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,.2f}"


def format_table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    max_width: int = 60,
    align_right: Sequence[int] = (0,),
) -> str:
    """A plain-text table: columns padded to their widest cell, cells cut to `max_width` with an ellipsis."""
    cells = [[_cut(cell, max_width) for cell in row] for row in [list(header), *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]

    def line(row: Sequence[str]) -> str:
        padded = [
            c.rjust(w) if i in align_right else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        return "  ".join(padded).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(cells[0]), rule, *(line(row) for row in cells[1:])])


def _cut(text: str, width: int) -> str:
    """`text` on one line, cut to `width` characters with a trailing ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: parse, run, and turn user mistakes into one line on stderr with exit status 2."""
    args = build_parser().parse_args(argv)
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # no "Loading weights" bar above the output
    from playlistrec.artefacts import DamagedArtefactError
    from playlistrec.service import MissingArtefactsError, QueryError

    try:
        args.run(args)
    except (UsageError, QueryError, MissingArtefactsError, DamagedArtefactError) as error:
        print(f"playlistrec: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    return 0


if __name__ == "__main__":
    sys.exit(main())
