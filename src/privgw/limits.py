"""Every AWS limit privgw checks, in one place: the config, the builders and the rules import
them from here (AWS CloudFormation User Guide, "CloudFormation quotas"; the quotas pages of the
API Gateway, Lambda and CloudWatch Logs developer guides). troposphere's own template counts
are imported, not restated.
"""

from __future__ import annotations

from troposphere import MAX_OUTPUTS, MAX_PARAMETERS, MAX_RESOURCES

#: privgw's own cap on a config file (no real config comes near it; a huge one is refused).
MAX_CONFIG_BYTES = 1_000_000
#: privgw's caps on an OpenAPI document: its file, and what its YAML aliases expand to; both
#: far above real specs (the 1,000-operation spec of tests/support/specs.py is 0.24 MB).
MAX_SPEC_BYTES = 20_000_000
MAX_SPEC_NODES = 5_000_000
MAX_INLINE_CODE_BYTES = 4096
MAX_ENVIRONMENT_BYTES = 4096
MAX_INTEGRATION_TIMEOUT_S = 29
#: Regional and private REST APIs may wait up to 300,000 ms once the account's "Maximum
#: integration timeout in milliseconds" quota is raised (API Gateway, June 2024: "Amazon API
#: Gateway integration timeout limit increase beyond 29 seconds"); 50 ms is the least.
MAX_RAISED_INTEGRATION_TIMEOUT_MS = 300_000
MIN_INTEGRATION_TIMEOUT_MS = 50
#: A streamed response may last 15 minutes (API Gateway developer guide, "Stream the
#: integration response for your proxy integrations"); Lambda's own maximum is the same.
MAX_STREAMING_TIMEOUT_S = 900
#: privgw's own cap on functions and on backends in one API (each function adds four resources).
MAX_FUNCTIONS = 50
MAX_BACKENDS = 50
#: Usage plans per account default to 300; privgw's cap per API keeps the template small.
MAX_CONSUMERS = 50
MAX_RESOURCES_PER_API = 300
MAX_TEMPLATE_RESOURCES = MAX_RESOURCES
MAX_TEMPLATE_OUTPUTS = MAX_OUTPUTS
MAX_TEMPLATE_PARAMETERS = MAX_PARAMETERS
MAX_TAGS = 50
MAX_DESCRIPTION_BYTES = 1024
LOG_RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
    2922, 3288, 3653,
)  # fmt: skip

#: `aws cloudformation deploy` sends a template inline up to this size; above, through S3.
INLINE_TEMPLATE_LIMIT = 51_200
#: CloudFormation's limit for a template read from S3.
S3_TEMPLATE_LIMIT = 1_000_000
#: API Gateway's resource policy length (adjustable quota).
POLICY_LIMIT = 8_192
#: Security groups per network interface: 5 by default, adjustable up to 16 ("Amazon VPC
#: quotas", https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html); an
#: interface endpoint's groups sit on its network interfaces.
DEFAULT_GROUPS_PER_INTERFACE = 5
MAX_GROUPS_PER_INTERFACE = 16
