"""The web application: a JSON API under /api/v1 and a server-rendered UI, over the same use cases."""
