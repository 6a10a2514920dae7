app_name = "clarifications"

urlpatterns: list = []
