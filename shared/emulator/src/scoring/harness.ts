/**
 * The Python side of a deployment: a small stand-in for azureml-inference-server-http. It imports the user's
 * scoring script under the Azure ML contract (`init()` once, then `run(raw_data)` per request with the raw body
 * as a string; the return value JSON-serialised), with AZUREML_MODEL_DIR set and the script's folder on sys.path
 * and as cwd, and serves it on a loopback port (ThreadingHTTPServer). It prints one `AMLEMU_READY <port>` line
 * when init() has returned; an exception in init() prints the traceback and exits 3. Its output is the
 * deployment's InferenceServer log; it prints no line per request (the data plane writes those, scoring/logs.ts).
 *
 * Kept as a string (the emulator is bundled by ncc: a .py beside the sources would not ship); the runtime
 * writes it into the state directory before starting Python.
 */
export const HARNESS_FILE = 'aml_emulator_harness.py';
export const READY_PREFIX = 'AMLEMU_READY ';
export const INIT_FAILED_EXIT = 3;

export const HARNESS_PY = String.raw`# Written by the aml-lifecycle emulator: serves one scoring script under the Azure ML inference contract.
import importlib.util
import json
import os
import sys
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SCRIPT = os.environ["AMLEMU_SCORING_SCRIPT"]
PORT = int(os.environ.get("AMLEMU_PORT", "0"))
INSTANCE = os.environ.get("AMLEMU_INSTANCE_ID", "0")


def log(msg):
    sys.stdout.write(time.strftime("%Y-%m-%d %H:%M:%S,000") + " I [" + str(os.getpid()) + "] azmlinfsrv - " + msg + "\n")
    sys.stdout.flush()


def load():
    folder = os.path.dirname(SCRIPT)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    spec = importlib.util.spec_from_file_location("score_module", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if not hasattr(module, "run"):
        raise AttributeError("The entry script " + os.path.basename(SCRIPT) + " does not define a run() function.")
    return module


log("Azure ML Inferencing HTTP server (aml-lifecycle emulator harness, instance " + INSTANCE + ")")
log("Server Settings")
log("  Entry Script Name: " + SCRIPT)
log("  Model Directory: " + os.environ.get("AZUREML_MODEL_DIR", ""))
log("  Worker Count: 1")
log("Initializing Logger")
try:
    MODULE = load()
    if hasattr(MODULE, "init"):
        MODULE.init()
except BaseException:
    sys.stderr.write("Encountered Exception during user init():\n")
    traceback.print_exc()
    sys.stderr.flush()
    log("Encountered Exception. Exiting the server. Users's init has failed.")
    sys.exit(3)
log("Users's init has completed successfully")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        log("%s - %s" % (self.address_string(), fmt % args))

    def log_request(self, code="-", size="-"):
        # The emulator writes one line per request served into the log itself (with its latency).
        pass

    def reply(self, status, body, content_type="application/json"):
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-ms-run-function-failed", "True" if status >= 400 else "False")
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path in ("/", "/liveness", "/readiness"):
            return self.reply(200, "Healthy", "text/plain; charset=utf-8")
        self.reply(404, json.dumps({"message": "Not Found"}))

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode("utf-8", errors="replace")
        if self.path.split("?")[0] != "/score":
            return self.reply(404, json.dumps({"message": "Not Found"}))
        try:
            result = MODULE.run(raw)
        except BaseException as e:
            traceback.print_exc()
            sys.stderr.flush()
            return self.reply(500, json.dumps({"message": "An unexpected error occurred in scoring script. Check the logs for more info.", "error": repr(e)}))
        status = 200
        # A duck-typed AMLResponse: (body, status) via attributes.
        if hasattr(result, "status_code") and hasattr(result, "get_data"):
            status = int(result.status_code)
            body = result.get_data(as_text=True)
            return self.reply(status, body)
        try:
            body = json.dumps(result)
        except TypeError as e:
            traceback.print_exc()
            return self.reply(500, json.dumps({"message": "Failed to serialise the run() result: " + str(e)}))
        self.reply(status, body)


# The data plane may open many connections at once; the default listen backlog (5) drops the rest, which the
# client only retries a second later.
ThreadingHTTPServer.request_queue_size = 128
server = ThreadingHTTPServer(("127.0.0.1", PORT), Handler)
server.daemon_threads = True
log("Listening on 127.0.0.1:" + str(server.server_address[1]))
sys.stdout.write("${READY_PREFIX}" + str(server.server_address[1]) + "\n")
sys.stdout.flush()
try:
    server.serve_forever()
except KeyboardInterrupt:
    pass
`;
