"""Importing nlp/ (or the extract command) loads nothing heavy: spaCy, medspaCy and the
data files are loaded when the pipeline is first built, once per process."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_loads_no_spacy():
    code = ("import sys, nlp, nlp.pipeline, benchmarks.extraction, bot.commands.extract; "
            "print(sorted(m for m in ('spacy', 'medspacy', 'wordfreq') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_pipeline_is_built_once_per_process():
    from nlp.pipeline import build_pipeline

    assert build_pipeline() is build_pipeline()
    assert build_pipeline().pipe_names == ["sentencizer", "trialbot_line_breaks", "trialbot_entities", "medspacy_context",
                                         "trialbot_cue_scope"]
