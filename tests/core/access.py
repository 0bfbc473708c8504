from tests.access import ADMIN, ANY, PUBLIC

EXPECTED = {
    "core.index": ANY,
    "core.healthz": PUBLIC,
    "core.livez": PUBLIC,
    "core.set_language": PUBLIC,
    "core.audit_list": ADMIN,
}
