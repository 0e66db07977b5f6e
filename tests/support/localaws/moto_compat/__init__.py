"""Compatibility patches that let moto's server deploy privgw's templates like AWS would.

Written for and tested with moto 5.2.5 (``MOTO_VERSION``; ``apply()`` refuses any other version
rather than patching code it has not seen, and the test extras pin exactly that version). One
module per patch, each naming the moto behaviour it replaces so it can be dropped when moto
catches up. Every patch either routes a CloudFormation property to a call moto's own backend
already has, or makes moto *stricter* where AWS is: none lets a wrong template pass. The
contributing guide (docs/guides/contributing.md) lists them with their reasons, and
``tests/integration/test_moto_compat.py`` checks each one.
"""

from __future__ import annotations

# Each patch touches its own part of moto, so the order they are installed in does not matter.
from tests.support.localaws.moto_compat import (  # noqa: F401 - imported to register their patches
    access_control,
    change_sets,
    custom_domains,
    custom_resources,
    deployment_ref,
    dns_entries,
    endpoint_subnets,
    integration_connection,
    lambda_code,
    list_parameter_defaults,
    private_integrations,
    private_policy,
    private_zones,
    ram_shares,
    rest_api,
    rest_api_updates,
    security_groups,
    stage,
    template_url,
    unmodelled_getatt,
)
from tests.support.localaws.moto_compat.registry import INSTALLERS, MOTO_VERSION, PATCHES

__all__ = ["MOTO_VERSION", "PATCHES", "apply"]


def apply() -> list[str]:
    """Install every patch into this process's moto; returns their names."""
    import moto

    if moto.__version__ != MOTO_VERSION:
        raise RuntimeError(
            f"privgw's moto patches were written for moto {MOTO_VERSION}, not {moto.__version__}"
        )
    for install in INSTALLERS:
        install()
    return [name for name, _ in PATCHES]
