"""The server-rendered UI, following GOV.UK Design System patterns; it works without JavaScript.

One router per feature, as `app/` is grouped. IDs and names never appear in URLs: records are opened,
and requests chosen, by POSTed forms, each a Pydantic form model carrying the session's CSRF token
(the sign-in form a pre-session double-submit token). What pages share is in `web/pages.py`.
"""
