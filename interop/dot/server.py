"""A real, third-party OAuth 2.0 authorization server for interoperability tests.

django-oauth-toolkit (on Django) issues the tokens; this file only configures it: one person,
two registered public clients (`ID`, allowed the implicit grant, and `ID-code`, allowed the
authorization code grant, with PKCE required), and a protected resource `/api/me`
that reads the token the way RFC 6750 allows (Authorization header or `access_token` query
parameter) and answers CORS requests from the app's origin (django-cors-headers).

    python server.py --port P --app-origin http://127.0.0.1:A --redirect-uri URI \
        [--client-id ID] [--token-lifetime SECONDS] [--data-dir DIR]

It listens on 127.0.0.1 only. The versions are pinned in requirements.txt.
"""

import argparse
import os
import secrets
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
USERNAME = "ada"
PASSWORD = "analytical-engine-1843"


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--app-origin", required=True)
    p.add_argument("--redirect-uri", required=True)
    p.add_argument("--client-id", default="interop-client")
    p.add_argument("--token-lifetime", type=int, default=3600)
    p.add_argument("--data-dir", default=None)
    return p.parse_args()


def configure(args):
    from django.conf import settings

    data_dir = args.data_dir or tempfile.mkdtemp(prefix="dot-")
    settings.configure(
        DEBUG=False,
        SECRET_KEY=secrets.token_urlsafe(32),
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        ROOT_URLCONF=__name__,
        INSTALLED_APPS=[
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "corsheaders",
            "oauth2_provider",
        ],
        MIDDLEWARE=[
            "corsheaders.middleware.CorsMiddleware",
            "django.middleware.security.SecurityMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
        ],
        TEMPLATES=[
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "DIRS": [os.path.join(HERE, "templates")],
                "APP_DIRS": True,
                "OPTIONS": {
                    "context_processors": [
                        "django.template.context_processors.request",
                        "django.contrib.auth.context_processors.auth",
                    ]
                },
            }
        ],
        DATABASES={
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": os.path.join(data_dir, "db.sqlite3"),
            }
        },
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
        LOGIN_URL="/accounts/login/",
        USE_TZ=True,
        STATIC_URL="/static/",
        OAUTH2_PROVIDER={
            "SCOPES": {"read": "Read your profile", "write": "Change your profile"},
            "DEFAULT_SCOPES": ["read"],
            "ACCESS_TOKEN_EXPIRE_SECONDS": args.token_lifetime,
            # Public clients of the code grant must prove the code with PKCE (S256).
            "PKCE_REQUIRED": True,
            "ROTATE_REFRESH_TOKEN": True,
        },
        CORS_ALLOWED_ORIGINS=[args.app_origin],
        # The protected API, the token endpoint a browser app redeems its code at, and the
        # revocation endpoint it posts to on sign-out.
        CORS_URLS_REGEX=r"^/(api/.*|o/token/|o/revoke_token/)$",
        LOGGING={"version": 1, "disable_existing_loggers": False},
    )


def me(request):
    """The protected resource: who the token belongs to, and its scope."""
    from django.http import JsonResponse
    from oauth2_provider.oauth2_backends import get_oauthlib_core

    valid, r = get_oauthlib_core().verify_request(request, scopes=[])
    if not valid:
        response = JsonResponse(
            {"error": "invalid_token", "error_description": "The access token is invalid or expired."},
            status=401,
        )
        response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return response
    user = r.access_token.user
    # Which RFC 6750 transport carried the token, so tests can tell the app's modes apart.
    token_in = "header" if "HTTP_AUTHORIZATION" in request.META else "query"
    return JsonResponse(
        {
            "sub": str(user.pk),
            "username": user.username,
            "name": user.get_full_name(),
            "email": user.email,
            "scope": r.access_token.scope,
            "token_in": token_in,
        }
    )


def urls():
    from django.contrib.auth import views as auth_views
    from django.urls import include, path

    return [
        path("accounts/login/", auth_views.LoginView.as_view()),
        path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
        path("api/me", me),
    ]


def seed(args):
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0, interactive=False)
    user, _ = User.objects.get_or_create(
        username=USERNAME,
        defaults={"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"},
    )
    user.set_password(PASSWORD)
    user.save()
    for client_id, grant in [
        (args.client_id, Application.GRANT_IMPLICIT),
        (f"{args.client_id}-code", Application.GRANT_AUTHORIZATION_CODE),
    ]:
        Application.objects.update_or_create(
            client_id=client_id,
            defaults={
                "name": "implicit-oauth",
                "user": user,
                "client_type": Application.CLIENT_PUBLIC,
                "authorization_grant_type": grant,
                "redirect_uris": args.redirect_uri,
                "skip_authorization": False,
                "algorithm": "",
            },
        )


def main():
    args = parse_args()
    sys.path.insert(0, HERE)
    configure(args)
    import django

    django.setup()
    global urlpatterns
    urlpatterns = urls()
    seed(args)
    from django.core.management import call_command

    call_command("runserver", f"127.0.0.1:{args.port}", use_reloader=False, verbosity=0)


if __name__ == "__main__":
    main()
