"""The simulated world: a seeded fraud ecosystem of Kazakhstan that knows its own truth.

kuzet cannot be shown, load-tested or judged on real victims' data, so this package writes a
synthetic world (victims, fraud rings, incidents, money paths, reports, partners' behaviour) and,
beside it, the ground truth that the evaluation commands read. Everything except ``apps.py``,
``management/`` and ``load.py`` (which feeds a world through intake) is pure Python with no Django
import, so the generator runs anywhere:

    python -m kuzet.simulation --seed 1 --scale small --out /tmp/world

Same seed, same scale: the same bytes, whatever the process, platform or ``PYTHONHASHSEED``.
"""
