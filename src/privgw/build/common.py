"""Small helpers shared by the builders: tags and ARNs from pseudo-parameters."""

from __future__ import annotations

from troposphere import Sub, Tags

from privgw.config import Config


def tags_for(cfg: Config, **extra: str) -> Tags:
    """A resource's tags: the user's over privgw's, sorted for stable output.

    ``privgw:api`` lets a console or cost report find everything belonging to one API.
    """
    merged = {"privgw:api": cfg.name, **extra, **cfg.tags}
    return Tags({key: merged[key] for key in sorted(merged)})


def execute_api_arn(path: str) -> Sub:
    """An execute-api ARN of this stack's API; ``path`` follows ``{api}/``."""
    return Sub(
        "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${RestApi}/" + path
    )
