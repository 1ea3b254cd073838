"""Playlist continuation recommenders: data types, ranking kernels, the base class, the models, the registry.

Nothing is imported here, so importing one module (e.g. `recommenders.data` for the playlist-track matrix)
never loads the others. Modules and what they may import are listed in docs/DESIGN.md.
"""
