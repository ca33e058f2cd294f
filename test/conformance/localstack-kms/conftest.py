"""KeyDrill's harness for LocalStack's AWS-validated KMS tests, run against any KMS endpoint.

scripts/kms-conformance.sh copies this file into tests/aws/services/kms/ of a throwaway copy of
LocalStack's test tree (the pinned, checksummed files are never changed), so its fixtures take
precedence over the tree's own.

The tests run with TEST_TARGET=AWS_CLOUD: their clients come from boto3's default credential
chain and AWS_ENDPOINT_URL_KMS sends every KMS call to the endpoint under test. The suite asks STS
only for the caller's account and ARN (fixtures `account_id` and `user_arn`), and the endpoint under
test need not serve STS, so sts:GetCallerIdentity is answered here with the identity the endpoint
declared (HARNESS_* variables). No KMS request or response is touched.
"""

import os

import pytest
from botocore.awsrequest import AWSResponse
from botocore.compat import HTTPHeaders


def _answer_get_caller_identity(session, arn, account):
    """A before-call hook on the session: every client made from it inherits the answer."""
    if not arn:
        return session

    def answer(model, params, **kwargs):
        http = AWSResponse(url="harness://sts", status_code=200, headers=HTTPHeaders(), raw=None)
        parsed = {
            "UserId": "KEYDRILLHARNESS",
            "Account": account,
            "Arn": arn,
            "ResponseMetadata": {"HTTPStatusCode": 200, "RequestId": "harness", "HTTPHeaders": {}},
        }
        return http, parsed

    session.events.register("before-call.sts.GetCallerIdentity", answer)
    return session


@pytest.fixture(scope="session")
def aws_session():
    from localstack.testing.aws.util import base_aws_session

    return _answer_get_caller_identity(
        base_aws_session(), os.environ.get("HARNESS_CALLER_ARN"), os.environ.get("HARNESS_ACCOUNT_ID")
    )


@pytest.fixture(scope="session")
def secondary_aws_session():
    from localstack.testing.aws.util import secondary_aws_session

    return _answer_get_caller_identity(
        secondary_aws_session(),
        os.environ.get("HARNESS_SECONDARY_CALLER_ARN"),
        os.environ.get("HARNESS_SECONDARY_ACCOUNT_ID"),
    )
