"""Feeds Glossa's doccano export to doccano's own importer (doccano 1.8, its Django backend on
a throwaway SQLite database) and checks what doccano stored: every span with its label and
code-point offsets, and every relation.

usage: check_doccano.py EXPORT.jsonl NATIVE.jsonl WORKDIR
"""
import json
import os
import pathlib
import sys

export, native, work = map(pathlib.Path, sys.argv[1:4])
work.mkdir(parents=True, exist_ok=True)
import backend  # noqa: E402  (doccano's package)

sys.path.insert(0, str(pathlib.Path(backend.__file__).parent))
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.development"
os.environ["DATABASE_URL"] = f"sqlite:///{work / 'doccano.sqlite3'}"
os.environ.setdefault("SECRET_KEY", "glossa-interop-check")

import django  # noqa: E402

django.setup()
from django.core.management import call_command  # noqa: E402

call_command("migrate", verbosity=0)

from django.contrib.auth import get_user_model  # noqa: E402
from data_import.datasets import load_dataset  # noqa: E402
from data_import.pipeline.catalog import RELATION_EXTRACTION, create_file_format  # noqa: E402
from data_import.pipeline.readers import FileName  # noqa: E402
from examples.models import Example  # noqa: E402
from labels.models import Relation, Span  # noqa: E402
from projects.models import ProjectType, SequenceLabelingProject  # noqa: E402

user = get_user_model().objects.create(username="glossa")
project = SequenceLabelingProject.objects.create(
    name="glossa", project_type=ProjectType.SEQUENCE_LABELING, created_by=user,
    use_relation=True, allow_overlapping=True,
)
files = [FileName(full_path=str(export), generated_name=export.name, upload_name=export.name)]
dataset = load_dataset(RELATION_EXTRACTION, create_file_format("JSONL"), files, project,
                       column_data="text", column_label="label", encoding="utf_8")
dataset.save(user, batch_size=1000)
assert not dataset.errors, [e.dict() for e in dataset.errors][:5]

docs = [json.loads(l) for l in native.read_text(encoding="utf-8").splitlines() if l.strip()]
examples = list(Example.objects.filter(project=project).order_by("id"))
assert len(examples) == len(docs), (len(examples), len(docs))
spans_total = relations_total = 0
for doc, ex in zip(docs, examples):
    assert ex.text == doc["text"], doc["id"]
    stored = sorted((s.start_offset, s.end_offset, s.label.text) for s in Span.objects.filter(example=ex))
    want = sorted((s["start"], s["end"], s["label"]) for s in doc["spans"])
    assert stored == want, (doc["id"], stored[:3], want[:3])
    for s in Span.objects.filter(example=ex):
        assert ex.text[s.start_offset:s.end_offset] == doc["text"][s.start_offset:s.end_offset]
    by_id = {s["id"]: (s["start"], s["end"], s["label"]) for s in doc["spans"]}
    rels = sorted(
        ((r.from_id.start_offset, r.from_id.end_offset, r.to_id.start_offset, r.type.text))
        for r in Relation.objects.filter(example=ex)
    )
    want_rels = sorted((by_id[r["from"]][0], by_id[r["from"]][1], by_id[r["to"]][0], r["label"]) for r in doc["relations"])
    assert rels == want_rels, (doc["id"], rels, want_rels)
    spans_total += len(stored)
    relations_total += len(rels)
print(f"doccano: {len(examples)} examples, {spans_total} spans, {relations_total} relations imported by doccano's importer, all equal")
