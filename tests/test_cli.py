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
