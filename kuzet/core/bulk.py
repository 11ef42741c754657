"""Insert many new rows of one model at once, as fast as the database allows.

On PostgreSQL the rows go through ``COPY … FROM STDIN`` (psycopg's ``cursor.copy``): one
stream, no SQL text to build or parse, several times cheaper than Django's ``bulk_create``
for the thousands of rows a bulk intake call writes (reports, their sources, transfers,
identifiers and audit entries). Primary keys are drawn from the table's sequence first, so
callers get them as ``bulk_create`` would give them. Elsewhere (SQLite, the embedded default)
this is ``bulk_create``.

Hand-written because no maintained library streams Django model instances through psycopg 3's
COPY (django-postgres-copy reads CSV files; pgcopy needs psycopg 2); the part written here is
only the choice of columns and their database values, which Django's own fields still
prepare wherever a field needs more than its Python value.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache, partial
from operator import attrgetter
from typing import Any, TypeVar

from django.db import connections, models, router

__all__ = ["bulk_insert"]

ModelInstance = TypeVar("ModelInstance", bound=models.Model)

# Field classes whose database value on PostgreSQL is their Python value: psycopg adapts it.
# Exact classes only: a subclass may prepare its value differently.
_PLAIN_FIELDS: frozenset[type[models.Field[Any, Any]]] = frozenset(
    {
        models.AutoField,
        models.BigAutoField,
        models.BigIntegerField,
        models.BooleanField,
        models.CharField,
        models.DecimalField,
        models.ForeignKey,
        models.IntegerField,
        models.OneToOneField,
        models.PositiveBigIntegerField,
        models.PositiveIntegerField,
        models.PositiveSmallIntegerField,
        models.SmallIntegerField,
        models.TextField,
        # Native on PostgreSQL, the only database this module writes to itself.
        models.UUIDField,
    }
)


def _is_plain(field: models.Field[Any, Any]) -> bool:
    if type(field) in _PLAIN_FIELDS:
        return True
    # Date-times without auto_now are adapted by psycopg as they are (aware, in UTC).
    return type(field) is models.DateTimeField and not (field.auto_now or field.auto_now_add)


Column = tuple[str, Callable[[models.Model], Any]]


def _prepared(field: Any, connection: Any, instance: models.Model) -> Any:
    return field.get_db_prep_save(field.pre_save(instance, True), connection)


@cache
def _columns(model: type[models.Model], alias: str) -> tuple[Column, ...]:
    """(column name, value getter) for every concrete column of ``model``, primary key first."""
    connection = connections[alias]
    return tuple(
        (
            field.column,
            (
                attrgetter(field.attname)
                if _is_plain(field)
                else partial(_prepared, field, connection)
            ),
        )
        for field in model._meta.concrete_fields
    )


def bulk_insert(objects: Sequence[ModelInstance]) -> Sequence[ModelInstance]:
    """Insert ``objects`` (new instances of one model) and set their primary keys.

    No signals are sent and no ``save()`` runs, exactly as with ``bulk_create``.
    """
    if not objects:
        return objects
    model = type(objects[0])
    alias = router.db_for_write(model)
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return model._default_manager.using(alias).bulk_create(objects)
    meta = model._meta
    table = connection.ops.quote_name(meta.db_table)
    with connection.cursor() as cursor:
        missing = [instance for instance in objects if instance.pk is None]
        if missing:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, len(missing)],
            )
            for instance, (key,) in zip(missing, cursor.fetchall(), strict=True):
                instance.pk = key
        columns = _columns(model, alias)
        names = ", ".join(connection.ops.quote_name(name) for name, _ in columns)
        getters = [getter for _, getter in columns]
        # Django's cursor wrapper hides psycopg's copy(); the raw cursor has it, and
        # wrap_database_errors turns its errors into Django's (IntegrityError and the rest).
        statement = f"COPY {table} ({names}) FROM STDIN"  # noqa: S608 — quoted identifiers
        with connection.wrap_database_errors, cursor.cursor.copy(statement) as copy:
            for instance in objects:
                copy.write_row([getter(instance) for getter in getters])
    for instance in objects:
        instance._state.adding = False
        instance._state.db = alias
    return objects
