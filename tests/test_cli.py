"""The installed console script: help for every command, and a clear error for an unknown one."""
import subprocess, shutil
import pytest
from threed_imagenet.cli import COMMANDS

EXE = shutil.which('threed_imagenet')
pytestmark = pytest.mark.skipif(EXE is None, reason='package not installed (pip install -e ".[dev]")')


def run(*args):
    return subprocess.run([EXE, *args], capture_output=True, text=True, timeout=300)


def test_top_level_help_lists_commands():
    r = run('--help')
    assert r.returncode == 0 and all(c in r.stdout for c in COMMANDS)


@pytest.mark.parametrize('cmd', list(COMMANDS))
def test_command_help(cmd):
    r = run(cmd, '--help')
    assert r.returncode == 0, r.stderr
    assert 'usage' in r.stdout.lower()


def test_unknown_command_is_a_clear_error():
    r = run('nope')
    assert r.returncode != 0 and "unknown command 'nope'" in r.stderr


def test_bench_prints_a_table_and_exits_zero():
    r = run('bench', '--sizes', '16', '--repeats', '1', '--methods', 'ours', '--no-isolate')
    assert r.returncode == 0, r.stderr
    assert 'rays/s' in r.stdout and 'fwd+bwd' in r.stdout


def test_render_demo_writes_its_files(tmp_path):
    r = run('render-demo', '--out', str(tmp_path), '--steps', '150', '--res', '16', '--frames', '2')
    assert r.returncode == 0, r.stderr
    for name in ('scene_orbit.gif', 'scene_orbit.mp4', 'scene_mesh.ply', 'scene_mesh.obj', 'demo.json'):
        assert (tmp_path/name).stat().st_size > 0, name


def test_main_job_runs_end_to_end(tmp_path):
    "README's main job (`threed_imagenet demo`), shortened to 2 training steps: data, training, metrics, renders, video, mesh."
    import json
    r = run('demo', '--out', str(tmp_path), '--steps', '2')
    assert r.returncode == 0, r.stderr[-3000:]
    m = json.loads((tmp_path/'metrics.json').read_text())
    assert {row['method'] for row in m['rows']} == {'flat', 'g3dr'} and m['steps'] == 2
    assert m['perceptual_metric'] == 'lpips-offline-encoder'          # the encoder is named with every score
    for name in ('scene0_orbit.gif', 'scene0_orbit.mp4', 'scene0_mesh.ply', 'novel_views_grid.png'):
        assert (tmp_path/name).stat().st_size > 0, name
    assert (tmp_path/'scene0_orbit.mp4').read_bytes()[4:8] == b'ftyp'
