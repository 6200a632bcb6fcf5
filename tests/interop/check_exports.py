"""Checks Glossa's exports with the tools that read them: spaCy, seqeval, Hugging Face
`datasets`, brat-peek (a brat standoff reader) and pyld (JSON-LD). Each check loads the
export with the tool and compares what the tool sees with the native export of the same
project (text[start:end] is the truth everywhere). Exits non-zero on the first mismatch.

usage: check_exports.py DIR   (DIR holds native.jsonl, spacy.jsonl, spacy-sc.jsonl,
                               conll.conll, hf/, brat/, w3c.jsonld, csv.csv, claims.tsv)
"""
import csv
import json
import pathlib
import sys

DIR = pathlib.Path(sys.argv[1])


def jsonl(name):
    return [json.loads(l) for l in (DIR / name).read_text(encoding="utf-8").splitlines() if l.strip()]


NATIVE = {d["id"]: d for d in jsonl("native.jsonl")}
counts = {}


def check_spacy():
    import spacy
    from spacy.tokens import Doc

    nlp = spacy.blank("en")
    for name, key in (("spacy.jsonl", None), ("spacy-sc.jsonl", "sc")):
        n = 0
        for line in jsonl(name):
            text = line["text"]
            assert text == NATIVE[line["id"]]["text"], line["id"]
            doc = nlp(text)
            # Glossa's tokens are spaCy's: text, offsets and trailing space.
            assert [t.text for t in doc] == [t["text"] for t in line["tokens"]], line["id"]
            assert [t.idx for t in doc] == [t["start"] for t in line["tokens"]], line["id"]
            assert [bool(t.whitespace_) for t in doc] == [t["ws"] for t in line["tokens"]], line["id"]
            spans = []
            for s in line["spans"]:
                cs = doc.char_span(s["start"], s["end"], label=s["label"])
                assert cs is not None, (line["id"], s)
                assert cs.text == text[s["start"]:s["end"]], (line["id"], s)
                assert (cs.start, cs.end - 1) == (s["token_start"], s["token_end"]), (line["id"], s)
                spans.append(cs)
            if key is None:
                doc.ents = spans  # raises on overlaps
            else:
                assert line["spans_key"] == key
                doc.spans[key] = spans
            # The same doc rebuilt from the exported tokens, as a spaCy user would.
            words = [t["text"] for t in line["tokens"]]
            rebuilt = Doc(nlp.vocab, words=words, spaces=[t["ws"] for t in line["tokens"]])
            assert rebuilt.text == text, line["id"]
            n += len(spans)
        counts[name] = n


def read_conll(path):
    docs, sent = [], None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("-DOCSTART-"):
            docs.append([])
            sent = None
        elif not line.strip():
            sent = None
        else:
            cols = line.split(" ")
            assert len(cols) == 4 and cols[1] == "-X-" and cols[2] == "_", line
            if sent is None:
                sent = []
                docs[-1].append(sent)
            sent.append((cols[0], cols[3]))
    return docs


def check_conll_and_hf():
    import spacy
    from datasets import Features, load_dataset
    from seqeval.metrics import classification_report, f1_score
    from seqeval.metrics.sequence_labeling import get_entities
    from seqeval.scheme import IOB2

    nlp = spacy.blank("en")
    docs = read_conll(DIR / "conll.conll")
    spacy_lines = jsonl("spacy.jsonl")
    assert len(docs) == len(spacy_lines) == len(NATIVE)
    all_tags, entities = [], 0
    for sentences, line in zip(docs, spacy_lines):
        text = line["text"]
        # Tokens are spaCy's, whitespace tokens left out.
        assert [t for s in sentences for t, _ in s] == [t.text for t in nlp(text) if not t.is_space], line["id"]
        # seqeval's entity extraction gives back the exported entities (the spaCy export's
        # doc.ents, which follow the same rules), in order.
        found = []
        for s in sentences:
            tags = [t for _, t in s]
            all_tags.append(tags)
            for label, a, b in get_entities(tags):
                found.append((label, [t for t, _ in s[a:b + 1]]))
        want = []
        for sp in line["spans"]:
            toks = line["tokens"][sp["token_start"]:sp["token_end"] + 1]
            want.append((sp["label"], [t["text"] for t in toks if t["text"].strip()]))
        assert found == want, (line["id"], found[:3], want[:3])
        entities += len(found)
    # Strict IOB2: every sequence is valid.
    assert f1_score(all_tags, all_tags, mode="strict", scheme=IOB2) in (1.0, 0.0)
    classification_report(all_tags, all_tags, mode="strict", scheme=IOB2, zero_division=0)
    counts["conll entities"] = entities

    info = json.loads((DIR / "hf" / "dataset_info.json").read_text(encoding="utf-8"))
    features = Features.from_dict(info["features"])
    ds = load_dataset("json", data_files=str(DIR / "hf" / "data.jsonl"), features=features, split="train")
    names = ds.features["ner_tags"].feature.names
    conll_sentences = [s for d in docs for s in d]
    assert len(ds) == len(conll_sentences), (len(ds), len(conll_sentences))
    for row, s in zip(ds, conll_sentences):
        assert row["tokens"] == [t for t, _ in s]
        assert [names[i] for i in row["ner_tags"]] == [t for _, t in s]
    counts["hf rows"] = len(ds)


def check_brat():
    from bratly import AttributeAnnotation, EntityAnnotation, NoteAnnotation, RelationAnnotation
    from bratly.io.file_read_src import parse_and_fix_ann_grammar, parse_ann_file

    n = 0
    anns = sorted((DIR / "brat").glob("*.ann"))
    assert len(anns) == len(NATIVE), (len(anns), len(NATIVE))
    conf = (DIR / "brat" / "annotation.conf").read_text(encoding="utf-8")
    for section in ("[entities]", "[relations]", "[events]", "[attributes]"):
        assert section in conf
    for ann in anns:
        text = ann.with_suffix(".txt").read_bytes().decode("utf-8")
        source = ann.read_text(encoding="utf-8")
        # bratly's grammar check: every line well formed, every T's text as long as its
        # fragments; it would rewrite a broken file, so the result must be the file itself.
        assert parse_and_fix_ann_grammar(source) == source.rstrip("\n"), ann
        coll = parse_ann_file(source, str(ann), no_duplicates=False, sorting=False, renumerotize=False)
        entities = [a for a in coll.annotations if isinstance(a, EntityAnnotation)]
        lines = [l for l in source.splitlines() if l.startswith("T")]
        assert len(entities) == len(lines), (ann, len(entities), len(lines))
        for e in entities:
            pieces = [text[f.start:f.end] for f in e.fragments]
            assert " ".join(pieces) == e.content, (ann, e.id, pieces, e.content)
            assert all("\n" not in p and "\r" not in p for p in pieces)
            assert e.label in conf
        ids = {e.id for e in entities}
        for a in coll.annotations:
            if isinstance(a, RelationAnnotation):
                assert a.argument1[1].id in ids and a.argument2[1].id in ids, a
            if isinstance(a, (AttributeAnnotation, NoteAnnotation)):
                assert a.component.id in ids, a
        n += len(entities)
    counts["brat T"] = n


# The context document of http://www.w3.org/ns/anno.jsonld is not reachable from here (no
# network), so pyld's loader serves this stand-in: each term Glossa's export uses, mapped to
# the IRI the Web Annotation Vocabulary (W3C Recommendation, 2017) gives it.
OA, AS, DC, FOAF = "http://www.w3.org/ns/oa#", "http://www.w3.org/ns/activitystreams#", "http://purl.org/dc/terms/", "http://xmlns.com/foaf/0.1/"
XSD = "http://www.w3.org/2001/XMLSchema#"
ANNO_CONTEXT = {"@context": {
    "oa": OA, "as": AS, "dcterms": DC, "foaf": FOAF, "xsd": XSD,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "id": "@id", "type": "@type",
    "Annotation": "oa:Annotation", "TextualBody": "oa:TextualBody", "Person": "foaf:Person",
    "TextQuoteSelector": "oa:TextQuoteSelector", "TextPositionSelector": "oa:TextPositionSelector",
    "AnnotationCollection": "as:OrderedCollection", "AnnotationPage": "as:OrderedCollectionPage",
    "tagging": "oa:tagging", "linking": "oa:linking", "classifying": "oa:classifying", "commenting": "oa:commenting",
    "body": {"@type": "@id", "@id": "oa:hasBody"},
    "target": {"@type": "@id", "@id": "oa:hasTarget"},
    "source": {"@type": "@id", "@id": "oa:hasSource"},
    "selector": {"@type": "@id", "@id": "oa:hasSelector"},
    "motivation": {"@type": "@vocab", "@id": "oa:motivatedBy"},
    "purpose": {"@type": "@vocab", "@id": "oa:hasPurpose"},
    "value": {"@id": "rdf:value"},
    "exact": "oa:exact", "prefix": "oa:prefix", "suffix": "oa:suffix",
    "start": {"@id": "oa:start", "@type": "xsd:nonNegativeInteger"},
    "end": {"@id": "oa:end", "@type": "xsd:nonNegativeInteger"},
    "creator": {"@type": "@id", "@id": "dcterms:creator"},
    "created": {"@id": "dcterms:created", "@type": "xsd:dateTime"},
    "name": "foaf:name", "label": "rdfs:label",
    "total": {"@id": "as:totalItems", "@type": "xsd:nonNegativeInteger"},
    "first": {"@type": "@id", "@id": "as:first"}, "last": {"@type": "@id", "@id": "as:last"},
    "next": {"@type": "@id", "@id": "as:next"}, "partOf": {"@type": "@id", "@id": "as:partOf"},
    "startIndex": {"@id": "as:startIndex", "@type": "xsd:nonNegativeInteger"},
    "items": {"@id": "as:items", "@type": "@id", "@container": "@list"},
}}


def check_w3c():
    from pyld import jsonld

    def loader(url, options=None):
        assert url == "http://www.w3.org/ns/anno.jsonld", url
        return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url, "document": ANNO_CONTEXT}

    jsonld.set_document_loader(loader)
    data = json.loads((DIR / "w3c.jsonld").read_text(encoding="utf-8"))
    expanded = jsonld.expand(data)
    nodes = []

    def walk(v):
        if isinstance(v, dict):
            nodes.append(v)
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)

    walk(expanded)
    one = lambda n, p: n[p][0]["@value"] if "@value" in n[p][0] else n[p][0].get("@id")
    annotations = [n for n in nodes if OA + "Annotation" in n.get("@type", [])]
    tagged = 0
    for a in annotations:
        if one(a, OA + "motivatedBy") != OA + "tagging":
            assert one(a, OA + "motivatedBy") == OA + "linking"
            continue
        target = a[OA + "hasTarget"][0]
        source = one(target, OA + "hasSource")
        doc_id = __import__("urllib.parse").parse.unquote(source.removeprefix("urn:glossa:doc:"))
        text = NATIVE[doc_id]["text"]
        sels = {s["@type"][0]: s for s in target[OA + "hasSelector"]}
        pos, quote = sels[OA + "TextPositionSelector"], sels[OA + "TextQuoteSelector"]
        start, end = int(one(pos, OA + "start")), int(one(pos, OA + "end"))
        exact = one(quote, OA + "exact")
        assert text[start:end] == exact, (doc_id, start, end, exact)
        assert text[:start].endswith(one(quote, OA + "prefix")) and text[end:].startswith(one(quote, OA + "suffix"))
        tags = [one(b, "http://www.w3.org/1999/02/22-rdf-syntax-ns#value") for b in a[OA + "hasBody"]
                if one(b, OA + "hasPurpose") == OA + "tagging"]
        assert len(tags) == 1
        tagged += 1
    assert tagged == sum(len(d["spans"]) for d in NATIVE.values()), tagged
    counts["w3c tagging annotations"] = tagged


def check_csv_and_claims():
    rows = list(csv.DictReader((DIR / "csv.csv").open(encoding="utf-8", newline="")))
    for r in rows:
        assert NATIVE[r["doc_id"]]["text"][int(r["start"]):int(r["end"])] == r["text"], r
    assert len(rows) == sum(len(d["spans"]) for d in NATIVE.values())
    claims = list(csv.DictReader((DIR / "claims.tsv").open(encoding="utf-8", newline=""), delimiter="\t"))
    for r in claims:
        assert r["text"] in NATIVE[r["doc_id"]]["text"] and r["label"] in ("0", "1"), r
    counts["csv rows"] = len(rows)
    counts["claims rows"] = len(claims)


for check in (check_spacy, check_conll_and_hf, check_brat, check_w3c, check_csv_and_claims):
    check()
    print(f"ok {check.__name__}")
print("interop", DIR.name, json.dumps(counts))
