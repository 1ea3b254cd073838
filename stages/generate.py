"""Stage generate: write the synthetic MPD (slices + ground truth) that the pipeline runs on by default."""

import sys

from playlistrec import paths
from playlistrec.io import load_params
from playlistrec.process import run_stage
from playlistrec.synth.generator import generate


def main() -> None:
    params = load_params()
    cfg = params["generate"]
    stats = generate(
        paths.GENERATED, cfg["n_playlists"], params["seed"], cfg["slice_size"], progress=True, profile=cfg["profile"]
    )
    print(
        f"generate: {stats['playlists']} playlists, {stats['items']} items, {stats['unique_tracks']} tracks, "
        f"{stats['unique_artists']} artists, {stats['unique_titles']} normalised titles "
        f"({stats['title_share_1_9']:.0%} of playlists titled rarely), {stats['typed_queries']} typed queries"
    )


if __name__ == "__main__":
    sys.exit(run_stage(main))
