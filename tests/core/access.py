from tests.access import ADMIN, ANY, PUBLIC

EXPECTED = {
    "core.index": ANY,
    "core.healthz": PUBLIC,
    "core.livez": PUBLIC,
    "core.service_worker": PUBLIC,  # the offline script: static code, no data
    "core.set_language": PUBLIC,
    "core.audit_list": ADMIN,
}
