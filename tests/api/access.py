from tests.access import ADMIN, ANY, PUBLIC

EXPECTED = {
    "api.openapi": PUBLIC,
    "api.users": ADMIN,
    "api.provinces": ANY,
    "api.communes": ANY,
    "api.programme_list": ANY,
    "api.programme_detail": ANY,
}
