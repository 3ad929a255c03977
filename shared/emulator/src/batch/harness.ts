/**
 * The Python side of a batch scoring job: one worker process of the batch driver contract. It imports the user's
 * scoring script (its folder on sys.path and as cwd, AZUREML_MODEL_DIR and AZUREML_BI_OUTPUT_PATH set), calls
 * `init()` once, then, for each mini-batch the runner sends on stdin (`{"id": n, "files": [...]}`), `run(mini_batch)`
 * with the list of local file paths. What run() returns becomes rows of the output:
 *   - a DataFrame-like object (has `to_csv`): `to_csv(header=False, index=False)`, one row per line;
 *   - otherwise a list (any iterable but a string): one row per element: a string as is, a list / tuple joined with
 *     ',', a dict as JSON, anything else str() (numpy values and arrays through `tolist()` first);
 *   - None: no rows.
 * Messages to the runner go on file descriptor 3, one JSON object a line (`ready`, `init_failed` with the traceback,
 * `result` with rows, or with the error and traceback); stdout and stderr are the job's user log. `shutdown()` is
 * called, when the script defines it, once stdin closes.
 *
 * Kept as a string (the emulator is bundled by ncc); the runner writes it into the state directory.
 */
export const BATCH_HARNESS_FILE = 'aml_emulator_batch_driver.py';

export const BATCH_HARNESS_PY = String.raw`# Written by the aml-lifecycle emulator: runs one batch scoring script under the Azure ML batch driver contract.
import importlib.util
import json
import os
import sys
import traceback

SCRIPT = os.environ["AMLEMU_SCORING_SCRIPT"]
PROTO = os.fdopen(3, "w", buffering=1)


def send(obj):
    PROTO.write(json.dumps(obj) + "\n")
    PROTO.flush()


def load():
    folder = os.path.dirname(SCRIPT)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    spec = importlib.util.spec_from_file_location("batch_driver", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if not hasattr(module, "run"):
        raise AttributeError("The scoring script " + os.path.basename(SCRIPT) + " does not define a run(mini_batch) function.")
    return module


def plain(value):
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        value = value.tolist()
    return value


def cell(value):
    value = plain(value)
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        return ",".join(str(plain(x)) for x in value)
    if isinstance(value, dict):
        return json.dumps(value, default=str)
    return str(value)


def rows_of(result):
    if result is None:
        return []
    if hasattr(result, "to_csv") and not isinstance(result, (str, bytes, list, tuple, dict)):
        return result.to_csv(header=False, index=False).splitlines()
    if isinstance(result, (str, bytes, dict)):
        raise TypeError("run() must return a list (one element per processed input) or a pandas DataFrame, not " + type(result).__name__ + ".")
    result = plain(result)
    try:
        items = list(result)
    except TypeError:
        raise TypeError("run() must return a list (one element per processed input) or a pandas DataFrame, not " + type(result).__name__ + ".")
    return [cell(x) for x in items]


def last_line(tb):
    lines = [l for l in tb.strip().splitlines() if l.strip()]
    return lines[-1] if lines else "unknown error"


try:
    MODULE = load()
    if hasattr(MODULE, "init"):
        MODULE.init()
except BaseException:
    tb = traceback.format_exc()
    sys.stderr.write(tb)
    sys.stderr.flush()
    send({"type": "init_failed", "error": last_line(tb), "traceback": tb})
    sys.exit(3)
send({"type": "ready"})

for line in sys.stdin:
    if not line.strip():
        continue
    cmd = json.loads(line)
    print("Processing mini-batch " + str(cmd["id"]) + " (" + str(len(cmd["files"])) + " files)", flush=True)
    try:
        rows = rows_of(MODULE.run(list(cmd["files"])))
        sys.stdout.flush()
        send({"type": "result", "id": cmd["id"], "ok": True, "rows": rows})
    except BaseException:
        tb = traceback.format_exc()
        sys.stdout.flush()
        sys.stderr.write(tb)
        sys.stderr.flush()
        send({"type": "result", "id": cmd["id"], "ok": False, "error": last_line(tb), "traceback": tb})

if hasattr(MODULE, "shutdown"):
    MODULE.shutdown()
`;
