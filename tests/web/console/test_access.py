"""Only signed-in moderators reach the console; forms need their CSRF token; sign-in is limited."""

from __future__ import annotations

import pytest

from tests.web.console.conftest import PASSWORD, csrf_of, sign_in
from web import keys
from web.storage.accounts import AccountError, Moderators


def _console_routes(app) -> list[tuple[str, str]]:
    routes = []
    for resource in app[keys.CONSOLE].router.resources():
        path = (
            resource.canonical.replace("{conversation_id}", "0" * 32)
            .replace("{name}", "nlu.yml")
            .replace("{ticket_id}", "1")
            .replace("{action}", "close")
        )
        for route in resource:
            if route.method in ("GET", "POST") and not path.startswith(("/console/static", "/console/login")):
                routes.append((route.method, path))
    return routes


async def test_an_anonymous_crawl_of_every_console_route_gets_no_200(anonymous, console_server):
    client = await anonymous()
    routes = _console_routes(console_server.app)
    assert len(routes) >= 11
    for method, path in routes:
        response = await client.request(method, path, allow_redirects=False)
        assert response.status in (302, 401, 403), (method, path, response.status)
        if method == "GET" and response.status == 302:
            assert response.headers["Location"].startswith("/console/login")


async def test_an_export_asked_anonymously_gets_401_not_a_redirect(anonymous):
    client = await anonymous()
    response = await client.get("/console/exports/conversations.csv", allow_redirects=False)
    assert response.status == 401


async def test_a_form_without_its_csrf_token_is_refused(console):
    client = await console()
    response = await client.post("/console/logout", data={}, allow_redirects=False)
    assert response.status == 403
    response = await client.post("/console/logout", data={"csrf_token": "forged"}, allow_redirects=False)
    assert response.status == 403
    assert (await client.get("/console/", allow_redirects=False)).status == 200, "still signed in"


async def test_signing_out_ends_the_session(console):
    client = await console()
    token = await csrf_of(client, "/console/")
    response = await client.post("/console/logout", data={"csrf_token": token}, allow_redirects=False)
    assert response.status == 302
    assert (await client.get("/console/", allow_redirects=False)).status == 302


async def test_a_wrong_password_is_refused_and_audited(anonymous, console_server):
    client = await anonymous()
    await Moderators(console_server.app[keys.STORAGE].database).create("m@vascern.test", "M", PASSWORD)
    response = await sign_in(client, "m@vascern.test", "wrong password!")
    assert response.status == 401
    records = await console_server.app._subapps[0][
        __import__("web.console.keys", fromlist=["AUDIT"]).AUDIT
    ].latest()
    assert records[0]["action"] == "login_failed" and records[0]["moderator"] == "m@vascern.test"


async def test_sign_in_attempts_are_limited(anonymous, console_server):
    client = await anonymous()
    await Moderators(console_server.app[keys.STORAGE].database).create("n@vascern.test", "N", PASSWORD)
    statuses = [(await sign_in(client, "n@vascern.test", f"guess number {i}")).status for i in range(7)]
    assert statuses[:5] == [401] * 5 and statuses[5:] == [429, 429]
    assert (await sign_in(client, "n@vascern.test")).status == 429, "even the right password waits"


async def test_the_session_cookie_is_httponly_samesite_and_secure_by_default(aiohttp_client, database_url):
    from tests.web.conftest import make_settings
    from web.app import init_app

    client = await aiohttp_client(init_app(make_settings(database_url)))
    response = await client.get("/console/login")
    cookie = response.headers["Set-Cookie"]
    assert (
        "HttpOnly" in cookie
        and "SameSite=Strict" in cookie
        and "Secure" in cookie
        and "Path=/console" in cookie
    )


async def test_the_audit_log_is_for_admins_only(console):
    moderator = await console("moderator")
    assert (await moderator.get("/console/audit")).status == 403
    admin = await console("admin")
    assert (await admin.get("/console/audit")).status == 200


async def test_accounts_need_a_long_password_and_a_known_role(console_server):
    moderators = Moderators(console_server.app[keys.STORAGE].database)
    with pytest.raises(AccountError, match="12 characters"):
        await moderators.create("short@vascern.test", "S", "short")
    with pytest.raises(AccountError, match="role"):
        await moderators.create("role@vascern.test", "R", PASSWORD, "superuser")
    await moderators.create("twice@vascern.test", "T", PASSWORD)
    with pytest.raises(AccountError, match="exists"):
        await moderators.create("TWICE@vascern.test", "T", PASSWORD)


async def test_the_console_speaks_french_and_english(anonymous):
    client = await anonymous()
    assert "Se connecter" in await (await client.get("/console/login?lang=fr")).text()
    assert (
        "Sign in" in await (await client.get("/console/login", headers={"Accept-Language": "en-GB"})).text()
    )
    assert (
        "Se connecter"
        in await (await client.get("/console/login", headers={"Accept-Language": "fr-FR,fr"})).text()
    )
