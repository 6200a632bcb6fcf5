"""Checks Glossa's Label Studio export with Label Studio's own code: the SDK's
LabelInterface validates every annotation against the exported labeling config, and
label-studio-converter (the code behind Label Studio's exports) reads the tasks back; every
labels region must equal a span of the native export (offsets, text, label).

usage: check_label_studio.py TASKS.json CONFIG.xml NATIVE.jsonl WORKDIR
"""
import copy
import json
import pathlib
import sys

from label_studio_converter import Converter
from label_studio_sdk.label_interface import LabelInterface

tasks_path, config_path, native_path, work = map(pathlib.Path, sys.argv[1:5])
config = config_path.read_text(encoding="utf-8")
native = {}
for line in native_path.read_text(encoding="utf-8").splitlines():
    if line.strip():
        d = json.loads(line)
        native[d["id"]] = d
tasks = json.loads(tasks_path.read_text(encoding="utf-8"))

li = LabelInterface(config)
regions = 0
for t in tasks:
    for a in t["annotations"]:
        assert li.validate_annotation(a), (t["data"]["doc_id"], a["id"])
        regions += sum(r["type"] == "labels" for r in a["result"])
# The validation can fail: an unknown label is refused.
bad = copy.deepcopy(next(a for t in tasks for a in t["annotations"] if a["result"]))
bad["result"][0]["value"]["labels"] = ["NOT_A_LABEL"]
assert not li.validate_annotation(bad)

conv = Converter(config=config, project_dir=None, download_resources=False)
seen = 0
for item in conv.iter_from_json_file(str(tasks_path)):
    doc = native[item["input"]["doc_id"]]
    text = item["input"]["text"]
    assert text == doc["text"]
    spans = {(s["start"], s["end"], s["label"]) for s in doc["spans"]}
    for r in item["output"].get("label", []):
        assert text[r["start"]:r["end"]] == r["text"], r
        assert (r["start"], r["end"], r["labels"][0]) in spans, r
        seen += 1
work.mkdir(parents=True, exist_ok=True)
conv.convert_to_json_min(str(tasks_path), str(work), is_dir=False)
assert json.loads((work / "result.json").read_text(encoding="utf-8"))
print(f"label-studio: {len(tasks)} tasks, {regions} regions valid for the config; converter read {seen} regions back, all equal")
