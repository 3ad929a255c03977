import json, math, os, time

def init():
    global MODEL
    # Azure ML puts a folder model at AZUREML_MODEL_DIR/<folder name>/ (this one is registered from a folder named
    # credit-model, every version); a local run has model.json beside this script.
    if "AZUREML_MODEL_DIR" in os.environ:
        path = os.path.join(os.environ["AZUREML_MODEL_DIR"], "credit-model", "model.json")
    else:
        path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "model.json")
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
