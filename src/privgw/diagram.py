"""A picture of the request path (``privgw diagram``): callers, the endpoint(s) and security group,
the custom domain, the API and its stage with the policy's allow-list on the way in, the routes
grouped by what they reach. Mermaid text, which GitHub renders in Markdown; ``markdown_page``
adds the invoke URLs and a curl per form, from the template's own outputs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from privgw.config import AnyConfig, Config, ConsumerStack, EndpointStack
from privgw.config.auth import auth_label
from privgw.kinds import kind_of
from privgw.model import resolve_api


def _label(*lines: str) -> str:
    """A quoted Mermaid label; double quotes become #quot; (Mermaid's entity)."""
    return '"' + "<br/>".join(line.replace('"', "#quot;") for line in lines if line) + '"'


def mermaid(cfg: AnyConfig) -> str:
    """The flowchart of ``cfg``'s request path (an endpoint stack: up to its exports), drawn by
    its kind's diagram (``privgw.kinds``)."""
    return kind_of(cfg).mermaid(cfg)


def api_diagram(cfg: Config) -> str:
    """An API's request path: callers, endpoints, domain, API and stage, targets."""
    lines = ["flowchart LR"]
    entries: list[str] = []
    if cfg.endpoint.create:
        policy = "endpoint policy: this account's APIs" if cfg.endpoint.policy else ""
        lines += [
            *_endpoint_nodes(cfg, "execute-api endpoint (created)", policy, "  "),
            f"  {EDGE}",
        ]
        entries.append("vpce")
    for index, vpce in enumerate(cfg.endpoint.existing_ids, start=1):
        lines.append(f"  existing{index}[{_label('endpoint ' + vpce, 'another stack or account')}]")
        entries.append(f"existing{index}")
    for index, prefix in enumerate(cfg.endpoint.imports, start=1):
        lines.append(f"  imported{index}[{_label('endpoint exported as ' + prefix)}]")
        entries.append(f"imported{index}")
    if cfg.endpoint.parameter:
        lines.append(f"  parameter[{_label('endpoint given as parameter VpcEndpointId')}]")
        entries.append("parameter")
    for index, vpc in enumerate(cfg.access.vpc_ids, start=1):
        lines.append(f"  vpc{index}[{_label('any execute-api endpoint in ' + vpc)}]")
        entries.append(f"vpc{index}")
    allow = ["policy: only these endpoints / VPCs"]
    if cfg.access.source_cidrs:
        allow.append("from " + ", ".join(cfg.access.source_cidrs))
    if cfg.access.iam_principals:
        allow.append("signed by " + ", ".join(cfg.access.iam_principals))
    edge = "|" + _label(*allow) + "|"
    api = "api"
    lines.append(f"  {api}[{_label('PRIVATE REST API ' + cfg.name, 'stage ' + cfg.stage.name)}]")
    domain = cfg.custom_domain
    if domain is not None:
        lines.append(f"  domain[{_label('https://' + domain.name + '/' + domain.base_path)}]")
        for entry in entries:
            lines.append(f"  {entry} --> domain")
        lines.append(f"  domain -->{edge} {api}")
    else:
        for entry in entries:
            lines.append(f"  {entry} -->{edge} {api}")
    lines.extend(_targets(cfg))
    return "\n".join(lines) + "\n"


def _endpoint_nodes(cfg: AnyConfig, title: str, policy: str, indent: str) -> list[str]:
    """The callers, security group and endpoint a stack creates (``EDGE`` links them)."""
    net = cfg.network_required
    sources = [*net.allowed_cidrs, *net.source_security_group_ids]
    existing = cfg.endpoint_security_group_ids
    admits = ["TCP 443 from " + ", ".join(sources)] if sources else []
    if existing:
        admits.append(("and " if sources else "") + "existing groups " + ", ".join(existing))
    dns = "private DNS on" if cfg.endpoint_private_dns else "private DNS off"
    callers = ", ".join(sources) or "admitted by " + ", ".join(existing)
    return [
        f"{indent}callers[{_label('callers in ' + net.vpc_id, callers)}]",
        f"{indent}sg[{_label('endpoint security group' + ('s' if existing else ''), *admits)}]",
        f"{indent}vpce[{_label(title, dns, policy)}]",
    ]


#: How callers reach a created endpoint: through its security group, on 443.
EDGE = "callers -->|HTTPS 443| sg --> vpce"


def endpoint_stack_diagram(cfg: EndpointStack) -> str:
    lines = [
        "flowchart LR",
        *_endpoint_nodes(cfg, "shared execute-api endpoint", "", "  "),
        f"  apis[{_label('API stacks importing ' + cfg.exports + '-VpcEndpointId')}]",
        f"  {EDGE} --> apis",
    ]
    return "\n".join(lines) + "\n"


def consumer_stack_diagram(cfg: ConsumerStack) -> str:
    """Two accounts: this one's callers, endpoint and association; the provider's domain name
    and API behind the share."""
    provider = cfg.provider
    account = f"account {cfg.account_id}" if cfg.account_id else "this account"
    url = f"https://{provider.domain_name}/{provider.base_path}"
    api = "PRIVATE REST API" + (f" {provider.api_id}" if provider.api_id else "")
    lines = ["flowchart LR", f"  subgraph consumer[{_label('consumer: ' + account)}]"]
    if cfg.endpoint.create:
        policy = "endpoint policy: the provider's APIs" if cfg.endpoint.policy else ""
        lines += _endpoint_nodes(cfg, "execute-api endpoint (created)", policy, "    ")
        lines.append(f"    {EDGE}")
    else:
        lines += [
            f"    callers[{_label('callers in ' + cfg.vpc_id)}]",
            f"    vpce[{_label('execute-api endpoint ' + str(cfg.endpoint.existing_id))}]",
            "    callers -->|HTTPS 443| vpce",
        ]
    zone = cfg.hosted_zone
    if zone is not None:
        where = "private zone (created)" if zone.create else f"zone {zone.id}"
        lines.append(f"    dns[{_label(provider.domain_name + ' alias', where)}]")
        lines.append("    dns -.->|resolves to| vpce")
    lines += [
        f"    association[{_label('domain name access association')}]",
        "    vpce --- association",
        "  end",
        f"  subgraph provider[{_label('provider: account ' + provider.account)}]",
        f"    domain[{_label(url, 'shared through AWS RAM', 'domain policy admits it')}]",
        f"    api[{_label(api, 'resource policy admits this endpoint')}]",
        "    domain --> api",
        "  end",
        "  association -->|names the domain ARN| domain",
    ]
    return "\n".join(lines) + "\n"


def _targets(cfg: Config) -> list[str]:
    """One node per function, existing function, backend (with its VPC link and load
    balancer), AWS service and mock, the routes that reach it on the edge."""
    groups: dict[tuple[str, str], list[str]] = {}
    for method in resolve_api(cfg).routes:
        target = method.target
        key = (target.kind, target.name or method.label())
        auth = method.auth
        marks = [] if auth == "none" else [auth_label(auth)]
        if method.api_key_required:
            marks.append("API key")
        if method.route is not None and method.route.integration is not None:
            marks.append("mapped, not a proxy")
        suffix = f" ({', '.join(marks)})" if marks else ""
        groups.setdefault(key, []).append(f"{method.label()}{suffix}")
    lines = []
    for index, ((kind, name), routes) in enumerate(sorted(groups.items()), start=1):
        node = f"t{index}"
        if kind == "function":
            fn = cfg.all_functions[name]
            lines.append(f"  {node}[{_label('Lambda ' + name, fn.runtime)}]")
        elif kind == "service":
            service = cfg.services[name]
            what = service.arn.split(":", 5)[5]
            lines.append(f"  {node}[{_label(f'{service.aws} {service.operation}', what)}]")
        elif kind == "existing_function":
            arn = cfg.existing_functions[name].arn
            lines.append(f"  {node}[{_label('existing Lambda ' + name, arn.split(':', 6)[6])}]")
        elif kind == "backend":
            backend = cfg.backends[name]
            link = (
                f"{name} over the internet (leaves the VPC)"
                if backend.internet
                else f"VPC link v{2 if backend.vpc_link is not None else 1} of {name}"
            )
            lines.append(f"  {node}link[{_label(link)}]")
            balancer = backend.load_balancer_arn.split(":")[-1] if backend.load_balancer_arn else ""
            lines.append(f"  {node}[{_label(backend.base_url, balancer)}]")
        else:
            lines.append(f"  {node}[{_label('mock answer')}]")
        first = f"{node}link" if kind == "backend" else node
        lines.append(f"  api -->|{_label(*routes)}| {first}")
        if kind == "backend":
            lines.append(f"  {node}link --> {node}")
    return lines


def _text(value: Any) -> str:
    """An output's value as the template says it (a Sub string as written)."""
    if isinstance(value, Mapping) and "Fn::Sub" in value:
        sub = value["Fn::Sub"]
        return str(sub[0] if isinstance(sub, list) else sub)
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


#: What a Sub variable of an invoke URL or curl output stands for in a shell: a variable the
#: reader sets (from the stack output that holds its value), or a default that is right as is.
_SHELL_NAMES = {
    "RestApi": ("REST_API_ID", "RestApiId"),
    "AWS::Region": ("AWS_REGION", None),
    "StageName": ("STAGE_NAME", "StageName"),
    "EndpointDns": ("ENDPOINT_DNS_NAME", "EndpointDnsName"),
    "VpceId": ("VPC_ENDPOINT_ID", "VpcEndpointId"),
    "Vpce": ("VPC_ENDPOINT_ID", "VpcEndpointId"),
}


def _shell(value: Any, used: dict[str, str | None]) -> str:
    """An output's value as a line a shell runs as written: each ``${...}`` the stack fills in
    becomes a shell variable the page says how to set (``used``: name -> output key), a
    literal Sub value is written in, and the URL suffix defaults to amazonaws.com."""
    if not (isinstance(value, Mapping) and "Fn::Sub" in value):
        return _text(value)
    sub = value["Fn::Sub"]
    text, variables = (sub[0], sub[1]) if isinstance(sub, list) else (sub, {})

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        literal = variables.get(name)
        if isinstance(literal, str):
            return literal
        if name == "AWS::URLSuffix":
            return "${AWS_URL_SUFFIX:-amazonaws.com}"
        shell, output = _SHELL_NAMES.get(name, (re.sub(r"\W+", "_", name).upper(), None))
        used.setdefault(shell, output)
        return "${" + shell + "}"

    return re.sub(r"\$\{([^}!]+)\}", replace, str(text))


def _output_query(output: str) -> str:
    query = f"Stacks[0].Outputs[?OutputKey=='{output}'].OutputValue"
    return (
        f'aws cloudformation describe-stacks --stack-name "$STACK" --query "{query}" --output text'
    )


def _settings(cfg: AnyConfig, template: Mapping[str, Any], used: dict[str, str | None]) -> str:
    """How to set the page's shell variables from the deployed stack's outputs."""
    outputs = template.get("Outputs") or {}
    lines = [f"STACK={cfg.name}   # the stack name you deployed with"]
    endpoint = "VpcEndpointId" if "VpcEndpointId" in outputs else "VpcEndpointIds"
    for shell, output in sorted(used.items(), key=lambda item: item[0] == "ENDPOINT_DNS_NAME"):
        if output in outputs:
            lines.append(f"{shell}=$({_output_query(str(output))})")
        elif output == "VpcEndpointId" and endpoint in outputs:
            lines.append(f"{shell}=$({_output_query(endpoint)} | cut -d, -f1)")
        elif output == "EndpointDnsName" and endpoint in outputs:  # from the endpoint itself
            lines.append(
                f"{shell}=$(aws ec2 describe-vpc-endpoints --vpc-endpoint-ids "
                f"$({_output_query(endpoint)} | cut -d, -f1) "
                "--query 'VpcEndpoints[0].DnsEntries[0].DnsName' --output text)"
            )
        else:
            example = "us-east-1" if shell == "AWS_REGION" else "<set me>"
            lines.append(f'{shell}="${{{shell}:-{example}}}"')
    return "\n".join(lines)


def _double_quoted(line: str) -> str:
    """Single-quoted words that hold a shell variable, double-quoted so the shell fills it."""
    return re.sub(
        r"'([^'\"$]*\$\{[A-Z_]+\}[^'\"]*)'",
        lambda m: '"' + m.group(1) + '"',
        line,
    )


def markdown_page(cfg: AnyConfig, template: Mapping[str, Any]) -> str:
    """``templates/NAME.md``: the diagram, every invoke URL and a curl per form. The curl
    lines run as pasted into a shell: what only the deployed stack knows is a shell variable,
    set from the stack's outputs in the block before them (the stack's own Curl* outputs are
    the same lines filled in)."""
    outputs: Mapping[str, Any] = template.get("Outputs") or {}
    urls = [(k, v) for k, v in outputs.items() if k.endswith("Url") or "Url" in k]
    curls = [(k, v) for k, v in outputs.items() if k.startswith("Curl")]
    lines = [
        f"# {cfg.name}: request path",
        "",
        "Generated by `privgw diagram` from the config; `make templates` keeps it fresh.",
        "",
        "```mermaid",
        mermaid(cfg).rstrip(),
        "```",
        "",
    ]
    if urls:
        lines += ["## Invoke URLs", ""]
        lines += [
            f"* `{key}`: {spec.get('Description', '')}: `{_text(spec['Value'])}`"
            for key, spec in urls
        ]
        lines.append("")
    used: dict[str, str | None] = {}
    calls: list[str] = []
    for key, spec in curls:
        line = _double_quoted(_shell(spec["Value"], used))
        calls += [f"{spec.get('Description', key)}:", "", "```sh", line, "```", ""]
    if calls:
        lines += ["## Calls", ""]
    own = sorted(set(re.findall(r"\$([A-Z][A-Z_]*)\b", "\n".join(calls))) - set(used))
    if used:
        yours = f"; {', '.join(own)} are your own credentials" if own else ""
        lines += [
            "Values only the deployed stack knows are shell variables; set them from its "
            f"outputs first (`privgw deploy` prints the outputs, the Curl* ones filled in){yours}:",
            "",
            "```sh",
            _settings(cfg, template, used),
            "```",
            "",
        ]
    lines += calls
    return "\n".join(lines).rstrip() + "\n"
