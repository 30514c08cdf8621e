#!/usr/bin/env python3
"""A worker status endpoint for the benchmark: answers every GET on 127.0.0.1 with a healthy
application/health+json document. Binds port 0 and writes the port to the file given as argument.
With CERT and KEY (PEM files) as further arguments, it serves HTTPS.

usage: endpoint.py PORT_FILE [CERT KEY]
"""
import datetime
import os
import http.server
import json
import ssl
import sys


class Health(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def do_GET(self):
        now = datetime.datetime.now(datetime.timezone.utc)
        body = json.dumps({
            "status": "pass",
            "checks": {
                "worker:heartbeat": [{
                    "componentId": "foo", "observedValue": 0.4, "observedUnit": "s",
                    "status": "pass", "time": now.strftime("%Y-%m-%dT%H:%M:%S.%fZ")}],
                "queue:depth": [{"componentId": "foo", "observedValue": 3,
                                 "observedUnit": "files", "status": "pass"}],
            },
        }).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/health+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Health)
if len(sys.argv) == 4:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(sys.argv[2], sys.argv[3])
    server.socket = context.wrap_socket(server.socket, server_side=True)
with open(sys.argv[1] + ".tmp", "w") as port_file:
    port_file.write(str(server.server_address[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
server.serve_forever()
