"""The custom domain's layers: the endpoint's access association with the domain name, and the
domain name's own policy (one allow-list, two documents)."""

from __future__ import annotations

from privgw import naming
from privgw.evaluate import evaluate, resolve, statement_sids
from privgw.simulate.walk import Stop, Walk, access_denied, not_authorized


def association(walk: Walk) -> None:
    """A domain name answers only endpoints associated with it; an endpoint of another account
    can be associated only once the domain is shared with that account."""
    if not walk.via_domain:
        return
    consumer, domain = walk.consumer, walk.cfg.custom_domain
    assert domain is not None
    if consumer is None:
        if walk.created:
            walk.passed("association", f"the stack associates {walk.vpce} with the domain")
        else:
            walk.passed(
                "association",
                f"{walk.vpce} must be associated by its owner (outputs CustomDomain*AccessCommand*"
                ", or a kind: consumer stack)",
            )
        return
    account = consumer.account_id
    provider_account = consumer.provider.account
    shared = domain.share_with
    if account is not None and account != provider_account and account not in shared:
        organizations = [p for p in shared if not p.isdigit()]
        if not organizations:
            raise Stop(
                403,
                "Forbidden",
                f"the provider does not share {domain.name} with account {account} "
                f"(share_with: {', '.join(shared) or 'nobody'}): the consumer's access "
                "association cannot be created",
                f"custom_domain.share_with: add {account} in the provider's config",
            )
        walk.passed(
            "association",
            f"shared with {', '.join(organizations)}: admitted if account {account} is in it",
        )
        return
    who = f"account {account}" if account else "the consumer's account (account_id not given)"
    share = "same account: no share needed" if account == provider_account else "shared with it"
    walk.passed(
        "association",
        f"the consumer stack associates {walk.vpce} with {consumer.provider.domain_name_arn} "
        f"({who}; {share})",
    )


def domain_policy(walk: Walk) -> None:
    if not walk.via_domain:
        return
    resource = (walk.template.get("Resources") or {}).get(naming.DOMAIN) or {}
    policy = resolve((resource.get("Properties") or {}).get("Policy") or {}, walk.refs())
    request = walk.request()
    decision = evaluate(policy, request, walk.api)
    sids = statement_sids(policy, request, walk.api)
    by = f" (statement {', '.join(sids)})" if sids else ""
    if decision != "allow":
        raise Stop(
            403,
            access_denied(walk.cfg, not_authorized(request, decision)),
            f"the domain name's policy refuses the call through {walk.vpce}: {decision}{by}",
            policy_fix(walk),
        )
    walk.passed("domain-policy", f"the domain name's policy allows {walk.vpce}{by}")


def policy_fix(walk: Walk) -> str:
    cfg = walk.cfg
    allowed = [*walk.endpoints.values(), *cfg.access.vpc_ids]
    fix = "call through an allowed endpoint or VPC (" + ", ".join(allowed) + ")"
    if cfg.access.source_cidrs:
        fix += f" from {', '.join(cfg.access.source_cidrs)}"
    if cfg.access.iam_principals:
        fix += ", signed as one of access.iam_principals"
    return fix + "; or add the caller's endpoint to endpoint.existing_ids / access.vpc_ids"
