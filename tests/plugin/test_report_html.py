"""Report pages: the waterfall, the problems, the details data, escaping; and a browser."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from pytest_filagent_trace._report import ReportEntry, index_page, report_page
from tests.plugin.nodes import make

MS = 1_000_000


def checkout() -> object:
    return make(
        "POST /checkout",
        make("price", attributes={"items": 2}, duration=2 * MS),
        make("pay", make("GET /bank", kind="CLIENT"), status="ERROR", duration=5 * MS),
        kind="SERVER",
        duration=10 * MS,
    )


def spans_data(page: str) -> dict[str, dict[str, object]]:
    found = re.search(r"<script type='application/json' id='spans'>(.*?)</script>", page, re.S)
    assert found is not None
    return json.loads(found.group(1))  # type: ignore[no-any-return]


def test_a_page_draws_one_row_per_span_in_tree_order_with_bars_and_durations() -> None:
    page = report_page("tests/test_shop.py::test_checkout", "passed", checkout())

    names = re.findall(r"<span class='toggle'>\u25be</span>([^<]+)", page)
    assert names == ["POST /checkout", "price", "pay", "GET /bank"]
    assert re.findall(r"data-depth='(\d)'", page) == ["0", "1", "1", "2"]
    assert "width:100.000%" in page
    assert "<span class='duration'>10.0 ms</span>" in page
    assert "<span class='badge SERVER'>SERVER</span>" in page
    assert "<span class='badge ERROR'>ERROR</span>" in page
    assert "4 span(s)" in page


def test_the_details_of_every_span_travel_as_data() -> None:
    details = spans_data(report_page("t", "passed", checkout()))

    price = details["1"]
    assert price["name"] == "price"
    assert price["attributes"] == [["items", "2"]]
    assert ["path", "POST /checkout \u203a price"] in price["fields"]


def test_problems_are_listed_and_marked_on_their_spans() -> None:
    tree = checkout()
    pay = tree.children[1]  # type: ignore[attr-defined]

    page = report_page("t", "failed", tree, [(pay, "status: expected OK, found ERROR")])

    assert (
        "<ul class='problems' id='problems'><li>status: expected OK, found ERROR</li></ul>" in page
    )
    assert "class='row problem' id='span-2'" in page
    assert "title='status: expected OK, found ERROR'" in page


def test_everything_from_the_trace_is_escaped() -> None:
    evil = make("<script>alert(1)</script>", attributes={"q": "</script><b>x"})

    page = report_page("<t>", "passed", evil)

    assert "<script>alert(1)</script>" not in page
    assert html.escape("<script>alert(1)</script>") in page
    assert "</script><b>" not in page.split("id='spans'>", 1)[1].split("</script>", 1)[0]
    assert spans_data(page)["0"]["attributes"] == [["q", '"</script><b>x"']]


def test_the_text_form_sits_beside_the_waterfall_ready_to_copy() -> None:
    page = report_page("t", "passed", checkout())

    assert "<pre id='text-form'>POST /checkout [SERVER]\n├── price {items=2}" in page
    assert "<button id='copy'>copy</button>" in page


def test_a_page_makes_no_network_request() -> None:
    page = report_page("t", "passed", checkout())

    assert not re.search(r"(src|href)=['\"]?(https?:)?//", page)


def test_the_index_lists_tests_with_outcome_span_count_and_page() -> None:
    page = index_page(
        [
            ReportEntry("tests/a.py::test_one", "passed", 4, "a-test_one.html"),
            ReportEntry("tests/a.py::test_two", "failed", 0, None),
        ]
    )

    assert "2 test(s), 1 failed" in page
    assert "<a href='a-test_one.html'>tests/a.py::test_one</a>" in page
    assert "<td>tests/a.py::test_two</td><td class='outcome failed'>failed</td>" in page


def five_thousand_spans() -> tuple[object, object]:
    """A 5,000-span trace (50 requests of 99 spans, 3 levels under each) and a deep span."""
    requests = [
        make(
            f"request {number}",
            *(
                make(
                    f"step {step}",
                    *(make(f"query {query}", duration=MS // 10) for query in range(10)),
                    duration=MS,
                )
                for step in range(9)
            ),
            duration=10 * MS,
        )
        for number in range(50)
    ]
    root = make("batch", *requests, duration=500 * MS)
    deep = requests[37].children[4].children[6]
    assert sum(1 for _ in root.walk()) == 5_000 + 1
    return root, deep


def test_a_page_of_5000_spans_opens_folded_and_stays_small() -> None:
    root, _ = five_thousand_spans()
    problem = root.children[12].children[3]  # type: ignore[attr-defined]

    page = report_page("t", "failed", root, [(problem, "status: expected OK")])

    assert len(page.encode()) < 4_000_000
    rows = re.findall(
        r"<div class='row([^']*)' id='span-\d+' data-id='\d+' data-depth='(\d)'", page
    )
    assert len(rows) == 5_001
    shown = [depth for classes, depth in rows if "hidden" not in classes]
    # The root and its 50 requests show; of the deeper rows only the way to the problem.
    assert shown.count("1") == 50
    assert shown.count("2") == 9  # the problem's request opened: its steps show
    assert shown.count("3") == 10  # the problem step opened: its queries show
    # Closed: the 49 other requests and every step but the problem's.
    assert page.count("data-open='no'") == 49 + (50 * 9 - 1)
    assert re.search(r"<div class='row problem' [^>]*>", page)


def test_a_small_page_opens_with_every_subtree_open() -> None:
    page = report_page("t", "passed", checkout())

    assert "data-open='no'" not in page
    assert " hidden'" not in page


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.slow
@pytest.mark.skipif(
    CHROMIUM is None, reason="needs Debian's chromium package (apt-get install chromium)"
)
def test_the_page_works_in_a_real_browser(tmp_path: Path) -> None:
    tree = checkout()
    pay = tree.children[1]  # type: ignore[attr-defined]
    path = tmp_path / "page.html"
    path.write_text(report_page("t", "failed", tree, [(pay, "status: expected OK")]))

    dom = subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--virtual-time-budget=2000",
            "--dump-dom",
            f"file://{path}?span=2",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout

    assert '<h2 id="selected-name">pay</h2>' in dom
    assert 'class="row problem selected"' in dom
    assert "GET /bank" in dom
    screenshot = tmp_path / "page.png"
    subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--screenshot={screenshot}",
            "--window-size=1200,500",
            f"file://{path}?span=2",
        ],
        capture_output=True,
        timeout=60,
        check=True,
    )
    assert screenshot.stat().st_size > 5_000


@pytest.mark.slow
@pytest.mark.skipif(
    CHROMIUM is None, reason="needs Debian's chromium package (apt-get install chromium)"
)
def test_a_deep_span_of_a_5000_span_page_can_be_selected_in_a_real_browser(
    tmp_path: Path,
) -> None:
    root, deep = five_thousand_spans()
    page = report_page("t", "passed", root)
    key = next(key for key, data in spans_data(page).items() if data["fields"][0][1] == deep.path())  # type: ignore[attr-defined,index]
    path = tmp_path / "page.html"
    path.write_text(page)

    dom = subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--virtual-time-budget=5000",
            "--dump-dom",
            f"file://{path}?span={key}",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout

    assert f'<h2 id="selected-name">{deep.name}</h2>' in dom  # type: ignore[attr-defined]
    selected = re.search(r'<div class="([^"]*)" id="span-' + key + '"', dom)
    assert selected is not None
    assert "selected" in selected.group(1)
    assert "hidden" not in selected.group(1)
