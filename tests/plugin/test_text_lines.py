"""The common line forms read whole: what each expression accepts, what it leaves to the
cursor, and that a line read whole reads exactly as the cursor reads it."""

from __future__ import annotations

from types import EllipsisType

import pytest

from pytest_filagent_trace._textform import parser
from pytest_filagent_trace._textform.drafts import Draft, TreeSyntaxError
from pytest_filagent_trace._textform.lines import Attribute, SpanLine, read_line


def through_cursor(text: str, monkeypatch: pytest.MonkeyPatch) -> list[Draft | EllipsisType]:
    """``text`` parsed with every line read by the cursor."""
    with monkeypatch.context() as patch:
        patch.setattr(parser, "read_line", lambda body: None)
        return parser.parse_drafts(text)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("│   server.port=8000", Attribute("server.port", 8000)),
        ('    url.path="/search"', Attribute("url.path", "/search")),
        ("│   ok=True", Attribute("ok", True)),
        ("│   ratio=-0.5", Attribute("ratio", -0.5)),
        ("│   big=1e3", Attribute("big", 1000.0)),
        ("│   trailing=1,", Attribute("trailing", 1)),
        ("│   spaced = 2  ", Attribute("spaced", 2)),
    ],
)
def test_an_indented_plain_value_is_an_attribute_line(body: str, expected: Attribute) -> None:
    assert read_line(body) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("agent.request", SpanLine(-1, 0, "agent.request", None, {})),
        ("GET /search [SERVER]", SpanLine(-1, 0, "GET /search", "SERVER", {})),
        ("├── agent.route", SpanLine(0, 4, "agent.route", None, {})),
        ("│   └── tool [CLIENT]", SpanLine(4, 8, "tool", "CLIENT", {})),
        ("|-- ascii", SpanLine(0, 4, "ascii", None, {})),
        ("`-- ascii", SpanLine(0, 4, "ascii", None, {})),
        ('a {x=1, y="z"}', SpanLine(-1, 0, "a", None, {"x": 1, "y": "z"})),
        ("b=1", SpanLine(-1, 0, "b=1", None, {})),
        ("│   ├── =1", SpanLine(4, 8, "=1", None, {})),
    ],
)
def test_a_bare_name_with_its_kind_and_plain_group_is_a_span_line(
    body: str, expected: SpanLine
) -> None:
    assert read_line(body) == expected


@pytest.mark.parametrize(
    "body",
    [
        "a {x=nan}",  # not a plain value
        "a {x=1,x=2}",  # a repeated key: the cursor says which
        "a {x=1 y=2}",  # a missing comma
        "└──  b",  # two spaces after the connector
        "a  [SERVER]",  # two spaces before the kind
        "a [server]",  # a kind not written upper-case
        "agent.route {route.mode=...}",  # a marker
        'a {x="q\\"uote"}',  # an escape
        '    note="two\\nlines"',  # an escape in an attribute line
        "# a comment",
        "├── # a comment after a connector",
        '"quoted name"',
        "...",
        "├── ...",
        "    → b",
        "    -> b",
        "a <ERROR>",  # a status
        "a (12ms)",  # a duration
        "    x=",  # no value
        "    tags=(1, 2)",  # a sequence
        "    ├── ",  # a connector with nothing after it
        "|x",
    ],
)
def test_any_other_form_is_left_to_the_cursor(body: str) -> None:
    assert read_line(body) is None


TEXTS = [
    'a\n├── b\n│   x=1\n│   y="z"\n└── c [CLIENT]\n    ok=False',
    "b=1\n└── =1",
    'GET /search [SERVER] {http.request.method="GET", http.response.status_code=200}\n'
    '    url.path="/search"\n'
    "    ├── agent.route {route.mode=...}\n"
    "    │   ratio=0.25\n"
    "    └── ...",
    "a\n|-- b\n|   `-- c\n`-- d",
    "  indented\n  └── child\n      key=-3",
    "a\r\n└── b\r\n    x=1.5e-3\r\n",
    "    x=1",  # dedented, a top-level span named x=1
    'a\n# a note\n└── b {x=1}\n    y="q\\"uote"',
]


@pytest.mark.parametrize("text", TEXTS)
def test_a_line_read_whole_reads_as_the_cursor_reads_it(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert parser.parse_drafts(text) == through_cursor(text, monkeypatch)


MISTAKES = [
    "├── b",  # a child before any top-level span
    "a\n└── ...\n    └── c",  # a child under ...
    "a\n    x=1\n    x=2",  # a repeated attribute line
    "a\n└── ...\n    x=1",  # an attribute line under ...
    "a {x=1,x=2}",
]


@pytest.mark.parametrize("text", MISTAKES)
def test_a_mistake_is_reported_at_the_same_place_either_way(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(TreeSyntaxError) as fast:
        parser.parse_drafts(text)
    with pytest.raises(TreeSyntaxError) as slow:
        through_cursor(text, monkeypatch)
    assert str(fast.value) == str(slow.value)
