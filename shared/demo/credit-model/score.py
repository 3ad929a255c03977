import glob, json, math, os, time

def init():
    global MODEL
    # Azure ML mounts a folder model under AZUREML_MODEL_DIR/<folder name>/; a local run has it in place.
    root = os.environ.get("AZUREML_MODEL_DIR", os.path.dirname(os.path.abspath(__file__)))
    path = next(iter(glob.glob(os.path.join(root, "model.json")) + glob.glob(os.path.join(root, "*", "model.json"))), None)
    if path is None:
        raise FileNotFoundError(f"model.json not found under {root}")
    with open(path) as f:
        MODEL = json.load(f)

def run(raw):
    # A heavier model costs time per request (the demo's slow challenger sets inference_cost_ms).
    time.sleep(MODEL.get("inference_cost_ms", 0) / 1000)
    rows = json.loads(raw)["data"]
    out = []
    for row in rows:
        z = MODEL["intercept"] + sum(c * x for c, x in zip(MODEL["coefficients"], row))
        out.append(1 / (1 + math.exp(-z)))
    return out
