"""Sibling combinators, :not(), :has(), text and numeric operators, [duration<...]."""

from __future__ import annotations

import pytest

from pytest_filagent_trace import Selector, SelectorError, select
from pytest_filagent_trace._select.brackets import parse_duration
from pytest_filagent_trace._spans import SpanNode, SpanTree
from tests.plugin import nodes

make = nodes.make
MS = 1_000_000


@pytest.fixture
def trace() -> SpanTree:
    # Children are in start order, as every tree of the plugin holds them.
    root = make(
        "POST /checkout",
        make("auth.check", make("db.query", attributes={"db.system": "sqlite"}), duration=3 * MS),
        make(
            "db.query",
            attributes={"db.system": "postgresql", "db.rows": 12, "ok": True},
            duration=73 * MS,
        ),
        make("cache.get", attributes={"cache.hit": False}),
        make(
            "pay",
            make("GET /bank", kind="CLIENT", attributes={"http.status_code": 503}),
            make("GET /bank", kind="CLIENT", attributes={"http.status_code": 200}),
            status="ERROR",
            attributes={"http.route": "/bank/pay", "retries": 1.5},
            duration=40 * MS,
        ),
        kind="SERVER",
        duration=100 * MS,
    )
    return SpanTree("a" * 32, [root])


def paths(found: list[SpanNode]) -> list[str]:
    return [node.path().replace("POST /checkout › ", "") for node in found]


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        ("auth.check + db.query", ["db.query"]),
        ("auth.check+db.query", ["db.query"]),
        ("auth.check ~ cache.get", ["cache.get"]),
        ("auth.check ~ *", ["db.query", "cache.get", "pay"]),
        ("cache.get + *", ["pay"]),
        ("cache.get ~ db.query", []),
        ("db.query + pay", []),
        ("db.query ~ pay > :client", ["pay › GET /bank", "pay › GET /bank"]),
        ('"GET /bank" + "GET /bank"', ["pay › GET /bank"]),
        (":root + *", []),
        ("db.query:not(auth.check > *)", ["db.query"]),
        ("db.query:not(auth.check db.query)", ["db.query"]),
        (
            "* > :not(db.query, cache.get)",
            ["auth.check", "pay", "pay › GET /bank", "pay › GET /bank"],
        ),
        (
            ":not(:has(*))",
            [
                "auth.check › db.query",
                "db.query",
                "cache.get",
                "pay › GET /bank",
                "pay › GET /bank",
            ],
        ),
        ("*:has(> db.query)", ["POST /checkout", "auth.check"]),
        ("*:has(db.query[db.system=sqlite])", ["POST /checkout", "auth.check"]),
        ("*:has(> auth.check > db.query)", ["POST /checkout"]),
        ("*:has(+ cache.get)", ["db.query"]),
        ("*:has(~ pay)", ["auth.check", "db.query", "cache.get"]),
        ("*:has(~ pay > :client)", ["auth.check", "db.query", "cache.get"]),
        ("*:has(> :error, > :client)", ["POST /checkout", "pay"]),
        (":server:not(:has(> :error))", []),
        ("*[db.system^=post]", ["db.query"]),
        ("*[db.system$=lite]", ["auth.check › db.query"]),
        ("*[db.system*=gre]", ["db.query"]),
        ('*[http.route^="/bank"]', ["pay"]),
        ("*[http.status_code^=5]", ["pay › GET /bank"]),
        ("*[ok^=tr]", ["db.query"]),
        ("*[http.status_code>=500]", ["pay › GET /bank"]),
        ("*[http.status_code<500]", ["pay › GET /bank"]),
        ("*[http.status_code>200]", ["pay › GET /bank"]),
        ("*[http.status_code<=200]", ["pay › GET /bank"]),
        ("*[db.rows>11.5]", ["db.query"]),
        ("*[retries>1]", ["pay"]),
        ("*[ok>0]", []),
        ("*[db.system>0]", []),
        ("*[missing<1]", []),
        ("*[duration>50ms]", ["POST /checkout", "db.query"]),
        ("*[duration>=73ms]", ["POST /checkout", "db.query"]),
        (
            "*[duration<1us]",
            ["auth.check › db.query", "cache.get", "pay › GET /bank", "pay › GET /bank"],
        ),
        (
            "*[duration<1µs]",
            ["auth.check › db.query", "cache.get", "pay › GET /bank", "pay › GET /bank"],
        ),
        ("*[duration>0.05s]", ["POST /checkout", "db.query"]),
        ("*[duration<=3000000ns][duration>1ms]", ["auth.check"]),
        ("pay:error[duration<50ms]", ["pay"]),
    ],
)
def test_the_new_parts_of_the_grammar_pick_spans_in_tree_order(
    trace: SpanTree, selector: str, expected: list[str]
) -> None:
    assert paths(select(trace, selector)) == expected


def test_a_plus_or_tilde_between_names_is_a_combinator_not_part_of_a_name(
    trace: SpanTree,
) -> None:
    # Both parsed as three span names ("a", "+", "db") before, silently selecting nothing.
    assert paths(select(trace, "auth.check + db.query")) == ["db.query"]
    assert [c.combinators for c in Selector.parse("a + db, a ~ db").chains] == [("+",), ("~",)]


def test_a_quoted_duration_key_is_an_attribute_of_that_name() -> None:
    node = make("job", attributes={"duration": 7}, duration=100 * MS)

    assert select(node, '*["duration"<10]') == [node]
    assert select(node, "*[duration<10ms]") == []
    assert select(node, "*[duration=7]") == [node]


def test_a_numeric_comparison_never_takes_a_boolean_or_a_string() -> None:
    node = make("x", attributes={"flag": True, "code": "503"})

    assert select(node, "*[flag>=1]") == []
    assert select(node, "*[code>=500]") == []


def test_has_looks_only_below_or_after_the_span_it_is_asked_about(trace: SpanTree) -> None:
    pay = select(trace, "pay")[0]

    assert Selector.parse("*:has(auth.check)").matches(pay) is False
    assert Selector.parse("*:has(~ auth.check)").matches(pay) is False
    assert Selector.parse("*:has(:client)").matches(pay) is True


@pytest.mark.parametrize(
    "selector",
    [
        "a + b",
        "a ~ b > c",
        "a:not(b, c > d)",
        "a:has(> b, ~ c, + d, e)",
        "*[k^=x][k$=y][k*=z][k~=^w][n>=5][n<2.5]",
        "*[duration<50ms]",
        '"POST /chat":server',
        ":not(:has(> *:error))",
    ],
)
def test_a_parsed_step_writes_itself_back_as_the_selector_text(selector: str) -> None:
    chain = Selector.parse(selector).chains[0]

    assert chain.text == selector


@pytest.mark.parametrize(
    ("selector", "message"),
    [
        (
            "a[k?=1",
            'column 7: expected "]" to close the attribute filter opened at column 2, found'
            " the end of the selector\n    a[k?=1\n          ^",
        ),
        (
            "a[k 1]",
            'column 5: expected "]" or an operator (!=, ^=, $=, *=, ~=, <=, >=, =, <, >)'
            ' after [k, found "1"\n    a[k 1]\n        ^',
        ),
        (
            "a[code>x]",
            "column 8: [code>...] compares numbers: expected a number, found 'x'\n"
            "    a[code>x]\n           ^",
        ),
        (
            'a[code>="500"]',
            "column 9: [code>=...] compares numbers: expected a number, found '\"500\"'\n"
            '    a[code>="500"]\n            ^',
        ),
        (
            "a[code<5ms]",
            "column 8: [code<...] compares numbers: expected a number, found '5ms'"
            " (a duration with a unit compares the span's own: [duration<5ms])\n"
            "    a[code<5ms]\n           ^",
        ),
        (
            "a[duration<5]",
            "column 12: [duration...] is the span's duration and takes a number with a unit"
            " (ns, us or µs, ms, s), e.g. [duration<50ms]; found '5'"
            ' (quote the key, ["duration"<5], for an attribute of that name)\n'
            "    a[duration<5]\n               ^",
        ),
        (
            "a[duration<5min]",
            "column 12: [duration...] is the span's duration and takes a number with a unit"
            " (ns, us or µs, ms, s), e.g. [duration<50ms]; found '5min'"
            ' (quote the key, ["duration"<5], for an attribute of that name)\n'
            "    a[duration<5min]\n               ^",
        ),
        (
            "a:not",
            'column 6: expected "(" after :not: write :not(selector)\n    a:not\n         ^',
        ),
        (
            "a:has()",
            'column 7: expected a selector inside :has(...), found ")"\n    a:has()\n          ^',
        ),
        (
            "a:not(b",
            'column 8: expected ")" to close :not( opened at column 2, found the end of the'
            " selector\n    a:not(b\n           ^",
        ),
        (
            "a:is(b)",
            "column 2: unknown pseudo-class :is(...); the ones that take a selector are"
            " :not(...) and :has(...)\n    a:is(b)\n     ^",
        ),
        (
            "a +",
            "column 4: expected a span name, [attribute] or :pseudo, found the end of the"
            " selector\n    a +\n       ^",
        ),
        (
            "a ~ ~ b",
            'column 5: expected a span name, [attribute] or :pseudo, found "~"\n'
            "    a ~ ~ b\n        ^",
        ),
        (
            "a:not(> b)",
            'column 7: expected a span name, [attribute] or :pseudo, found ">"\n'
            "    a:not(> b)\n          ^",
        ),
        (
            "a:has(b c",
            'column 10: expected ")" to close :has( opened at column 2, found the end of the'
            " selector\n    a:has(b c\n             ^",
        ),
        (
            "a)",
            'column 2: unexpected ")"\n    a)\n     ^',
        ),
    ],
)
def test_what_is_not_in_the_grammar_is_refused_with_its_column(selector: str, message: str) -> None:
    with pytest.raises(SelectorError) as caught:
        Selector.parse(selector)

    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("text", "nanoseconds"),
    [
        ("50ms", 50 * MS),
        ("1.5 ms", 1_500_000),
        ("20us", 20_000),
        ("20µs", 20_000),
        ("20μs", 20_000),
        ("7ns", 7),
        ("2s", 2_000_000_000),
        (".5s", 500_000_000),
    ],
)
def test_durations_read_each_unit(text: str, nanoseconds: int) -> None:
    assert parse_duration(text) == nanoseconds


@pytest.mark.parametrize("text", ["50", "ms", "5 min", "-1ms", "1e3ms", "30% parent"])
def test_what_is_not_a_duration_reads_as_none(text: str) -> None:
    assert parse_duration(text) is None


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        ("a ~ b ~ c", [5, 7]),
        ("a + x + b", [2]),
        ("b ~ c", [5, 7]),
        ("c ~ b", [6]),
        ("x + b ~ c", [5, 7]),
        ("b + x + c", []),
        ("b:not(a + x + *)", [4, 6]),
        ("x:has(+ b ~ c)", [1, 3]),
        ("*:has(~ c):has(+ b)", [1, 3, 5]),
    ],
)
def test_one_pass_over_many_siblings_answers_each_span_alone(
    selector: str, expected: list[int]
) -> None:
    # One pass remembers what earlier spans answered; every span still gets its own answer.
    names = ["a", "x", "b", "x", "b", "c", "b", "c"]
    root = make("r", *(make(name, attributes={"i": i}) for i, name in enumerate(names)))

    assert [node.attributes["i"] for node in select(root, selector)] == expected
    selector_alone = Selector.parse(selector)
    assert [n.attributes["i"] for n in root.children if selector_alone.matches(n)] == expected


def test_a_deep_chain_is_climbed_without_recursion() -> None:
    top = make("top")
    current = top
    for _ in range(3_000):
        child = make("level")
        child.parent = current
        current.children.append(child)
        current = child

    assert select(top, "top level:leaf") == [current]
    assert len(select(top, "top ~ level, :root:has(level:leaf)")) == 1
