"""Equipment work done in the background (cpms/core/jobs): a confirmed inventory import of more than
cpms.core.imports.staging.DIRECT_ROWS rows, checked again, staged and published all at once."""
from cpms.core.imports.staging import register_import_job
from cpms.core.jobs import N_
from cpms.equipment.imports import JOB_KIND

import_file = register_import_job(JOB_KIND, N_("Import of an inventory spreadsheet"))
