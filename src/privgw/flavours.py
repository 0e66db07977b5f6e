"""What privgw reads and writes: config formats and standard input, the template flavours, and
the mark on every file it generates.

Light on purpose (no troposphere, no pydantic): the CLI, the loader, the renderer and the
builders all need these.
"""

from __future__ import annotations

from typing import Literal

#: The config argument that means standard input, and the formats a config may be written in.
STDIN = "-"
CONFIG_FORMATS = ("yaml", "json", "toml")

#: Plain CloudFormation, or AWS SAM (``Transform: AWS::Serverless-2016-10-31``).
Flavour = Literal["cfn", "sam"]
FLAVOURS: tuple[Flavour, ...] = ("cfn", "sam")

#: The mark every file privgw writes carries (template ``Metadata``, the schema's
#: ``$comment``), so it never overwrites a file it did not write.
GENERATOR = "privgw"
