"""The JSON API, versioned under /api/v1: one router per feature, as `app/` is grouped.

Handlers translate request bodies to use cases. A reply that is an app read type field for field is
that type itself (the record's view, search hits, accounts, audit entries, alerts, the subject access
report), so a field added to it reaches the JSON with no edit here; the web layer declares request
bodies and the replies that reshape a use case's result.
"""
