"""Replaces: moto 5.2.5 moto/awslambda/models.py LambdaFunction.get_code (a Code.Location on
AWS's S3 host, which serves nothing here).

Drop this module when moto does what the reason below says AWS does.
"""

from __future__ import annotations

import importlib
import os
from typing import Any

from tests.support.localaws.moto_compat.registry import patch

#: Where the local endpoint listens (set by tests/support/localaws/server.py before it starts).
URL_VARIABLE = "PRIVGW_LOCAL_AWS_URL"


@patch(
    "lambda-code-on-loopback",
    "GetFunction: moto names the deployment package's Code.Location at AWS's own S3 host "
    "(awslambda-REGION-tasks), which this machine must not and cannot reach; AWS answers a "
    "presigned URL the package downloads from. The patch stores the package moto already holds "
    "as an object of that bucket in moto's own S3 and answers a URL presigned for the local "
    "endpoint (path-style, on the loopback), so a download reads the same bytes Lambda runs.",
)
def _lambda_code() -> None:
    models: Any = importlib.import_module("moto.awslambda.models")
    s3: Any = importlib.import_module("moto.s3.models")
    utils: Any = importlib.import_module("moto.utilities.utils")
    original = models.LambdaFunction.get_code

    def get_code(self: Any) -> dict[str, Any]:
        response: dict[str, Any] = original(self)
        local = os.environ.get(URL_VARIABLE)
        if not local or "S3Key" not in self.code or not self.code_bytes:
            return response
        bucket = f"awslambda-{self.region}-tasks"
        backend = s3.s3_backends[self.account_id][utils.get_partition(self.region)]
        if bucket not in backend.buckets:
            backend.create_bucket(bucket, self.region)
        backend.put_object(bucket, self.code["S3Key"], self.code_bytes)
        import boto3

        signer = boto3.session.Session(
            aws_access_key_id="testing", aws_secret_access_key="testing", region_name=self.region
        ).client("s3", endpoint_url=local)
        response["Code"]["Location"] = signer.generate_presigned_url(  # as AWS answers: presigned
            "get_object", Params={"Bucket": bucket, "Key": self.code["S3Key"]}, ExpiresIn=600
        )
        return response

    models.LambdaFunction.get_code = get_code
