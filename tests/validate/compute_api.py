"""A stand-in for Compute Engine's firewalls API on loopback, for the real gcloud to talk to.

usage: compute_api.py RECORDS   prints its port, then serves until killed

gcloud is pointed here with CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE and a dummy access token, so
the GCP script runs exactly as it would against Google: gcloud parses every flag, builds the
Firewall resource and sends it. Each insert is checked against the constraints Google documents
for the resource and refused with 400, as the API would, when it breaks one; an accepted one is
appended to RECORDS as a JSON line (for probe/tests/ticket.rs to compare with the checklist),
reported done, and read back as stored.
"""

import ipaddress
import json
import re
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Firewall.name and tags: RFC 1035 labels, 1-63 characters (the Compute API's discovery document).
LABEL = re.compile(r"[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?")
PROTOCOLS = {"tcp", "udp", "icmp", "esp", "ah", "ipip", "sctp", "all"}
FIELDS = {"name", "description", "network", "priority", "direction", "allowed", "denied",
          "sourceRanges", "destinationRanges", "sourceTags", "targetTags",
          "sourceServiceAccounts", "targetServiceAccounts", "disabled", "logConfig"}
PATH = re.compile(r"/compute/v1/projects/([^/]+)/global/firewalls(?:/([^/?]+))?(?:\?.*)?$")


def problems(firewall):
    """What the API would refuse in a Firewall insert, as documented for each field."""
    found = [f"unknown field {key}" for key in firewall if key not in FIELDS]
    if not LABEL.fullmatch(firewall.get("name", "")):
        found.append(f"name {firewall.get('name')!r} is not 1-63 characters of [a-z0-9-]")
    priority = firewall.get("priority", 1000)
    if not isinstance(priority, int) or not 0 <= priority <= 65535:
        found.append(f"priority {priority!r} is not between 0 and 65535")
    direction = firewall.get("direction", "INGRESS")
    if direction not in ("INGRESS", "EGRESS"):
        found.append(f"direction {direction!r}")
    # "For EGRESS traffic, you cannot specify the sourceTags fields."
    if direction == "EGRESS" and firewall.get("sourceTags"):
        found.append("an EGRESS rule with sourceTags")
    families = set()
    for field in ("sourceRanges", "destinationRanges"):
        for text in firewall.get(field, []):
            try:
                families.add(ipaddress.ip_network(text, strict=True).version)
            except ValueError:
                found.append(f"{field}: {text!r} is not a CIDR range")
    # "A firewall rule can contain either IPv4 or IPv6 ranges, but not both."
    if len(families) > 1:
        found.append("IPv4 and IPv6 ranges in one rule")
    if bool(firewall.get("allowed")) == bool(firewall.get("denied")):
        found.append("exactly one of allowed and denied is needed")
    for rule in firewall.get("allowed", []) + firewall.get("denied", []):
        protocol = rule.get("IPProtocol", "")
        if protocol not in PROTOCOLS and not (protocol.isdigit() and int(protocol) < 256):
            found.append(f"protocol {protocol!r}")
        for port in rule.get("ports", []):
            if protocol not in ("tcp", "udp", "sctp"):
                found.append(f"ports for {protocol}")
            bounds = port.split("-")
            if (len(bounds) > 2 or not all(b.isdigit() and int(b) <= 65535 for b in bounds)
                    or int(bounds[0]) > int(bounds[-1])):
                found.append(f"port {port!r}")
    for tag in firewall.get("targetTags", []) + firewall.get("sourceTags", []):
        if not LABEL.fullmatch(tag):
            found.append(f"tag {tag!r}")
    return found


class ComputeApi(BaseHTTPRequestHandler):
    stored = {}

    def reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def refuse(self, status, message):
        self.reply(status, {"error": {"code": status, "message": message,
                                      "errors": [{"message": message, "reason": "invalid"}]}})

    def do_POST(self):
        match = PATH.match(self.path)
        if not match or match.group(2):
            return self.refuse(404, f"no such collection {self.path}")
        firewall = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))))
        found = problems(firewall)
        if found:
            return self.refuse(400, f"Invalid value for firewall {firewall.get('name')!r}: "
                                    + "; ".join(found))
        if firewall["name"] in self.stored:
            return self.refuse(409, f"The resource '{firewall['name']}' already exists")
        self.stored[firewall["name"]] = firewall
        with open(sys.argv[1], "a", encoding="utf-8") as records:
            records.write(json.dumps(firewall) + "\n")
        base = f"http://{self.headers['host']}/compute/v1/projects/{match.group(1)}/global"
        self.reply(200, {"kind": "compute#operation", "name": f"operation-{len(self.stored)}",
                         "operationType": "insert", "status": "DONE",
                         "targetLink": f"{base}/firewalls/{firewall['name']}",
                         "selfLink": f"{base}/operations/operation-{len(self.stored)}"})

    def do_GET(self):
        match = PATH.match(self.path)
        if match and match.group(2) in self.stored:
            return self.reply(200, {"kind": "compute#firewall", **self.stored[match.group(2)]})
        return self.refuse(404, f"The resource '{self.path}' was not found")

    def log_message(self, *args):
        pass


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    server = ThreadingHTTPServer(("127.0.0.1", 0), ComputeApi)
    print(server.server_address[1], flush=True)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
