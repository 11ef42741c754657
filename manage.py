#!/usr/bin/env python
"""Django's command-line utility for kuzet (the `kuzet` command does the same)."""

from kuzet.__main__ import main

if __name__ == "__main__":
    main()
