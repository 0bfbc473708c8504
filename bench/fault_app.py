"""The application of the fault test's worker and scheduler processes (`flask --app bench.fault_app cpms
worker`): the application as configured by the environment, plus the fault test's job handler."""
import os
import time

from cpms import create_app
from cpms.core.jobs import N_, task


@task("bench.record", title=N_("Sign-in sheet"))
def record(job, log, steps=1, delay=0.0):
    """Appends "start <id> <pid>" and "done <id> <pid>" to the file `log` (appends are atomic), recording
    progress (a short write of its own) between steps: how many times each job ran, in whatever process."""
    with open(log, "a") as handle:
        handle.write(f"start {job.id} {os.getpid()}\n")
    for step in range(steps):
        job.progress(int(100 * step / steps), N_("Rendering pages"))
        time.sleep(delay)
    with open(log, "a") as handle:
        handle.write(f"done {job.id} {os.getpid()}\n")


app = create_app(instance_path=os.environ.get("CPMS_INSTANCE_PATH"))
