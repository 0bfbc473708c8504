"""The request's catalogue, looked up once per page instead of once per message.

Flask-Babel looks the catalogue up again for every message: the domain, the babel context, the locale and the
catalogue cache, each through `g`'s proxy (about 10 µs a message). A page shows 20 to 50 messages, so pages
rendered with render_template get their template `_()`, `gettext` and `ngettext` bound to the catalogue of the
moment they are rendered (the same messages, in the same language – `force_locale` included – and escaped and
formatted as Jinja's i18n extension does). Templates rendered otherwise (a macro imported without context, PDF and
e-mail parts rendered directly) keep Flask-Babel's own functions.
"""
from flask_babel import get_translations
from jinja2 import pass_context
from markupsafe import Markup


def request_catalogue():
    """Context processor: the template's gettext and ngettext, bound to the catalogue of this render."""
    translations = get_translations()
    translate, translate_plural = translations.ugettext, translations.ungettext

    @pass_context
    def gettext(context, string, **variables):
        text = translate(string)
        if context.eval_ctx.autoescape:
            text = Markup(text)  # nosec B704 – our catalogue's text; Markup's % escapes the variables
        return text % variables  # a format string even without variables, as Jinja's i18n extension treats it

    @pass_context
    def ngettext(context, singular, plural, num, **variables):
        variables.setdefault("num", num)
        text = translate_plural(singular, plural, num)
        if context.eval_ctx.autoescape:
            text = Markup(text)  # nosec B704 – our catalogue's text; Markup's % escapes the variables
        return text % variables

    return {"gettext": gettext, "ngettext": ngettext}


def as_shown(text):
    """`text` as a template shows it, now: a lazy string translated (and, as Jinja takes it, marked safe – the
    catalogue is ours), plain text unchanged. For labels kept translated per language (the menu, the cards)."""
    return Markup(text.__html__()) if hasattr(text, "__html__") else text  # nosec B704 – a translated msgid


def init_app(app):
    app.context_processor(request_catalogue)
