from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import trans_real


class DefaultLanguageMiddleware:
    """Chinese unless the user picked English with the language switcher.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so an officer
    with an English phone would land on an English app; the department's language is
    Chinese, and the choice is the user's, kept in the language cookie.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or settings.LANGUAGE_CODE
        try:
            language = trans_real.get_supported_language_variant(language)
        except LookupError:
            language = settings.LANGUAGE_CODE
        # override, not activate: the language is put back when the request ends, so a
        # worker thread (or a test after an English request) does not stay in English.
        with translation.override(language):
            request.LANGUAGE_CODE = translation.get_language()
            response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


def _member_for(request):
    from .models import Member

    user = request.user
    if not user.is_authenticated:
        return None
    return Member.objects.select_related("team").filter(user=user, is_active=True).first()


class CurrentMemberMiddleware:
    """``request.member``: the signed-in user's active Member profile, or None.

    A member who chose a language on another device finds it here too: with no language
    cookie yet, their kept choice is set as the cookie (and applies from the next page)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.member = member = _member_for(request)
        response = self.get_response(request)
        if member is not None and member.language and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                member.language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response
