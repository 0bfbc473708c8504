"""The job kinds: `@task("<domain>.<what>", title=N_("…"))` in cpms/<domain>/tasks.py."""
from dataclasses import dataclass

TASKS = {}


def N_(message):
    """Mark a message for translation without translating it now (a stage, a title, a job's message): it is
    stored as written and translated when shown, in the reader's language. `pybabel extract -k N_` finds it."""
    return message


@dataclass(frozen=True)
class TaskSpec:
    kind: str
    func: object
    title: str
    max_attempts: int = 3
    notify: object = True  # the owner is told when the job ends: True, "failures" (only then) or False

    def notifies(self, state):
        return self.notify is True or (self.notify == "failures" and state == "failed")


def task(kind, title=None, max_attempts=3, notify=True):
    """Register `func(job, **params)` as the handler of jobs of `kind` ("<domain>.<what>").

    The handler may call job.progress(percent, stage) and job.save_result(filename, data_or_path, mimetype),
    may return a message (a msgid) shown on the job's page, and raises DomainError for a failure the user
    should read. It must be safe to run again after being interrupted half-way. `notify`: whether the owner
    gets a notification when the job ends (True), only when it fails ("failures": the domain tells of success
    its own way), or never (False)."""
    def decorator(func):
        TASKS[kind] = TaskSpec(kind, func, title or kind, max_attempts, notify)
        return func
    return decorator


def registered_tasks():
    """Every handler: importing cpms/<domain>/tasks.py registers its @task functions."""
    from cpms.domains import domain_modules
    domain_modules("tasks")
    return TASKS


def task_spec(kind):
    return registered_tasks().get(kind)
