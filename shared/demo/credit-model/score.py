import json, math, os

def init():
    global MODEL
    with open(os.path.join(os.environ.get("AZUREML_MODEL_DIR", "."), "model.json")) as f:
        MODEL = json.load(f)

def run(raw):
    rows = json.loads(raw)["data"]
    out = []
    for row in rows:
        z = MODEL["intercept"] + sum(c * x for c, x in zip(MODEL["coefficients"], row))
        out.append(1 / (1 + math.exp(-z)))
    return out
