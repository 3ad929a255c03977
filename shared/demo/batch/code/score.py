# The demo's batch scoring script (the Azure ML batch contract): init() loads the credit model, run(mini_batch)
# scores every applicant in each CSV file of the mini-batch and returns one row per applicant:
# "<file>,<row>,<probability of default>".
import csv, json, math, os

def init():
    global MODEL
    with open(os.path.join(os.environ["AZUREML_MODEL_DIR"], "credit-model", "model.json")) as f:
        MODEL = json.load(f)

def run(mini_batch):
    rows = []
    for path in mini_batch:
        with open(path) as f:
            for i, r in enumerate(csv.DictReader(f), start=1):
                x = [float(r[name]) for name in MODEL["features"]]
                z = MODEL["intercept"] + sum(c * v for c, v in zip(MODEL["coefficients"], x))
                rows.append("%s,%d,%.4f" % (os.path.basename(path), i, 1 / (1 + math.exp(-z))))
    return rows
