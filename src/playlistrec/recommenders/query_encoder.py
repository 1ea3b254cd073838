"""Query titles embedded by a title encoder, each title once, the encoder loaded only when a title needs it."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from playlistrec.recommenders.data import SupportsEncode


class QueryEncoder:
    """Embeds query titles with a title encoder, loaded on first use, caching each title's vector.

    `model` is "pretrained", a model folder, or an object with `encode` (tests use a toy one). Loading
    lazily keeps loading the models fast for those that never see a title; the cache means a title asked in
    ten scenarios is encoded once.
    """

    def __init__(
        self, model: str | Path | SupportsEncode, known: tuple[Sequence[str], np.ndarray] | None = None
    ) -> None:
        """`known` = (titles, their vectors by this same model), e.g. the train titles' stored embeddings:
        a query equal to one of them is answered from it, without loading the encoder at all."""
        from playlistrec.encoders import resolve_model_path

        # A missing model folder fails here, when the models load, not at a user's first query.
        self.model = resolve_model_path(model) if isinstance(model, str | Path) else model
        self._encoder: SupportsEncode | None = None if isinstance(model, str | Path) else model
        self._cache: dict[str, np.ndarray] = dict(zip(*known, strict=True)) if known is not None else {}
        self._lock = threading.Lock()  # chunks are scored in threads; load and encode once

    def encode(self, titles: Sequence[str]) -> np.ndarray:
        """Unit float32 rows for `titles`, encoding only titles not seen before."""
        with self._lock:
            missing = sorted(set(titles) - self._cache.keys())
            if missing:
                if self._encoder is None:
                    from playlistrec.encoders import Encoder

                    self._encoder = Encoder(self.model)
                self._cache.update(zip(missing, self._encoder.encode(missing), strict=True))
            return np.stack([self._cache[t] for t in titles]).astype(np.float32, copy=False)
