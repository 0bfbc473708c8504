"""The certificate template sandbox, bounded: output size, loop length, render time and memory.

`BoundedSandbox` refuses `'a' * 100000000`, `2 ** 10**9` and `range()` beyond MAX_LOOP; the preview and the
check before a template is saved render in a forked child process with an address-space limit, killed (not
asked to stop) when it takes longer than CPMS_CERTIFICATE_TEMPLATE_SECONDS. Each refusal is a DomainError
on the field "html" that says what to change.
"""
import multiprocessing
import os
import resource
import signal

from flask import current_app
from flask_babel import gettext as _
from jinja2 import StrictUndefined, TemplateError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from cpms.core.errors import DomainError

MAX_OUTPUT_CHARS = 1_000_000  # far more than one A4 page of text
MAX_LOOP = 10_000


def _length(value):
    return len(value) if isinstance(value, (str, bytes, list, tuple)) else None


class BoundedSandbox(SandboxedEnvironment):
    """A Jinja sandbox in which no single operation can build a huge value."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context, operator, left, right):
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if _length(seq) is not None and isinstance(times, int) and _length(seq) * times > MAX_OUTPUT_CHARS:
                    raise SecurityError(f"the result would exceed {MAX_OUTPUT_CHARS} characters")
        if operator == "**" and isinstance(right, (int, float)) and abs(right) > 64:
            raise SecurityError("the exponent is too large (at most 64)")
        return super().call_binop(context, operator, left, right)

    def call(self, __context, __obj, *args, **kwargs):
        if __obj is range or getattr(__obj, "__name__", "") == "safe_range":
            length = len(range(*args))
            if length > MAX_LOOP:
                raise SecurityError(f"range() is limited to {MAX_LOOP} items")
        return super().call(__context, __obj, *args, **kwargs)


def bounded_environment():
    return BoundedSandbox(autoescape=True, undefined=StrictUndefined)


def _child(connection, build, args, memory_bytes, seconds):
    """Runs in the child: limits first, then the work; sends back ("ok", html) or ("error", message, field)."""
    try:
        with open("/proc/self/statm") as statm:  # the fork already maps the parent's memory: add the budget
            mapped = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        resource.setrlimit(resource.RLIMIT_AS, (mapped + memory_bytes, mapped + memory_bytes))
    except (OSError, ValueError):
        pass
    resource.setrlimit(resource.RLIMIT_CPU, (seconds + 1, seconds + 2))
    try:
        html = build(*args)
        if len(html) > MAX_OUTPUT_CHARS * 2:
            raise SecurityError(f"the page is longer than {MAX_OUTPUT_CHARS} characters")
        connection.send(("ok", html))
    except DomainError as error:
        connection.send(("error", error.message, error.field))
    except (TemplateError, OverflowError, MemoryError, RecursionError) as error:
        connection.send(("error", str(error) or type(error).__name__, "html"))
    finally:
        connection.close()
        os._exit(0)  # no atexit handlers or pools of the parent's copy


def render_isolated(build, *args):
    """`build(*args)` (which returns the HTML of a certificate) run in a forked process with a time and
    memory limit; DomainError (field "html") when the template exceeds them."""
    seconds = current_app.config["CERTIFICATE_TEMPLATE_SECONDS"]
    memory = current_app.config["CERTIFICATE_TEMPLATE_MEMORY_MB"] * 1024 * 1024
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sender, build, args, memory, seconds), daemon=True)
    process.start()
    sender.close()
    try:
        answer = receiver.recv() if receiver.poll(seconds) else None
    except EOFError:  # the child died: out of memory or CPU time
        answer = ("died",)
    finally:
        if process.is_alive():
            os.kill(process.pid, signal.SIGKILL)
        process.join(5)
        receiver.close()
    if answer is None:
        raise DomainError(_("The template takes longer than %(n)d seconds to fill in: remove long loops or "
                            "repetitions.", n=seconds), field="html")
    if answer[0] == "died":
        raise DomainError(_("The template needs more than %(mb)d MB to fill in: remove long loops or "
                            "repetitions.", mb=memory // 1048576), field="html")
    if answer[0] == "error":
        message = answer[1]
        if answer[2] == "html" and "template" not in message.lower():
            message = _("The template could not be filled in: %(message)s", message=message)
        raise DomainError(message, field=answer[2])
    return answer[1]
