"""The web page (`playlistrec serve`) and the service it shares with the command line.

Nothing is imported here, so `playlistrec recommend` can use `web.service` without loading FastAPI.
"""
