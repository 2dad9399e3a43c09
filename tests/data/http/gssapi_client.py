#!/usr/bin/python3
"""A Python HTTP Negotiate client (urllib + python3-gssapi), as requests-gssapi does it.

Usage: gssapi_client.py URL. Sends the request, answers the 401 with an SPNEGO token for
HTTP@<host>, verifies the server's final token (mutual authentication) and prints one JSON
line: the statuses, whether the context completed and the body the server sent.
Every wait is bounded (5 s a request)."""
import base64
import json
import sys
import urllib.error
import urllib.parse
import urllib.request

import gssapi

url = sys.argv[1]
host = urllib.parse.urlsplit(url).hostname
statuses = []


def get(headers):
    req = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


status, headers, _ = get({})
statuses.append(status)
name = gssapi.Name("HTTP@" + host, gssapi.NameType.hostbased_service)
ctx = gssapi.SecurityContext(name=name, usage="initiate", mech=gssapi.Mechanism.from_sasl_name("SPNEGO"),
                             flags=gssapi.RequirementFlag.mutual_authentication)
token = ctx.step()
status, headers, body = get({"Authorization": "Negotiate " + base64.b64encode(token).decode()})
statuses.append(status)
final = headers.get("WWW-Authenticate", "")
if final.startswith("Negotiate "):
    ctx.step(base64.b64decode(final[len("Negotiate "):]))
print(json.dumps({"statuses": statuses, "complete": ctx.complete, "body": json.loads(body or b"null")}))
