from tests.access import ADMIN

EXPECTED = {
    "privacy.trainee_data": ADMIN,
}


def samples(request):
    return {"kind": "json"}  # trainee_id comes from tests/training/access.py
