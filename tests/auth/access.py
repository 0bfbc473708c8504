from tests.access import ADMIN, ANY, PUBLIC

EXPECTED = {
    "auth.login": PUBLIC,
    "auth.two_factor_verify": PUBLIC,
    "auth.password_forgotten": PUBLIC,
    "auth.password_set": PUBLIC,
    "auth.two_factor": ANY,
    "auth.logout": ANY,
    "auth.account": ANY,
    "auth.change_password": ANY,
    "auth.set_time_zone": ANY,
    "auth.create_token": ANY,
    "auth.revoke_token": ANY,
    "auth.user_list": ADMIN,
    "auth.user_create": ADMIN,
    "auth.user_detail": ADMIN,
    "auth.user_edit": ADMIN,
    "auth.user_reset_password": ADMIN,
}


def samples(request):
    target = request.getfixturevalue("make_user")("viewer")
    return {"user_id": target.id, "token_id": 0, "purpose": "reset", "token": "not-a-valid-link"}
