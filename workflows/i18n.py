"""Translation marks for the rulebook, which must not import Flask-Babel."""


def N_(text: str) -> str:
    """Mark TEXT for translation without translating it here (gettext_noop).

    The UI translates the marked text at render time; pybabel extracts it with `-k N_`.
    """
    return text
