"""Issue 21, "What to build": JSON bodies have a size limit (CPMS_JSON_MAX_KB), checked before anything parses
them, with a message that names this limit."""
import json

import pytest


@pytest.mark.parametrize("locale, expected", [("en", "The JSON body is larger than 4 KB: send less data per request."),
                                               ("fr", "Le corps JSON dépasse 4 Ko : envoyez moins de données par "
                                                      "requête.")])
def test_a_json_body_over_the_limit_is_refused_before_parsing(app, client, monkeypatch, locale, expected):
    monkeypatch.setitem(app.config, "JSON_MAX_KB", 4)
    big = json.dumps({"rows": ["x" * 100] * 60})  # about 6 KB
    with client.session_transaction() as session:
        session["lang"] = locale
    response = client.post("/api/v1/users", data=big, content_type="application/json")
    assert response.status_code == 413
    assert response.get_json()["error"]["message"] == expected  # not the limit of file uploads


def test_a_json_body_within_the_limit_goes_on(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "JSON_MAX_KB", 4)
    response = client.post("/api/v1/users", data=json.dumps({"rows": []}), content_type="application/json")
    assert response.status_code != 413  # on to authentication
