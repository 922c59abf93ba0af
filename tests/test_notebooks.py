"""Every notebook is a test: each runs in its own subprocess under `nbdev_test` with the skip flags of settings.ini.

Run all with `pytest tests`, one with `pytest tests -k 04_render`. Set NB_FLAGS="slow" to also run slow cells.
Most notebooks use one torch thread, so the selected notebooks run NB_WORKERS at a time (default 2: both cores of a small
CI machine busy), each with OMP_NUM_THREADS=THREED_THREADS=1 unless set; each test still reports its own notebook.
NB_WORKERS=1 runs them one after another.
"""
import os, subprocess, sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p for p in (ROOT/'nbs').rglob('*.ipynb')
                   if not p.name.startswith('_') and '.ipynb_checkpoints' not in p.parts) + [ROOT/'index.ipynb']
TIMEOUT = int(os.environ.get('NB_TIMEOUT', 600))
WORKERS = max(1, int(os.environ.get('NB_WORKERS', 2)))


def _run(nb: Path) -> tuple:
    "(return code or None on timeout, stdout, stderr) of `nbdev.test` on one notebook in a fresh process."
    env = {**os.environ, 'HF_HUB_OFFLINE': '1', 'TRANSFORMERS_OFFLINE': '1', 'MPLBACKEND': 'Agg',
           'PYTHONWARNINGS': 'ignore'}
    if WORKERS > 1:   # one thread per notebook (and per command it starts): OpenMP threads on oversubscribed cores spin-wait for each other
        env = {'OMP_NUM_THREADS': '1', 'THREED_THREADS': '1'} | env
    cmd = [sys.executable, '-m', 'nbdev.test', '--path', str(nb), '--n_workers', '0', '--do_print']
    flags = os.environ.get('NB_FLAGS')
    if flags: cmd += ['--flags', flags]
    try: r = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired: return None, '', ''
    return r.returncode, r.stdout, r.stderr


@pytest.fixture(scope='module')
def results(request):
    "Start every selected notebook (in test order) on a pool of WORKERS processes; tests wait for their own."
    selected = [item.callspec.params['nb'] for item in request.session.items
                if item.originalname == 'test_notebook' and hasattr(item, 'callspec')]
    pool = ThreadPoolExecutor(WORKERS)
    yield {nb: pool.submit(_run, nb) for nb in selected}
    pool.shutdown(wait=True, cancel_futures=True)      # after -x or Ctrl-C: the notebooks not yet started never start


@pytest.mark.parametrize('nb', NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook(nb, results):
    rc, out, err = results[nb].result() if nb in results else _run(nb)
    if rc is None: pytest.fail(f'{nb.name} took longer than {TIMEOUT} s')
    assert rc == 0, f'{nb.name} failed:\n{out[-6000:]}\n{err[-6000:]}'
