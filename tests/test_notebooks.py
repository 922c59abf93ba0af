"""Every notebook is a test: each runs in its own subprocess under `nbdev_test` with the skip flags of settings.ini.

Run all with `pytest tests`, one with `pytest tests -k 04_render`. Set NB_FLAGS="slow" to also run slow cells.
"""
import os, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p for p in (ROOT/'nbs').rglob('*.ipynb')
                   if not p.name.startswith('_') and '.ipynb_checkpoints' not in p.parts) + [ROOT/'index.ipynb']
TIMEOUT = int(os.environ.get('NB_TIMEOUT', 600))


@pytest.mark.parametrize('nb', NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook(nb):
    env = {**os.environ, 'HF_HUB_OFFLINE': '1', 'TRANSFORMERS_OFFLINE': '1', 'MPLBACKEND': 'Agg',
           'PYTHONWARNINGS': 'ignore'}
    cmd = [sys.executable, '-m', 'nbdev.test', '--path', str(nb), '--n_workers', '0', '--do_print']
    flags = os.environ.get('NB_FLAGS')
    if flags: cmd += ['--flags', flags]
    try:
        r = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail(f'{nb.name} took longer than {TIMEOUT} s')
    assert r.returncode == 0, f'{nb.name} failed:\n{r.stdout[-6000:]}\n{r.stderr[-6000:]}'
