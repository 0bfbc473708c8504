from tests.access import ADMIN, ANY

EXPECTED = {
    "programmes.programme_list": ANY,
    "programmes.programme_detail": ANY,
    "programmes.programme_create": ADMIN,
    "programmes.programme_edit": ADMIN,
}


def samples(request):
    return {"programme_id": request.getfixturevalue("make_programme")(provinces=["Kasaï-Oriental"]).id}
