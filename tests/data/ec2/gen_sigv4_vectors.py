#!/usr/bin/env python3
"""Generates sigv4_vectors.json: AWS SigV4 signatures computed by botocore (the reference) for
requests shaped like the ones swarmctl sends. Run with an interpreter that has botocore:
    python3 tests/data/ec2/gen_sigv4_vectors.py > tests/data/ec2/sigv4_vectors.json
"""
import datetime
import json
import sys
from unittest import mock
from urllib.parse import quote, urlencode

import botocore
import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

FORM = "application/x-www-form-urlencoded; charset=utf-8"


def form(action, params):
    """The body exactly as botocore's query serializer produces it (a dict of params prepared by
    AWSRequest: urllib's urlencode, a space as '+')."""
    pairs = [("Action", action), ("Version", "2016-11-15")] + params
    return AWSRequest(method="POST", url="https://x/", data=dict(pairs)).prepare().body


CASES = [
    dict(name="describe-instances", method="POST", url="https://ec2.us-east-1.amazonaws.com/",
         action="DescribeInstances", params=[("InstanceId.1", "i-0123456789abcdef0")],
         body=form("DescribeInstances", [("InstanceId.1", "i-0123456789abcdef0")]),
         region="us-east-1", key="AKIDEXAMPLE", secret="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
         token="", ts="20240102T030405Z"),
    dict(name="session-token-and-port", method="POST", url="http://127.0.0.1:5000/",
         action="RunInstances",
         params=[("ImageId", "ami-785db401"), ("MinCount", "1"), ("MaxCount", "1"),
                 ("TagSpecification.1.Tag.1.Value", "node 1 + ünïcode/=&~*'()!")],
         body=form("RunInstances", [("ImageId", "ami-785db401"), ("MinCount", "1"), ("MaxCount", "1"),
                                    ("TagSpecification.1.Tag.1.Value", "node 1 + ünïcode/=&~*'()!")]),
         region="eu-west-3", key="ASIAEXAMPLE", secret="secret/with+chars=",
         token="FQoGZXIvYXdzEXAMPLE//////////wEaDtoken+/=", ts="20231231T235959Z"),
    dict(name="security-group-description", method="POST", url="http://127.0.0.1:5000/",
         action="CreateSecurityGroup",
         params=[("GroupName", "swarmctl"), ("GroupDescription", "swarmctl machines"),
                 ("VpcId", "vpc-1")],
         body=form("CreateSecurityGroup", [("GroupName", "swarmctl"), ("GroupDescription", "swarmctl machines"),
                                           ("VpcId", "vpc-1")]),
         region="us-east-1", key="AKID4", secret="s4", token="", ts="20261201T120000Z"),
    dict(name="empty-body-cn-region", method="POST", url="https://ec2.cn-north-1.amazonaws.com.cn/",
         body="", region="cn-north-1", key="AKID2", secret="s2", token="", ts="20200229T120000Z"),
    dict(name="get-with-query", method="GET",
         url="https://ec2.us-west-2.amazonaws.com/?" + urlencode(
             [("Version", "2016-11-15"), ("Action", "DescribeImages"), ("Filter.1.Name", "name"),
              ("Filter.1.Value.1", "ubuntu/images/*22.04*"), ("Owner.1", "099720109477")], quote_via=quote,
             safe="-_.~"),
         body="", region="us-west-2", key="AKID3", secret="s3", token="", ts="20240615T101010Z"),
]


def main():
    out = {"botocore": botocore.__version__, "python": sys.version.split()[0], "cases": []}
    for c in CASES:
        fixed = datetime.datetime.strptime(c["ts"], "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.timezone.utc)
        headers = {"Content-Type": FORM} if c["method"] == "POST" else {}
        req = AWSRequest(method=c["method"], url=c["url"], data=c["body"].encode() if c["body"] else None,
                         headers=headers)
        creds = Credentials(c["key"], c["secret"], c["token"] or None)
        auth = botocore.auth.SigV4Auth(creds, "ec2", c["region"])
        # add_auth() logs each intermediate string; capture them from its debug log so that the
        # reference is exactly what botocore signs (the clock is pinned).
        logs = {}

        class Grab:
            def debug(self, fmt, *args):
                for key in ("CanonicalRequest", "StringToSign", "Signature"):
                    if fmt.startswith(key):
                        logs[key] = args[0]

        with mock.patch("botocore.auth.get_current_datetime", return_value=fixed), \
                mock.patch("botocore.auth.logger", Grab()):
            auth.add_auth(req)
        canonical, sts, sig = logs["CanonicalRequest"], logs["StringToSign"], logs["Signature"]
        out["cases"].append(dict(c, content_type=headers.get("Content-Type", ""),
                                 canonical_request=canonical, string_to_sign=sts, signature=sig,
                                 authorization=req.headers["Authorization"]))
    json.dump(out, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
