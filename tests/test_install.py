"""`pip install threed_imagenet` as most users get it: build the sdist and the wheel, install the wheel without the dev
extras in a fresh virtual environment, and run the console script, import every registered method and train + evaluate a toy G3DR from there (assets inside the
wheel, no notebook-only imports at run time)."""
import os, shutil, subprocess, sys, textwrap, zipfile
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
DEV_ONLY = ('nbdev', 'fastcore', 'execnb', 'nbformat', 'nbconvert', 'jupytext', 'pytest', 'ghapi', 'fastgit', 'pyflakes')


def test_wheel_installs_and_runs_without_dev_extras(tmp_path):
    pytest.importorskip('build')
    src = tmp_path / 'src'                                  # the tracked files only, as a fresh clone has them (no stale build/)
    files = subprocess.run(['git', 'ls-files', '-z', '--cached', '--others', '--exclude-standard'], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.split('\0')
    for f in filter(None, files):
        if (ROOT / f).is_file(): (src / f).parent.mkdir(parents=True, exist_ok=True); shutil.copy2(ROOT / f, src / f)
    r = subprocess.run([sys.executable, '-m', 'build', '--sdist', '--wheel', '--no-isolation', '--outdir', str(tmp_path / 'dist'), str(src)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    wheel = next((tmp_path / 'dist').glob('threed_imagenet-*.whl'))
    assert next((tmp_path / 'dist').glob('threed_imagenet-*.tar.gz'))
    names = zipfile.ZipFile(wheel).namelist()
    assert not [n for n in names if n.startswith('threed_imagenet/') and n.endswith('.py') and not (src / n).exists()], 'stale modules in the wheel'
    for must in ('threed_imagenet/assets/offline_encoder.safetensors', 'threed_imagenet/methods/registry.py',
                 'threed_imagenet/methods/g3dr/method.py', 'threed_imagenet/__main__.py'):
        assert must in names, f'{must} is missing from the wheel'
    # a fresh venv that sees the already-installed runtime dependencies (torch, ...) but gets the package from the wheel
    venv = tmp_path / 'venv'
    subprocess.run([sys.executable, '-m', 'venv', '--system-site-packages', str(venv)], check=True, timeout=300)
    py = venv / 'bin' / 'python'
    r = subprocess.run([str(py), '-m', 'pip', 'install', '--no-deps', '--no-index', str(wheel)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    # the dev extras must not be needed at run time: make importing them fail
    block = tmp_path / 'block'; block.mkdir()
    (block / 'sitecustomize.py').write_text(textwrap.dedent(f"""
        import sys
        class _Block:
            def find_spec(self, name, path=None, target=None):
                if name.split('.')[0] in {DEV_ONLY!r}: raise ImportError(f'dev-only package {{name}} imported at run time')
        sys.meta_path.insert(0, _Block())
    """))
    env = {**os.environ, 'PYTHONPATH': str(block), 'HF_HUB_OFFLINE': '1', 'MPLBACKEND': 'Agg'}
    where = subprocess.run([str(py), '-c', 'import threed_imagenet; print(threed_imagenet.__file__)'], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert str(venv) in where.stdout, (where.stdout, where.stderr)           # the wheel's copy, not the checkout
    exe = venv / 'bin' / 'threed_imagenet'
    r = subprocess.run([str(exe), '--help'], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert r.returncode == 0 and 'train' in r.stdout, r.stderr[-2000:]
    # every registered method imports from the wheel (a module missing from the wheel fails here)
    r = subprocess.run([str(py), '-c', 'from threed_imagenet.methods.registry import METHODS, get_spec; print([get_spec(m).name for m in METHODS])'],
                       capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert r.returncode == 0 and 'g3dr' in r.stdout, r.stderr[-3000:]
    # a toy training run and its evaluation (data, trainer, offline encoder asset, metrics) from the installed package
    small = ['--batch-size', '2', '--set', 'resolution=16', 'plane_resolution=16', 'n_coarse=8', 'n_fine=8', 'n_train_scenes=8', 'n_eval_scenes=2']
    r = subprocess.run([str(exe), 'train', 'g3dr', '--preset', 'tiny', '--steps', '2', *small, '--threads', '1', '--out', str(tmp_path / 'run')],
                       capture_output=True, text=True, env=env, cwd=tmp_path, timeout=900)
    assert r.returncode == 0, r.stderr[-3000:]
    r = subprocess.run([str(exe), 'evaluate', str(tmp_path / 'run'), '--out', str(tmp_path / 'eval')], capture_output=True, text=True,
                       env=env, cwd=tmp_path, timeout=900)
    assert r.returncode == 0, r.stderr[-3000:]
    assert list((tmp_path / 'eval').glob('*.json')), sorted(p.name for p in (tmp_path / 'eval').iterdir())
