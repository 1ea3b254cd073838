"""Stateless randomness for the catalogue: a vectorised 64-bit integer hash of (seed, salt, id) and the
Spotify-like URIs derived from it, so a track's attributes are pure functions of its id."""

from __future__ import annotations

import numpy as np

URI_LENGTH = 22
BASE62 = np.frombuffer(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", dtype=np.uint8)
SALT_TRACK_URI, SALT_ARTIST_URI, SALT_ALBUM_URI = 0x11, 0x22, 0x33
SALT_TRACK, SALT_ARTIST, SALT_ALBUM, SALT_ARTIST_OF = 0x44, 0x55, 0x66, 0x77


def mix64(x: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser: a bijective avalanche hash of uint64 values (wrap-around arithmetic)."""
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def hash64(seed: int, salt: int, ids: np.ndarray, k: int = 0) -> np.ndarray:
    """Hash (seed, salt, id, k) to uint64: the stateless randomness behind catalogue attributes."""
    key = mix64(np.array([(seed & 0xFFFFFFFF) << 24 | salt << 16 | k], dtype=np.uint64))
    return mix64(ids.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15) ^ key)


def uniform(seed: int, salt: int, ids: np.ndarray, k: int = 0) -> np.ndarray:
    """Hash to floats in [0, 1), 53 bits each."""
    return (hash64(seed, salt, ids, k) >> np.uint64(11)).astype(np.float64) * 2.0**-53


def hashed_uris(seed: int, salt: int, ids: np.ndarray, kind: str) -> list[str]:
    """Spotify URIs "spotify:<kind>:" + 22 base62 characters, a deterministic function of (seed, id).

    Each 64-bit hash yields 8 base62 digits (62 ** 8 < 2 ** 48, so the digits stay near-uniform).
    """
    prefix = np.frombuffer(f"spotify:{kind}:".encode(), dtype=np.uint8)
    digits = []
    for k in range(-(-URI_LENGTH // 8)):
        h = hash64(seed, salt, ids, k)
        for _ in range(8):
            digits.append(h % np.uint64(62))
            h //= np.uint64(62)
    chars = BASE62[np.stack(digits[:URI_LENGTH], axis=1).astype(np.intp)]
    uris = np.concatenate([np.broadcast_to(prefix, (ids.size, prefix.size)), chars], axis=1)
    return np.ascontiguousarray(uris).view(f"S{uris.shape[1]}").ravel().astype(f"U{uris.shape[1]}").tolist()
