"""API paging with hard bounds: no caller can ask for a million rows or an absurd offset."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase

MAXIMUM_PAGE_SIZE = 200


class BoundedPagination(PaginationBase):
    """``limit``/``offset`` paging whose bounds are part of the OpenAPI contract."""

    class Input(Schema):
        limit: int = Field(50, ge=1, le=MAXIMUM_PAGE_SIZE, description="Rows per page (1-200).")
        offset: int = Field(0, ge=0, le=10_000_000, description="Rows to skip.")

    class Output(Schema):
        items: list[Any]
        count: int

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Any, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        return {
            "items": queryset[pagination.offset : pagination.offset + pagination.limit],
            "count": queryset.count(),
        }
