"""The opening act and the officials' side of proposals (routes filled in by views)."""

urlpatterns: list = []
