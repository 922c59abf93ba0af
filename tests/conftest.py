"""Shared test settings: offline hubs, a few CPU threads, the repo root."""
import os
from pathlib import Path

os.environ.setdefault('HF_HUB_OFFLINE', '1')       # a missing pretrained weight fails at once instead of retrying
os.environ.setdefault('TRANSFORMERS_OFFLINE', '1')
os.environ.setdefault('MPLBACKEND', 'Agg')

ROOT = Path(__file__).resolve().parents[1]
