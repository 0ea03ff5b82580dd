"""The rule-based model, the chat span, and the OpenAI-compatible client against a local server."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from filagent.agent import Agent, AgentRequest
from filagent.models import (
    DEFAULT_OPENAI_BASE_URL,
    ChatMessage,
    ModelError,
    ModelSpecError,
    OpenAICompatibleModel,
    RuleBasedModel,
    ToolCall,
    build_model,
    traced_complete,
)
from filagent.schemas import Message
from filagent.telemetry.tracing import Tracer
from filagent.tools import CalculatorTool, ToolExecutor, ToolRegistry, ToolSpec
from tests.filagent.conftest import ServeApp
from tests.helpers.spans import Spans

SPECS = [
    CalculatorTool().spec(),
    ToolSpec("file_read", "Read a file.", {}),
    ToolSpec("web_search", "Search.", {}),
]


def user(text: str) -> list[ChatMessage]:
    return [ChatMessage("user", text)]


# --- rule-based model -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "call"),
    [
        ("compute 17*23", ToolCall("call_1", "calculator", {"expression": "17*23"})),
        ("read file notes.txt", ToolCall("call_1", "file_read", {"path": "notes.txt"})),
        ("look up jaeger", ToolCall("call_1", "web_search", {"query": "jaeger"})),
    ],
)
def test_rule_model_maps_intents_to_tool_calls(text: str, call: ToolCall) -> None:
    response = RuleBasedModel().complete(user(text), SPECS)
    assert response.tool_calls == (call,)
    assert (response.content, response.finish_reason) == ("", "tool_calls")


def test_rule_model_asks_for_one_call_per_step_with_distinct_ids() -> None:
    response = RuleBasedModel().complete(user("compute 1+1 then search for x"), SPECS)
    assert [(c.id, c.name) for c in response.tool_calls] == [
        ("call_1", "calculator"),
        ("call_2", "web_search"),
    ]


def test_rule_model_skips_intents_for_tools_not_on_offer() -> None:
    response = RuleBasedModel().complete(user("compute 1+1"), [ToolSpec("web_search", "S.", {})])
    assert response.tool_calls == ()
    assert "Available tools: web_search (S)" in response.content


def test_explicit_tool_calls_reach_tools_not_on_offer() -> None:
    response = RuleBasedModel().complete(user('use tool teleport with {"to": "mars"}'), SPECS)
    assert response.tool_calls == (ToolCall("call_1", "teleport", {"to": "mars"}),)


def test_unreadable_explicit_arguments_are_explained() -> None:
    response = RuleBasedModel().complete(user("use tool calculator with {oops}"), SPECS)
    assert response.tool_calls == ()
    assert "must be a JSON object; found invalid JSON" in response.content


def test_rule_model_without_intent_offers_help() -> None:
    response = RuleBasedModel().complete(user("hello"), SPECS)
    assert response.content.startswith("I found no task I can do in your message.")
    assert response.finish_reason == "stop"


def test_rule_model_summarises_tool_results_after_the_user_message() -> None:
    calls = (
        ToolCall("call_1", "calculator", {"expression": "17*23"}),
        ToolCall("call_2", "web_search", {"query": "jaeger"}),
        ToolCall("call_3", "file_read", {"path": "notes.txt"}),
        ToolCall("call_4", "calculator", {"expression": "1/0"}),
    )
    hits = [{"title": "Jaeger", "url": "https://j.example", "snippet": "s"}]
    messages = [
        *user("..."),
        ChatMessage("assistant", "", calls),
        ChatMessage("tool", '{"result": 391}', tool_call_id="call_1", name="calculator"),
        ChatMessage("tool", json.dumps({"result": hits}), tool_call_id="call_2"),
        ChatMessage(
            "tool",
            json.dumps({"result": {"path": "notes.txt", "bytes": 5, "content": "hello"}}),
            tool_call_id="call_3",
        ),
        ChatMessage("tool", '{"error": "division by zero is undefined"}', tool_call_id="call_4"),
    ]
    response = RuleBasedModel().complete(messages, SPECS)
    assert response.content == (
        "Results of 4 tool calls:\n"
        "- calculator: 17*23 = 391\n"
        "- web_search found 1 result: Jaeger (https://j.example)\n"
        "- file_read read notes.txt:\nhello\n"
        "- calculator failed: division by zero is undefined"
    )
    assert response.tool_calls == ()


def test_a_new_user_message_starts_a_new_turn() -> None:
    messages = [
        *user("compute 1+1"),
        ChatMessage("assistant", "", (ToolCall("call_1", "calculator", {"expression": "1+1"}),)),
        ChatMessage("tool", '{"result": 2}', tool_call_id="call_1"),
        ChatMessage("assistant", "2"),
        *user("compute 2+2"),
    ]
    response = RuleBasedModel().complete(messages, SPECS)
    assert response.tool_calls == (ToolCall("call_2", "calculator", {"expression": "2+2"}),)


def test_rule_model_counts_whitespace_tokens() -> None:
    messages = [ChatMessage("system", "be brief"), ChatMessage("user", "compute 2 + 3")]
    response = RuleBasedModel().complete(messages, SPECS)
    # input: 2 + 4 words; output: '{"expression": "2 + 3"}' is 4 words, +1 per call
    assert (response.usage.input_tokens, response.usage.output_tokens) == (6, 5)


# --- the chat span ----------------------------------------------------------------------------


def test_traced_complete_opens_a_client_chat_span(tracer: Tracer, spans: Spans) -> None:
    traced_complete(RuleBasedModel(), tracer, user("compute 2 + 3"), SPECS)

    span = spans.one("chat filagent-rule-1")
    assert span.kind.name == "CLIENT"
    assert dict(span.attributes or {}) == {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "filagent",
        "gen_ai.request.model": "filagent-rule-1",
        "gen_ai.response.model": "filagent-rule-1",
        "gen_ai.usage.input_tokens": 4,
        "gen_ai.usage.output_tokens": 5,
        "gen_ai.response.finish_reasons": ("tool_calls",),
    }


# --- build_model ------------------------------------------------------------------------------


def test_build_model_rule(http_client: httpx.Client) -> None:
    assert build_model("rule", http_client=http_client).name == "filagent-rule-1"


def test_build_model_openai_defaults_to_the_openai_url(http_client: httpx.Client) -> None:
    model = build_model("openai:gpt-4o-mini", http_client=http_client)
    assert isinstance(model, OpenAICompatibleModel)
    assert (model.name, model.url) == ("gpt-4o-mini", DEFAULT_OPENAI_BASE_URL + "/chat/completions")


@pytest.mark.parametrize("spec", ["gpt-4", "openai:", "openai:  ", ""])
def test_build_model_refuses_unknown_specs(spec: str, http_client: httpx.Client) -> None:
    with pytest.raises(ModelSpecError, match="expected 'rule' or 'openai:<model name>'"):
        build_model(spec, http_client=http_client)


# --- OpenAI-compatible backend against a local server ----------------------------------------


@dataclass
class FakeOpenAI:
    """An OpenAI-compatible server that answers scripted replies and records requests."""

    replies: list[Response] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    delay: float = 0.0

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/v1/chat/completions")
        async def completions(request: Request) -> Response:
            self.requests.append(
                {"headers": dict(request.headers), "body": json.loads(await request.body())}
            )
            if self.delay:
                await asyncio.sleep(self.delay)
            return self.replies.pop(0)

        return app


def completion(
    content: str | None = None,
    tool_calls: list[dict[str, Any]] | None = None,
    finish_reason: str = "stop",
    usage: tuple[int, int] = (11, 7),
) -> JSONResponse:
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if tool_calls is not None:
        message["tool_calls"] = tool_calls
    return JSONResponse(
        {
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "model": "test-model-2024",
            "choices": [{"index": 0, "message": message, "finish_reason": finish_reason}],
            "usage": {"prompt_tokens": usage[0], "completion_tokens": usage[1]},
        }
    )


@pytest.fixture
def fake() -> FakeOpenAI:
    return FakeOpenAI()


@pytest.fixture
def base_url(serve: ServeApp, fake: FakeOpenAI) -> Iterator[str]:
    with serve(fake.app()) as url:
        yield url + "/v1"


def openai_model(base_url: str, client: httpx.Client, **options: Any) -> OpenAICompatibleModel:
    return OpenAICompatibleModel(
        "test-model", base_url=base_url, api_key="sk-test-secret", http_client=client, **options
    )


def test_tool_calling_round_trip_through_the_agent(
    base_url: str, fake: FakeOpenAI, http_client: httpx.Client, tracer: Tracer, spans: Spans
) -> None:
    call = {
        "id": "call_abc",
        "type": "function",
        "function": {"name": "calculator", "arguments": '{"expression": "17*23"}'},
    }
    fake.replies = [
        completion(None, [call], "tool_calls", usage=(50, 12)),
        completion("17*23 is 391.", usage=(80, 6)),
    ]
    agent = Agent(
        openai_model(base_url, http_client),
        ToolExecutor(ToolRegistry([CalculatorTool()]), tracer),
        tracer,
    )

    result = agent.run(
        AgentRequest("conv-1", "task-1", [Message(role="user", content="what is 17*23?")])
    )

    assert result.content == "17*23 is 391."
    assert [(c.tool, c.result) for c in result.tool_calls] == [("calculator", 391)]
    first, second = (request["body"] for request in fake.requests)
    assert first["model"] == "test-model"
    assert first["messages"] == [{"role": "user", "content": "what is 17*23?"}]
    assert first["tools"][0]["type"] == "function"
    assert first["tools"][0]["function"]["name"] == "calculator"
    assert first["tools"][0]["function"]["parameters"]["required"] == ["expression"]
    assert second["messages"][1:] == [
        {"role": "assistant", "content": None, "tool_calls": [call]},
        {"role": "tool", "tool_call_id": "call_abc", "content": '{"result": 391}'},
    ]
    assert fake.requests[0]["headers"]["authorization"] == "Bearer sk-test-secret"
    chats = spans.named("chat test-model")
    assert [dict(s.attributes or {})["gen_ai.usage.input_tokens"] for s in chats] == [50, 80]
    assert dict(chats[0].attributes or {})["gen_ai.response.model"] == "test-model-2024"
    assert dict(chats[0].attributes or {})["gen_ai.provider.name"] == "openai"
    assert spans.parent_name(spans.one("tool.execute.calculator")) == "agent.run_simple"
    assert spans.one("tool.execute.calculator").attributes is not None
    assert (
        dict(spans.one("tool.execute.calculator").attributes or {})["gen_ai.tool.call.id"]
        == "call_abc"
    )


def test_no_api_key_sends_no_authorization(
    base_url: str, fake: FakeOpenAI, http_client: httpx.Client
) -> None:
    fake.replies = [completion("hi")]
    model = OpenAICompatibleModel("m", base_url=base_url, api_key=None, http_client=http_client)
    assert model.complete(user("hello"), []).content == "hi"
    assert "authorization" not in fake.requests[0]["headers"]
    assert "tools" not in fake.requests[0]["body"]


def test_http_error_names_url_status_and_body(
    base_url: str, fake: FakeOpenAI, http_client: httpx.Client
) -> None:
    fake.replies = [PlainTextResponse("rate limited, slow down", status_code=429)]
    with pytest.raises(ModelError) as caught:
        openai_model(base_url, http_client).complete(user("hi"), [])
    assert str(caught.value) == (
        f"the model endpoint {base_url}/chat/completions answered HTTP 429, "
        "expected 200: 'rate limited, slow down'"
    )


def test_body_without_choices_is_a_model_error(
    base_url: str, fake: FakeOpenAI, http_client: httpx.Client
) -> None:
    fake.replies = [JSONResponse({"object": "chat.completion"})]
    with pytest.raises(ModelError, match=r"not a chat completion: Field required at 'choices'"):
        openai_model(base_url, http_client).complete(user("hi"), [])


def test_body_that_is_not_json_is_a_model_error(
    base_url: str, fake: FakeOpenAI, http_client: httpx.Client
) -> None:
    fake.replies = [PlainTextResponse("<html>proxy error</html>")]
    with pytest.raises(
        ModelError, match=r"at 'body' \(found text/plain; charset=utf-8, 24 bytes\)"
    ):
        openai_model(base_url, http_client).complete(user("hi"), [])


def test_empty_choices_is_a_model_error(
    base_url: str, fake: FakeOpenAI, http_client: httpx.Client
) -> None:
    fake.replies = [JSONResponse({"choices": []})]
    with pytest.raises(ModelError, match="answered no choices; expected at least one"):
        openai_model(base_url, http_client).complete(user("hi"), [])


def test_tool_arguments_that_are_not_json_are_a_model_error(
    base_url: str, fake: FakeOpenAI, http_client: httpx.Client
) -> None:
    bad = {"id": "call_x", "type": "function", "function": {"name": "calculator", "arguments": "{"}}
    fake.replies = [completion(None, [bad], "tool_calls")]
    with pytest.raises(ModelError, match=r"tool call 'call_x' \(calculator\) that are not JSON"):
        openai_model(base_url, http_client).complete(user("hi"), SPECS)


def test_tool_arguments_must_be_an_object(
    base_url: str, fake: FakeOpenAI, http_client: httpx.Client
) -> None:
    bad = {"id": "call_x", "type": "function", "function": {"name": "c", "arguments": "[1]"}}
    fake.replies = [completion(None, [bad], "tool_calls")]
    with pytest.raises(ModelError, match="as a JSON list; expected a JSON object"):
        openai_model(base_url, http_client).complete(user("hi"), SPECS)


def test_timeout_is_a_model_error(
    base_url: str, fake: FakeOpenAI, http_client: httpx.Client
) -> None:
    fake.delay = 1.0
    fake.replies = [completion("late")]
    with pytest.raises(ModelError, match=r"did not answer within 0.2s"):
        openai_model(base_url, http_client, timeout=0.2).complete(user("hi"), [])


def test_unreachable_endpoint_is_a_model_error(serve: ServeApp, http_client: httpx.Client) -> None:
    with serve(FastAPI()) as url:
        pass  # stopped: the port now refuses connections
    with pytest.raises(ModelError, match=f"could not reach the model endpoint {url}/v1"):
        openai_model(url + "/v1", http_client).complete(user("hi"), [])


def test_api_key_never_appears_in_errors_or_repr(
    base_url: str, fake: FakeOpenAI, http_client: httpx.Client
) -> None:
    fake.replies = [PlainTextResponse("nope", status_code=401)]
    model = openai_model(base_url, http_client)
    with pytest.raises(ModelError) as caught:
        model.complete(user("hi"), [])
    assert "sk-test-secret" not in str(caught.value)
    assert "sk-test-secret" not in repr(model)


def test_model_error_marks_the_chat_span(
    serve: ServeApp, http_client: httpx.Client, tracer: Tracer, spans: Spans
) -> None:
    with serve(FastAPI()) as url:
        pass
    with pytest.raises(ModelError):
        traced_complete(openai_model(url, http_client), tracer, user("hi"), [])
    span = spans.one("chat test-model")
    assert span.status.status_code.name == "ERROR"
    assert dict(span.attributes or {})["error.type"] == "ModelError"
    assert [event.name for event in span.events] == ["exception"]
