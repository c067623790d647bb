"""Hypothesis strategies for hostile input: arbitrary text, huge values, NUL bytes, emoji and
values of the wrong type, as a browser (or a script) would send them in a form."""

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Bounded so the property tests run in CI in seconds, not minutes; deadline off because
# each example is a real request against PostgreSQL.
BOUNDED = settings(
    max_examples=int(__import__("os").environ.get("FUZZ_EXAMPLES", 25)),
    deadline=None,
    derandomize=not __import__("os").environ.get("FUZZ_EXAMPLES"),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

SPECIAL = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "😀🎉👍🏽",
    "<script>alert(1)</script>",
    '=HYPERLINK("http://evil")',
    "１３８００１３８０００",
    "２０２５０３０１０１",
    "null",
    "None",
    "0",
    "-1",
    "1e309",
    "NaN",
    "Infinity",
    "9" * 40,
    "2026-13-45",
    "0001-01-01 00:00",
    "9999-12-31 23:59",
    "\u202e\u200b\ufeff",
    "\r\n\t",
]


def huge(min_size: int = 300, max_size: int = 60_000):
    """One repeated character, long: past every max_length, cheap to generate."""
    return st.builds(
        lambda char, n: char * n, st.sampled_from(["a", "中", "😀", "\x00", "9", " "]), st.integers(min_size, max_size)
    )


def nasty_text():
    return st.one_of(
        st.sampled_from(SPECIAL),
        st.text(max_size=60),
        huge(),
        st.integers(-(10**30), 10**30).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(str),
    )


def form_value():
    """What a form field may receive: a string, or several (a list: the wrong type)."""
    return st.one_of(nasty_text(), nasty_text(), st.lists(nasty_text(), min_size=2, max_size=3))


@st.composite
def form_data(draw, fields: dict):
    """A POST body: a valid one with one to three fields made hostile (or left out), so the
    hostile value reaches the code behind the form's other checks."""
    data = dict(fields)
    names = draw(st.lists(st.sampled_from(sorted(fields)), min_size=1, max_size=3, unique=True))
    for name in names:
        value = draw(st.one_of(st.none(), form_value()))
        if value is None:
            del data[name]
        else:
            data[name] = value
    return data
