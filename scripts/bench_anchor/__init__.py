"""The benchmark's anchors (issue 25): a bare Django project beside the service, served by the same
gunicorn settings in the same run, so the report can say how far the service's floor is from the
framework's own: a bare Django JSON view, and a bare DRF view with DRF's token authentication (its
token table in PostgreSQL, as the service's token lookup is). Nothing here is part of the service.
"""
