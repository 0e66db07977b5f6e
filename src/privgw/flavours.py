"""What privgw writes: the template flavours, and the mark on every file it generates.

Light on purpose (no troposphere): the CLI, the renderer and the builders all need these.
"""

from __future__ import annotations

from typing import Literal

#: Plain CloudFormation, or AWS SAM (``Transform: AWS::Serverless-2016-10-31``).
Flavour = Literal["cfn", "sam"]
FLAVOURS: tuple[Flavour, ...] = ("cfn", "sam")

#: The mark every file privgw writes carries (template ``Metadata``, the schema's
#: ``$comment``), so it never overwrites a file it did not write.
GENERATOR = "privgw"
