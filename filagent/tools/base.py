"""What a tool is: a name, a description, an arguments model and a ``run`` method.

Each tool declares its arguments as a pydantic model; the JSON schema a model
is offered comes from that model, and the :class:`~filagent.tools.ToolExecutor`
validates every call against it before ``run`` is reached.

Example::

    class EchoArgs(BaseModel):
        text: str

    class Echo(Tool[EchoArgs]):
        name = "echo"
        description = "Repeat the text."
        args_model = EchoArgs

        def run(self, args: EchoArgs) -> str:
            return args.text
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel

ArgsT = TypeVar("ArgsT", bound=BaseModel)


@dataclass(frozen=True)
class ToolSpec:
    """How a tool is described to a model: name, description, JSON schema of its arguments."""

    name: str
    description: str
    parameters: dict[str, Any] = field(default_factory=dict)


class ToolError(Exception):
    """A tool could not do what was asked; the message says what was expected and found."""


class Tool(ABC, Generic[ArgsT]):
    """A callable capability of the agent with validated arguments."""

    name: ClassVar[str]
    description: ClassVar[str]
    args_model: type[ArgsT]

    @abstractmethod
    def run(self, args: ArgsT) -> Any:
        """Do the work; raise :class:`ToolError` for failures the caller should see.

        The result must be JSON-serialisable: it is returned in the HTTP response.
        """

    def spec(self) -> ToolSpec:
        """The description a model is offered, e.g. ``ToolSpec("calculator", ..., {...})``.

        Built once per tool: the JSON schema of the arguments model costs about a
        millisecond to generate, and it is offered to the model at every call.
        Treat the returned spec as read-only.
        """
        spec = self.__dict__.get("_spec")
        if spec is None:
            spec = ToolSpec(self.name, self.description, self.args_model.model_json_schema())
            self.__dict__["_spec"] = spec
        return spec
