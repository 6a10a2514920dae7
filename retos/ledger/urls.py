from django.urls import path

from retos.ledger import feeds, views

app_name = "ledger"

#: The transparency page, in each language (included in i18n_patterns).
urlpatterns = [
    path("transparencia/", views.transparency, name="transparency"),
]

#: The data, the same in every language (included under /transparency/ outside i18n_patterns).
data_urlpatterns = [
    path("ledger.jsonl", views.ledger_jsonl, name="ledger_jsonl"),
    path("head.atom", feeds.LedgerHeadFeed(), name="ledger_head_feed"),
]
