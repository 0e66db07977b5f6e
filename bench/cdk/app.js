// The seed example (examples/hello.yaml) as an AWS CDK app, so `make bench` can time `cdk synth`
// beside `privgw build` on the same machine. ROUTES=n gives n flat GET /rN routes instead of
// GET /hello (the same shape as the bench's scaling rows).
"use strict";
const cdk = require("aws-cdk-lib");
const { aws_apigateway: apigw, aws_ec2: ec2, aws_iam: iam, aws_lambda: lambda, aws_logs: logs } = cdk;

const CODE = `import json
import os


def handler(event, context):
    identity = (event.get("requestContext") or {}).get("identity") or {}
    body = {"message": os.environ.get("GREETING", "Hello"), "path": event.get("path"),
            "vpce": identity.get("vpceId")}
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"},
            "body": json.dumps(body)}
`;

const app = new cdk.App();
const stack = new cdk.Stack(app, "hello", { tags: { team: "platform" } });
const subnets = ["subnet-0a1b2c3d4e5f67891", "subnet-0a1b2c3d4e5f67892"];
const vpc = ec2.Vpc.fromVpcAttributes(stack, "Vpc", {
  vpcId: "vpc-0a1b2c3d4e5f67890",
  vpcCidrBlock: "10.0.0.0/16",
  availabilityZones: ["us-east-1a", "us-east-1b"],
  privateSubnetIds: subnets,
});
const endpointGroup = new ec2.SecurityGroup(stack, "EndpointSecurityGroup", {
  vpc,
  description: "HTTPS to the execute-api endpoint from the VPC",
  allowAllOutbound: false,
});
endpointGroup.addIngressRule(ec2.Peer.ipv4("10.0.0.0/16"), ec2.Port.tcp(443));
const endpoint = new ec2.InterfaceVpcEndpoint(stack, "Endpoint", {
  vpc,
  service: ec2.InterfaceVpcEndpointAwsService.APIGATEWAY,
  privateDnsEnabled: true,
  subnets: { subnets: subnets.map((id, i) => ec2.Subnet.fromSubnetId(stack, `Subnet${i}`, id)) },
  securityGroups: [endpointGroup],
  open: false,
});
const fn = new lambda.Function(stack, "Function", {
  runtime: lambda.Runtime.PYTHON_3_13,
  handler: "index.handler",
  code: lambda.Code.fromInline(CODE),
  memorySize: 128,
  timeout: cdk.Duration.seconds(5),
  environment: { GREETING: "Hello from a private API" },
  tracing: lambda.Tracing.ACTIVE,
  logGroup: new logs.LogGroup(stack, "FunctionLogs", { retention: logs.RetentionDays.ONE_MONTH }),
});
const invoke = { actions: ["execute-api:Invoke"], resources: ["execute-api:/*"], principals: [new iam.AnyPrincipal()] };
const policy = new iam.PolicyDocument({
  statements: [
    new iam.PolicyStatement({ effect: iam.Effect.ALLOW, ...invoke }),
    new iam.PolicyStatement({
      effect: iam.Effect.DENY,
      ...invoke,
      conditions: { StringNotEquals: { "aws:SourceVpce": endpoint.vpcEndpointId } },
    }),
  ],
});
const accessLogs = new logs.LogGroup(stack, "AccessLogs", { retention: logs.RetentionDays.ONE_MONTH });
const api = new apigw.RestApi(stack, "Api", {
  description: "Private hello API",
  endpointConfiguration: { types: [apigw.EndpointType.PRIVATE], vpcEndpoints: [endpoint] },
  policy,
  cloudWatchRole: false,
  deployOptions: {
    stageName: "v1",
    tracingEnabled: true,
    accessLogDestination: new apigw.LogGroupLogDestination(accessLogs),
    accessLogFormat: apigw.AccessLogFormat.jsonWithStandardFields(),
  },
});
const integration = new apigw.LambdaIntegration(fn);
const count = Number(process.env.ROUTES || 0);
const paths = count > 0 ? Array.from({ length: count }, (_, i) => `/r${i}`) : ["/hello"];
for (const path of paths) {
  api.root.resourceForPath(path).addMethod("GET", integration);
}
const stage = api.deploymentStage.stageName;
new cdk.CfnOutput(stack, "PrivateDnsUrl", {
  value: `https://${api.restApiId}.execute-api.${stack.region}.amazonaws.com/${stage}`,
});
new cdk.CfnOutput(stack, "AliasUrl", {
  value: `https://${api.restApiId}-${endpoint.vpcEndpointId}.execute-api.${stack.region}.amazonaws.com/${stage}`,
});
app.synth();
