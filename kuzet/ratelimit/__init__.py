"""Rate limits shared by every web process: counters in the database, one mechanism for all.

See ``services`` for why the database (not a per-process cache) holds the counters.
"""
