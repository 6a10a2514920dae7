"""Page-number pagination: ``?page=2&page_size=50`` (at most ``MAX_PAGE_SIZE``)."""

from rest_framework import pagination

MAX_PAGE_SIZE = 100


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    page_size_query_description = "Items per page (at most 100)."
