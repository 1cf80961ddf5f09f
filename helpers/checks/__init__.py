"""Self-checks for the lessons' exercises: friendly feedback instead of tracebacks.

Each lesson has its own module (``helpers.checks.lesson01`` ...). A check returns a
:class:`Feedback`, which Jupyter shows as one line: a confirmation, what is off with a
hint, or what shape or type the answer should have.
"""

from helpers.checks._core import (
    Feedback,
    WrongAnswer,
    check_array,
    check_choice,
    check_function,
    check_integer,
    check_number,
    unanswered,
)

__all__ = [
    "Feedback",
    "WrongAnswer",
    "check_array",
    "check_choice",
    "check_function",
    "check_integer",
    "check_number",
    "unanswered",
]
