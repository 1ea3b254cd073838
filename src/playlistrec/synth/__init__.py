"""Synthetic Million Playlist Dataset (MPD) generator with known ground truth: the pipeline's default data.

Every playlist has a latent primary theme (a genre, mood, activity, era or holiday) and, for some, a second
one. Its tracks come from the themes' catalogues with heavy-tailed (Zipf-like) popularity; its title is one
of the theme's keywords (head words like "workout", variants like "gym", misspellings like "wrkout", opaque
slang like "swole szn", emoji like "💪") combined now and then with modifiers shared across themes ("my",
"vibes", "2k17", "jake's", "!!!"). Head titles therefore cover many playlists, modifier combinations make a
long tail of rare titles, and a few titles are noise unrelated to the content, as in the real MPD.

The catalogue is never held in memory: a track's theme, artist, album, names and URIs are pure functions of
(seed, its global index), computed by a vectorised integer hash for the tracks a slice uses. Each slice has
its own random generator, so memory is bounded by one slice and equal (seed, size) give byte-equal files.

Modules, one concept each: `vocabulary` (themes and words), `hashing` (stateless randomness, URIs),
`catalogue` (the hashed track/artist/album pools), `drawing` (lengths and track draws), `titles` (title
composition), `grammar` (the title recogniser and typed queries), `truth` (ground-truth sidecars) and
`generator` (slices and the `generate` entry point); the realistic profile adds `taste` (users), `runs`
(artist runs, chart hits, deep cuts) and `everyday_titles`. This file imports nothing, so that importing one module
never loads its siblings.
"""
