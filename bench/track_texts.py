"""Real-length track texts ("name — artist") for encoder benchmarks, made here (no MPD copy is shipped).

Real MPD track names are longer than the synthetic generator's: featured artists, remaster and live
suffixes, accented and non-Latin words that split into many word pieces ("name (feat. X) - Remastered
2011 — artist"). This draws texts with that shape, deterministically from a seed, so the encoder
benchmarks pad batches the way real data does. `python bench/track_texts.py` prints the token-length
distribution next to the synthetic default's.
"""

from __future__ import annotations

import random
import sys

WORDS = [
    "love",
    "night",
    "heart",
    "baby",
    "girl",
    "time",
    "world",
    "fire",
    "dance",
    "dream",
    "summer",
    "rain",
    "blue",
    "gold",
    "wild",
    "home",
    "light",
    "forever",
    "crazy",
    "broken",
    "midnight",
    "river",
    "highway",
    "yesterday",
    "tonight",
    "lonely",
    "paradise",
    "thunder",
    "shadows",
    "señorita",
    "corazón",
    "mañana",
    "amour",
    "für",
    "immer",
    "café",
    "déjà",
    "vu",
    "niño",
    "fiesta",
    "noche",
    "vida",
    "über",
    "straße",
    "glück",
    "schön",
    "cœur",
    "été",
    "ñandú",
    "привет",
    "любовь",
    "東京",
    "さくら",
    "사랑",
    "ahora",
    "siempre",
    "quiero",
    "bailar",
]
SUFFIXES = (
    " - Remastered 2011",
    " - Radio Edit",
    " - Live at Wembley Stadium, 1986",
    " - Acoustic Version",
    ' - From "The Greatest Showman" Soundtrack',
    " - 2015 Remaster",
    " - Original Mix",
    " - Extended Version; Bonus Track",
)


def _words(rng: random.Random, low: int, high: int) -> str:
    """`low`..`high` random words, capitalised like titles."""
    return " ".join(rng.choice(WORDS).capitalize() for _ in range(rng.randint(low, high)))


def track_texts(n: int, seed: int = 0) -> list[str]:
    """`n` texts "name — artist" with real-MPD-like extras: 25% feat., 20% a version suffix, 3% long classical."""
    rng = random.Random(seed)
    texts = []
    for _ in range(n):
        name = _words(rng, 1, 6)
        if rng.random() < 0.03:  # classical and medley names: "Symphony No. 9 in D Minor, Op. 125: IV. ..."
            name = f"Symphony No. {rng.randint(1, 41)} in D Minor, Op. {rng.randint(1, 140)}: {_words(rng, 8, 30)}"
        if rng.random() < 0.25:
            name += f" (feat. {_words(rng, 1, 3)})"
        if rng.random() < 0.20:
            name += rng.choice(SUFFIXES)
        artist = _words(rng, 1, 3)
        texts.append(f"{name} — {artist}")
    return texts


def main() -> None:
    """Print token-count percentiles of these texts (the packaged model's tokenizer)."""
    import numpy as np
    from transformers import AutoTokenizer

    from playlistrec.encoders import base_model_path

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    tokenizer = AutoTokenizer.from_pretrained(base_model_path())
    lengths = np.array([len(ids) for ids in tokenizer(track_texts(n))["input_ids"]])
    print(
        f"{n} texts, tokens: mean {lengths.mean():.1f}, p50 {np.percentile(lengths, 50):.0f}, "
        f"p90 {np.percentile(lengths, 90):.0f}, max {lengths.max()}"
    )
    print("examples:", *track_texts(5, seed=1), sep="\n  ")


if __name__ == "__main__":
    main()
