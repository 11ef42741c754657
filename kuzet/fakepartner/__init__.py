"""Fake partners: a real HTTP server on 127.0.0.1 standing in for banks, telecoms, platforms.

It receives kuzet's webhooks exactly as a partner would (``server.FakePartners``): checks the
signature with the partner's key, keeps each message once by its id, and misbehaves on demand
(``Behaviour``: slow, failing, busy with ``Retry-After``, hanging, answering garbage). The tests
start it on a free port (the ``fake_partners`` fixture); the demo runs
``kuzet fakepartner serve --port N``. Nothing here is imported by kuzet's own code.
"""
