"""Checks a firewall output of `portcheck ticket` against the vendor's own model or parser.

usage: outputs.py FORMAT FILE   (exit 0 valid, 1 invalid with the reasons on stderr)

aws-cli               each group's egress and ingress list as IpPermissions of EC2's
                      AuthorizeSecurityGroupEgress / -Ingress request (botocore's model)
aws-network-firewall  each input as Network Firewall's CreateRuleGroup request (botocore)
terraform             parsed by python-hcl2; every rule resource has the attributes the
                      aws_vpc_security_group_*_rule resources require, of the right kind
network-policy        every document against the Kubernetes OpenAPI schema, strict
                      (kubernetes-validate)
cilium                every document against Cilium's API types: schema and field names
                      (cilium.mjs, with node and the project's npm packages)
kube-manifests        every document of `portcheck kube` against the schemas of three
                      Kubernetes minor versions, strict; prints the documents as JSON
"""

import json
import os
import re
import subprocess
import sys

import botocore.session
from botocore.validate import ParamValidator


def request(service, operation, params):
    model = botocore.session.get_session().get_service_model(service)
    shape = model.operation_model(operation).input_shape
    report = ParamValidator().validate(params, shape)
    errors = [report.generate_report()] if report.has_errors() else []
    return errors + enums(params, shape, operation)


def enums(value, shape, where):
    """The model's enumerations, which botocore leaves to the server."""
    if shape.type_name == "structure" and isinstance(value, dict):
        return [e for key, member in shape.members.items() if key in value
                for e in enums(value[key], member, f"{where}.{key}")]
    if shape.type_name == "list" and isinstance(value, list):
        return [e for i, item in enumerate(value) for e in enums(item, shape.member, f"{where}[{i}]")]
    if shape.type_name == "map" and isinstance(value, dict):
        return [e for key, item in value.items() for e in enums(item, shape.value, f"{where}.{key}")]
    if shape.type_name == "string" and shape.enum and value not in shape.enum:
        return [f"{where}: {value!r} is not one of {', '.join(shape.enum)}"]
    return []


# What EC2 refuses beyond the request model: a security-group rule twice ("The same permission
# must not appear multiple times" in one request, InvalidPermission.Duplicate once it exists),
# and descriptions outside the model's documented constraints (IpRange.Description: up to 255
# characters of a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$*).
DESCRIPTION = re.compile(r"[a-zA-Z0-9 ._\-:/()#,@\[\]+=&;{}!$*]{0,255}")


def sg_rule_problems(where, seen, key, description):
    found = []
    if key in seen:
        found.append(f"{where}: the same permission twice ({key}), which EC2 refuses")
    seen.add(key)
    if not isinstance(description, str) or not DESCRIPTION.fullmatch(description):
        found.append(f"{where}: description {description!r} breaks EC2's constraints")
    return found


def aws_cli(text):
    errors = []
    for role, group in json.loads(text)["groups"].items():
        for direction, operation in (("egress", "AuthorizeSecurityGroupEgress"),
                                     ("ingress", "AuthorizeSecurityGroupIngress")):
            if group[direction]:
                errors += [f"{role} {direction}: {e}" for e in request(
                    "ec2", operation, {"GroupId": "sg-0123456789abcdef0",
                                       "IpPermissions": group[direction]})]
            seen = set()
            for permission in group[direction]:
                port = (permission["IpProtocol"], permission.get("FromPort"), permission.get("ToPort"))
                for ranges, cidr in (("IpRanges", "CidrIp"), ("Ipv6Ranges", "CidrIpv6")):
                    for item in permission.get(ranges, []):
                        errors += sg_rule_problems(f"{role} {direction}", seen, port + (item.get(cidr),),
                                                   item.get("Description"))
    return errors


def network_firewall(text):
    return [f"{i['RuleGroupName']}: {e}" for i in json.loads(text)["inputs"]
            for e in request("network-firewall", "CreateRuleGroup", i)]


def terraform(text):
    import hcl2

    errors = []
    seen = set()
    for block in hcl2.loads(text).get("resource", []):
        for kind, resources in block.items():
            kind = kind.strip('"')
            if kind not in ("aws_vpc_security_group_egress_rule",
                            "aws_vpc_security_group_ingress_rule"):
                errors.append(f"unexpected resource type {kind}")
                continue
            for name, body in resources.items():
                where = f"{kind}.{name.strip(chr(34))}"
                for attribute in ("security_group_id", "ip_protocol", "description"):
                    if attribute not in body:
                        errors.append(f"{where}: no {attribute}")
                if ("cidr_ipv4" in body) == ("cidr_ipv6" in body):
                    errors.append(f"{where}: needs exactly one of cidr_ipv4, cidr_ipv6")
                protocol = str(body.get("ip_protocol", "")).strip('"')
                if protocol in ("tcp", "udp"):
                    for attribute in ("from_port", "to_port"):
                        if not isinstance(body.get(attribute), int):
                            errors.append(f"{where}: {attribute} must be a number for {protocol}")
                # One rule per element of for_each: its list stands for the addresses.
                peer = body.get("for_each") or body.get("cidr_ipv4") or body.get("cidr_ipv6")
                key = (kind, body.get("security_group_id"), protocol, body.get("from_port"),
                       body.get("to_port"), peer)
                errors += sg_rule_problems(where, seen, key, str(body.get("description", "")).strip('"'))
    return errors


def network_policy(text):
    import yaml
    import kubernetes_validate

    errors = []
    for document in yaml.safe_load_all(text):
        if document is None:
            continue
        try:
            kubernetes_validate.validate(document, "1.33", strict=True)
        except kubernetes_validate.ValidationError as error:
            errors.append(f"{document.get('kind')}: {error.message}")
    return errors


def cilium(text):
    import yaml

    documents = [d for d in yaml.safe_load_all(text) if d is not None]
    if not documents:
        return ["no CiliumNetworkPolicy in the file"]
    checker = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cilium.mjs")
    run = subprocess.run(["node", checker], input=json.dumps(documents), text=True,
                         capture_output=True, check=False)
    if run.returncode == 0:
        return []
    return [line for line in run.stderr.splitlines() if line] or [
        f"cilium.mjs exited with {run.returncode}"]


KUBE_VERSIONS = ["1.33", "1.35", "1.37"]


def kube_manifests(text):
    import yaml
    import kubernetes_validate

    errors = []
    documents = [d for d in yaml.safe_load_all(text) if d is not None]
    for document in documents:
        for version in KUBE_VERSIONS:
            try:
                kubernetes_validate.validate(document, version, strict=True)
            except kubernetes_validate.ValidationError as error:
                errors.append(f"{document.get('kind')} on {version}: {error.message}")
    if not errors:
        print(json.dumps(documents))
    return errors


CHECKS = {
    "kube-manifests": kube_manifests,
    "aws-cli": aws_cli,
    "aws-network-firewall": network_firewall,
    "terraform": terraform,
    "network-policy": network_policy,
    "cilium": cilium,
}


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in CHECKS:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[2], encoding="utf-8") as f:
        errors = CHECKS[sys.argv[1]](f.read())
    for error in errors:
        print(error, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
