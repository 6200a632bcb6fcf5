"""Writes crates/glossa-formats/data/spacy-en.json: the rules of spaCy's English tokenizer
(prefix, suffix, infix and URL patterns, and the special cases), which Glossa's tokenizer
runs so that its tokens match `spacy.blank("en")`. spaCy is MIT-licensed, (c) ExplosionAI.

Run with a Python that has spaCy: `python scripts/spacy-tokenizer-data.py`.
"""
import json
import pathlib

import spacy
from spacy.symbols import ORTH

tok = spacy.blank("en").tokenizer
data = {
    "spacy_version": spacy.__version__,
    "prefix": tok.prefix_search.__self__.pattern,
    "suffix": tok.suffix_search.__self__.pattern,
    "infix": tok.infix_finditer.__self__.pattern,
    "url": tok.url_match.__self__.pattern,
    "special": {k: [piece[ORTH] for piece in v] for k, v in sorted(tok.rules.items())},
}
out = pathlib.Path(__file__).resolve().parent.parent / "crates/glossa-formats/data/spacy-en.json"
out.write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
print(f"wrote {out} ({len(data['special'])} special cases, spaCy {spacy.__version__})")
