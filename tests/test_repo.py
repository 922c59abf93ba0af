"""The repository is in sync with itself: exported library, clean notebooks, README generated from index.ipynb."""
import shutil, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _tracked_copy(dst: Path) -> Path:
    "Copy the files git tracks (plus untracked, not ignored ones) into `dst`, as a fresh clone would have them."
    files = subprocess.run(['git', 'ls-files', '-z', '--cached', '--others', '--exclude-standard'], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.split('\0')
    for f in filter(None, files):
        src = ROOT/f
        if src.is_file():
            (dst/f).parent.mkdir(parents=True, exist_ok=True); shutil.copy2(src, dst/f)
    subprocess.run(['git', 'init', '-q'], cwd=dst, check=True)
    subprocess.run(['git', 'add', '-A'], cwd=dst, check=True)
    subprocess.run(['git', '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'snapshot'], cwd=dst, check=True)
    return dst


def _changed(repo: Path) -> str:
    return subprocess.run(['git', 'status', '--porcelain'], cwd=repo, capture_output=True, text=True, check=True).stdout


def test_export_and_clean_leave_no_diff(tmp_path):
    "`nbdev_export` and `nbdev_clean` change nothing: the library matches the notebooks, notebooks are clean."
    repo = _tracked_copy(tmp_path/'repo')
    for cmd in ('nbdev_export', 'nbdev_clean'):
        subprocess.run([shutil.which(cmd) or cmd], cwd=repo, check=True, capture_output=True)
    diff = _changed(repo)
    assert diff == '', f'run nbdev_export and nbdev_clean, then commit; these files changed:\n{diff}'


def test_readme_in_sync():
    "README.md is exactly what `python tests/make_readme.py` generates from index.ipynb."
    sys.path.insert(0, str(ROOT/'tests'))
    from make_readme import readme_from_index
    assert (ROOT/'README.md').read_text() == readme_from_index(ROOT/'index.ipynb'), \
        'README.md is out of date: run `python tests/make_readme.py` and commit README.md'
