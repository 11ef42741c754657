"""Paging with hard bounds, for pages and the API: no total count over a whole table.

A page of a list at national scale must cost what the page costs, not what the table costs:
``COUNT(*)`` over a million reports or audit entries is a scan of them all. So pages know whether
there is a next page (one row more is fetched), not how many pages there are, and counts shown
beside a list stop at a cap (``capped_count``: "1,000+").
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase

MAXIMUM_PAGE_SIZE = 200
# API counts stop here: ``count_is_exact`` says whether the figure is the whole of it.
MAXIMUM_API_COUNT = 10_000
# Web lists go at most this many rows deep; narrower filters reach the rest.
MAXIMUM_PAGE_DEPTH = 10_000

Row = TypeVar("Row")


@dataclass(frozen=True)
class CappedCount:
    """How many rows match, counted up to a cap; ``is_exact`` is False when the cap was hit."""

    value: int
    is_exact: bool

    def __bool__(self) -> bool:
        return self.value > 0


def capped_count(queryset: QuerySet[Any], cap: int) -> CappedCount:
    """Count at most ``cap`` rows (one query): ``SELECT COUNT(*) FROM (… LIMIT cap + 1)``."""
    counted = queryset.order_by()[: cap + 1].count()
    if counted > cap:
        return CappedCount(cap, is_exact=False)
    return CappedCount(counted, is_exact=True)


def page_number_from(value: object, page_size: int) -> int:
    """A page number from a query string: 1 when absent or not a number, never deeper than
    ``MAXIMUM_PAGE_DEPTH`` rows."""
    try:
        number = int(str(value))
    except ValueError:
        return 1
    deepest = max(1, MAXIMUM_PAGE_DEPTH // page_size)
    return min(max(number, 1), deepest)


@dataclass(frozen=True)
class Page(Generic[Row]):
    """One page of a list, with what the template's Previous/Next links need and no total."""

    rows: Sequence[Row]
    number: int
    has_next: bool

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def page_of(queryset: QuerySet[Any], value: object, page_size: int) -> Page[Any]:
    """The page named by ``value`` (a query-string page number) of an ordered queryset.

    One query: ``page_size + 1`` rows from the page's offset; the extra row only says that a
    next page exists. The queryset's order must be served by an index for this to stay cheap.
    """
    number = page_number_from(value, page_size)
    offset = (number - 1) * page_size
    rows = list(queryset[offset : offset + page_size + 1])
    return Page(rows=rows[:page_size], number=number, has_next=len(rows) > page_size)


class BoundedPagination(PaginationBase):
    """``limit``/``offset`` paging whose bounds are part of the OpenAPI contract.

    ``count`` is exact up to 10,000 rows; beyond, it says 10,000 and ``count_is_exact`` is false
    (an exact count would read every row the caller can see on every page).
    """

    class Input(Schema):
        limit: int = Field(50, ge=1, le=MAXIMUM_PAGE_SIZE, description="Rows per page (1-200).")
        offset: int = Field(0, ge=0, le=10_000_000, description="Rows to skip.")

    class Output(Schema):
        items: list[Any]
        count: int = Field(description="Rows that match, counted up to 10,000.")
        count_is_exact: bool = Field(
            description="False when more than 10,000 rows match and `count` stopped there."
        )

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Any, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        counted = capped_count(queryset, MAXIMUM_API_COUNT)
        return {
            "items": queryset[pagination.offset : pagination.offset + pagination.limit],
            "count": counted.value,
            "count_is_exact": counted.is_exact,
        }
