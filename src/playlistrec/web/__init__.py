"""The web page and its JSON API (`playlistrec serve`), a thin FastAPI layer over `playlistrec.service`.

Nothing is imported here, so importing the package does not load FastAPI.
"""
