"""Language for the addresses outside the language prefix (``/api/v1/``, ``/ocds/``).

Django's LocaleMiddleware gives every unprefixed address the default language (Spanish) when
``i18n_patterns`` runs with ``prefix_default_language=False``. The API and the OCDS files have
no language in their addresses on purpose (the data is the same in every language), so their
messages follow the client's ``Accept-Language`` (or the language cookie) instead.
"""

from django.utils import translation

UNPREFIXED = ("/api/", "/ocds/")


class UnprefixedLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(UNPREFIXED):
            language = translation.get_language_from_request(request, check_path=False)
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
