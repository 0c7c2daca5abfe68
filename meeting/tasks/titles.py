"""A task's title: short, its own, so that two tasks of one item can be told apart."""

TITLE_LENGTH = 100


def title_from(description: str | None) -> str:
    """The title of a task given none (API clients of before titles, tasks of before them): its
    description's first non-blank line, cut to fit. The migration d15b00000002 does the same."""
    lines = [line.strip() for line in (description or "").splitlines() if line.strip()]
    first = lines[0] if lines else "—"
    return first if len(first) <= TITLE_LENGTH else first[: TITLE_LENGTH - 1] + "…"
