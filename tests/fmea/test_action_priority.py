"""The AIAG-VDA 2019 Action Priority table, all 1,000 combinations."""

import itertools

import pytest

from workbench.fmea import action_priority, rpn

# The published table, one printed line per severity band / occurrence band / detection band,
# written independently of workbench.fmea.priority (ranges as printed in the handbook).
PUBLISHED = """
9-10 8-10 7-10 H | 9-10 8-10 5-6 H | 9-10 8-10 2-4 H | 9-10 8-10 1 H
9-10 6-7 7-10 H | 9-10 6-7 5-6 H | 9-10 6-7 2-4 H | 9-10 6-7 1 H
9-10 4-5 7-10 H | 9-10 4-5 5-6 H | 9-10 4-5 2-4 H | 9-10 4-5 1 M
9-10 2-3 7-10 H | 9-10 2-3 5-6 M | 9-10 2-3 2-4 L | 9-10 2-3 1 L
9-10 1 1-10 L
7-8 8-10 7-10 H | 7-8 8-10 5-6 H | 7-8 8-10 2-4 H | 7-8 8-10 1 H
7-8 6-7 7-10 H | 7-8 6-7 5-6 H | 7-8 6-7 2-4 H | 7-8 6-7 1 M
7-8 4-5 7-10 H | 7-8 4-5 5-6 M | 7-8 4-5 2-4 M | 7-8 4-5 1 M
7-8 2-3 7-10 M | 7-8 2-3 5-6 M | 7-8 2-3 2-4 L | 7-8 2-3 1 L
7-8 1 1-10 L
4-6 8-10 7-10 H | 4-6 8-10 5-6 H | 4-6 8-10 2-4 M | 4-6 8-10 1 M
4-6 6-7 7-10 M | 4-6 6-7 5-6 M | 4-6 6-7 2-4 M | 4-6 6-7 1 L
4-6 4-5 7-10 M | 4-6 4-5 5-6 L | 4-6 4-5 2-4 L | 4-6 4-5 1 L
4-6 2-3 1-10 L
4-6 1 1-10 L
2-3 8-10 7-10 M | 2-3 8-10 5-6 M | 2-3 8-10 2-4 L | 2-3 8-10 1 L
2-3 1-7 1-10 L
1 1-10 1-10 L
"""


def _span(text: str) -> range:
    low, _, high = text.partition("-")
    return range(int(low), int(high or low) + 1)


def published() -> dict[tuple[int, int, int], str]:
    table = {}
    for line in PUBLISHED.strip().splitlines():
        for entry in line.split("|"):
            s, o, d, ap = entry.split()
            for combo in itertools.product(_span(s), _span(o), _span(d)):
                assert combo not in table, f"{combo} listed twice"
                table[combo] = ap
    return table


def test_published_encoding_covers_every_combination_once():
    assert len(published()) == 1000


@pytest.mark.parametrize("s", range(1, 11))
def test_every_combination_matches_the_published_table(s):
    table = published()
    wrong = [(s, o, d, action_priority(s, o, d), table[(s, o, d)]) for o in range(1, 11) for d in range(1, 11) if action_priority(s, o, d) != table[(s, o, d)]]
    assert not wrong


@pytest.mark.parametrize(
    ("s", "o", "d", "expected"),
    [
        (10, 10, 10, "H"),
        (10, 1, 10, "L"),  # rare causes of even the worst effects are Low
        (9, 4, 1, "M"),
        (9, 3, 6, "M"),
        (9, 3, 4, "L"),
        (8, 7, 1, "M"),
        (8, 5, 7, "H"),
        (7, 5, 6, "M"),
        (7, 3, 7, "M"),
        (6, 8, 5, "H"),
        (5, 8, 4, "M"),
        (6, 7, 1, "L"),
        (4, 4, 7, "M"),
        (4, 4, 6, "L"),
        (3, 8, 7, "M"),
        (2, 10, 4, "L"),
        (3, 7, 10, "L"),
        (1, 10, 10, "L"),
    ],
)
def test_known_values(s, o, d, expected):
    assert action_priority(s, o, d) == expected


def test_counts_of_h_m_l_in_the_table():
    values = [action_priority(s, o, d) for s in range(1, 11) for o in range(1, 11) for d in range(1, 11)]
    assert (values.count("H"), values.count("M"), values.count("L")) == (
        list(published().values()).count("H"),
        list(published().values()).count("M"),
        list(published().values()).count("L"),
    )
    assert len(values) == 1000


@pytest.mark.parametrize("bad", [0, 11, -1, 100])
def test_out_of_range_raises(bad):
    for args in ((bad, 5, 5), (5, bad, 5), (5, 5, bad)):
        with pytest.raises(ValueError):
            action_priority(*args)


@pytest.mark.parametrize("bad", ["5", 5.0, 5.5, None, "x", True])
def test_non_integers_raise(bad):
    with pytest.raises(ValueError):
        action_priority(bad, 5, 5)
    with pytest.raises(ValueError):
        action_priority(5, 5, bad)


def test_rpn_is_the_product():
    assert rpn(7, 4, 6) == 168
    assert rpn(10, 10, 10) == 1000
    with pytest.raises(ValueError):
        rpn(0, 1, 1)
