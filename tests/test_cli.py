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
    r = run('bench', '--sizes', '16', '--repeats', '1', '--renderers', 'ours', '--no-isolate')
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
    assert {row['method'] for row in m['rows']} == {'flat', 'reprojection', 'g3dr'} and m['steps'] == 2
    assert {'psnr_visible', 'psnr_disoccluded', 'abs_rel_disoccluded'} <= set(m['rows'][0])   # issue 10: every score split
    assert 'reprojection' in m['table'] and set(m['vs_reprojection']['targets']) >= {'within_1db_all'}
    assert 'reprojection' in r.stdout and 'canonical PSNR' in r.stdout
    assert m['perceptual_metric'] == 'lpips-offline-encoder'          # the encoder is named with every score
    for name in ('scene0_orbit.gif', 'scene0_orbit.mp4', 'scene0_mesh.ply', 'novel_views_grid.png'):
        assert (tmp_path/name).stat().st_size > 0, name
    assert (tmp_path/'scene0_orbit.mp4').read_bytes()[4:8] == b'ftyp'


# ---- the paths a researcher uses: python -m, user errors, progress in log files, seeds, kill and resume, processes ----
import json, signal, sys, time
from pathlib import Path
from safetensors.torch import load_file

SMALL_SET = ['resolution=16', 'plane_resolution=16', 'n_coarse=8', 'n_fine=8', 'n_train_scenes=16', 'n_eval_scenes=2']
SMALL = ['--batch-size', '2', '--set', *SMALL_SET]
QUIET = ['--no-tensorboard', '--sample-every', '0', '--threads', '1']


def _final(run: Path) -> dict:
    ck = (run / 'ckpt' / 'latest').read_text().strip()
    return load_file(str(run / 'ckpt' / f'{ck}.safetensors'))


def test_python_m_trains_the_readme_command(tmp_path):
    "`python -m threed_imagenet train g3dr --preset tiny --steps 3 --out R` (README) finishes and writes a run folder."
    r = subprocess.run([sys.executable, '-m', 'threed_imagenet', 'train', 'g3dr', '--preset', 'tiny', '--steps', '3',
                        '--out', str(tmp_path / 'R')], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    info = json.loads((tmp_path / 'R' / 'method.json').read_text())
    assert (info['method'], info['preset'], info['config']['steps']) == ('g3dr', 'tiny', 3)
    assert 'step 3/3 (100%)' in r.stdout and 'img/s' in r.stdout and 'ETA' in r.stdout   # progress lines in a log file


@pytest.mark.parametrize('args, needle', [
    (['train', 'g3dr', '--out', 'X', '--set', 'plane_frames=box'], "did you mean plane_frame"),
    (['train', 'g3dr', '--out', 'X', '--data', '/nonexistent/data'], "/nonexistent/data"),
    (['evaluate', '/nonexistent/run', '--out', 'E'], "'/nonexistent/run' does not exist"),
    (['train', 'g3dr', '--out', 'X', '--set', 'lr'], 'write KEY=VALUE'),
])
def test_user_errors_are_one_line_with_exit_code_2(tmp_path, args, needle):
    r = subprocess.run([EXE, *args], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert r.returncode == 2, (r.returncode, r.stderr[-2000:])
    assert needle in r.stderr and r.stderr.strip().count('\n') == 0 and 'Traceback' not in r.stderr, r.stderr


def test_demo_help_names_its_command():
    r = run('demo', '--help')
    assert r.returncode == 0 and 'threed_imagenet demo' in r.stdout and 'g3dr-demo' not in r.stdout


def test_kill_and_resume_is_bit_identical(tmp_path):
    "Same command twice: identical checkpoints. SIGKILL a run between checkpoints, resume it: identical final weights."
    args = ['train', 'g3dr', *SMALL, '--steps', '12', '--ckpt-every', '2', '--keep-ckpts', '20', *QUIET]
    _kill_and_resume(tmp_path, args, 'g3dr', twice=True)


def _kill_and_resume(tmp_path, args, tag, kill_after=6, steps=12, twice=False):
    """Run `args` to the end (`twice`: and again, asserting identical final weights), then SIGKILL another run right after its
    step-`kill_after` checkpoint, resume it with `--resume` and assert its final weights equal the uninterrupted run's, tensor
    for tensor. Returns (the uninterrupted run folder, its final weights). Equality after a resume also covers determinism."""
    for name in ('full', 'again')[:1 + twice]:
        r = run(*args, '--out', str(tmp_path / f'{tag}-{name}')); assert r.returncode == 0, r.stderr[-3000:]
    a = _final(tmp_path / f'{tag}-full')
    if twice:
        b = _final(tmp_path / f'{tag}-again')
        assert all(torch_equal(a[k], b[k]) for k in a), f'{tag}: the same command gave different weights'
    cut = tmp_path / f'{tag}-cut'
    p = subprocess.Popen([EXE, *args, '--out', str(cut)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t0 = time.time()
    while not (cut / 'ckpt' / f'step_{kill_after:08d}.state.pt').exists():
        assert p.poll() is None and time.time() - t0 < 240, f'{tag}: training ended or stalled before its step-{kill_after} checkpoint'
        time.sleep(0.02)
    p.send_signal(signal.SIGKILL); p.wait()
    done = (cut / 'ckpt' / 'latest').read_text().strip()
    assert done != f'step_{steps:08d}', f'{tag}: the process finished before it was killed; the test did not interrupt it'
    keep = [x for i, a_ in enumerate(args) if a_ in ('--ckpt-every', '--keep-ckpts') for x in args[i:i + 2]]
    r = run('train', args[1], '--out', str(cut), '--resume', *keep, *QUIET)     # method, config and data come from the run folder
    assert r.returncode == 0, r.stderr[-3000:]
    c = _final(cut)
    bad = [k for k in a if not torch_equal(a[k], c[k])]
    assert not bad, f'{tag}: resumed from {done}: {len(bad)} tensors differ from the uninterrupted run, e.g. {bad[:3]}'
    return tmp_path / f'{tag}-full', a


def torch_equal(x, y):
    import torch
    return torch.equal(x, y)


def test_bf16_mixed_precision_trains_on_cpu(tmp_path):
    "`--mixed-precision bf16` on CPU (G3DR with SR): rays stay float32 under autocast, the losses stay finite."
    r = run('train', 'g3dr', *SMALL, 'sr_resolution=32', '--steps', '3', '--mixed-precision', 'bf16', *QUIET, '--out', str(tmp_path / 'B'))
    assert r.returncode == 0, r.stderr[-3000:]
    log = (tmp_path / 'B' / 'log.csv').read_text().splitlines()
    i = log[0].split(',').index('loss')
    assert len(log) == 4 and all(0 < float(row.split(',')[i]) < 10 for row in log[1:]), log


def test_two_processes_with_super_resolution_do_not_hang(tmp_path):
    "DDP on 2 CPU processes (gloo) with SR on, where novel-view steps leave SR without gradient; a hang fails by timeout."
    torchrun = [sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node', '2', '--master_port', '29533']
    cmd = [*torchrun, '-m', 'threed_imagenet', 'train', 'g3dr', *SMALL, 'sr_resolution=32', 'tau=1.0', '--steps', '4',
           '--log-every', '1', *QUIET, '--out', str(tmp_path / 'R2')]
    try: r = subprocess.run(cmd, capture_output=True, text=True, timeout=240)
    except subprocess.TimeoutExpired: pytest.fail('two processes hung (DDP waiting for a gradient that never comes)')
    assert r.returncode == 0, r.stderr[-3000:]
    log = (tmp_path / 'R2' / 'log.csv').read_text().splitlines()
    assert len(log) == 5 and 'novel' in log[0]
    assert any(float(row.split(',')[log[0].split(',').index('novel')]) == 1.0 for row in log[1:]), 'no novel-view step ran'


# ---- VQ3D: both stages resume bit-exactly after SIGKILL; two processes (codebook restarts all-gathered) finish ----
VQ_SET = ['resolution=16', 'patch=4', 'width=32', 'heads=2', 'enc_layers=1', 'dec_layers=1', 'codebook_size=32', 'plane_channels=8',
          'plane_upsample=4', 'n_proposal=8', 'n_nerf=8', 'n_train_scenes=16', 'n_eval_scenes=2', 'd_channels=8', 'mlp_hidden=16',
          'restart_every=3']


def test_vq3d_both_stages_kill_and_resume_bit_identical(tmp_path):
    "Stage 1 (GAN phases, dead-code restarts every 3 steps) and Stage 2 (the prior on the Stage-1 codes): SIGKILL + --resume is bit-exact."
    s1 = ['train', 'vq3d', '--stage', '1', '--batch-size', '2', '--set', *VQ_SET, '--steps', '12', '--ckpt-every', '1', '--keep-ckpts', '40', *QUIET]
    run1, _ = _kill_and_resume(tmp_path, s1, 'stage1')
    log = (run1 / 'log.csv').read_text().splitlines()
    assert 'restarted' in log[0] or 'G/restarted' in log[0]
    s2 = ['train', 'vq3d', '--stage', '2', '--batch-size', '4', '--set', f'stage1_run={run1}', 'prior_layers=1', 'prior_width=16',
          'prior_heads=2', '--steps', '12', '--ckpt-every', '1', '--keep-ckpts', '40', *QUIET]
    _kill_and_resume(tmp_path, s2, 'stage2')            # the resumed run equals the uninterrupted one


def test_vq3d_two_processes_finish(tmp_path):
    "Stage 1 on 2 CPU processes (gloo): both GAN phases, codebook usage all-reduced, dead codes restarted from all-gathered outputs."
    torchrun = [sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node', '2', '--master_port', '29541']
    cmd = [*torchrun, '-m', 'threed_imagenet', 'train', 'vq3d', '--stage', '1', '--batch-size', '2', '--set', *VQ_SET, 'restart_every=2',
           '--steps', '4', '--log-every', '1', '--no-tensorboard', '--threads', '1', '--sample-every', '2', '--out', str(tmp_path / 'V2')]
    try: r = subprocess.run(cmd, capture_output=True, text=True, timeout=240)
    except subprocess.TimeoutExpired: pytest.fail('two VQ3D processes hung')
    assert r.returncode == 0, r.stderr[-3000:]
    log = (tmp_path / 'V2' / 'log.csv').read_text().splitlines()
    assert len(log) == 5 and (tmp_path / 'V2' / 'samples' / 'step_00000004.png').exists()   # sample grids on process 0 only
# ---- EpiGRAF: exact resume (both optimisers, EMA, ADA state, RNG) and two processes (R1's double backward under DDP) ----
EPI_SMALL = ['--batch-size', '4', '--set', 'resolution=16', 'patch=8', 'plane_resolution=16', 'n_coarse=8', 'n_fine=8',
             'bg_samples=4', 'n_train_scenes=16', 'r1_interval=4', 'ada_kimg=0.1']


def test_epigraf_kill_and_resume_is_bit_identical(tmp_path):
    "EpiGRAF: SIGKILL between checkpoints + --resume gives the same final weights as the uninterrupted run (both optimisers, EMA, ADA p, RNG)."
    # ada_target below any r_t = E[sign D(real)] >= -1: p rises at every adjustment, so its state is covered whatever D does
    args = ['train', 'epigraf', *EPI_SMALL, 'ada_target=-2', '--steps', '12', '--ckpt-every', '2', '--keep-ckpts', '20', *QUIET]
    _, a = _kill_and_resume(tmp_path, args, 'epigraf')
    assert float(a['model.ada.p']) > 0, 'the adaptive augmentation never moved: the test would not cover its state'


def test_epigraf_two_processes_finish(tmp_path):
    "EpiGRAF under torchrun with 2 CPU processes: G/D phases, lazy R1 (double backward) and ADA's all-reduce; a hang fails by timeout."
    torchrun = [sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node', '2', '--master_port', '29534']
    cmd = [*torchrun, '-m', 'threed_imagenet', 'train', 'epigraf', *EPI_SMALL, '--steps', '5', '--log-every', '1', *QUIET,
           '--out', str(tmp_path / 'R2')]
    try: r = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired: pytest.fail('two processes hung')
    assert r.returncode == 0, r.stderr[-3000:]
    log = (tmp_path / 'R2' / 'log.csv').read_text().splitlines()
    head = log[0].split(',')
    assert len(log) == 6 and 'D/r1' in head and 'G/loss' in head
    r1 = [row.split(',')[head.index('D/r1')] for row in log[1:]]
    assert r1[0] != '' and r1[4] != '', 'R1 ran at steps 0 and 4 (interval 4) under DDP'


# ---- 3DGP: exact resume (G with C and A, both optimisers incl. C's group, EMA, ADA, RNG) and two processes ----
GAN3D_SMALL = ['--batch-size', '4', '--set', 'resolution=16', 'patch=8', 'plane_resolution=16', 'n_coarse=8', 'n_fine=8',
               'n_train_scenes=16', 'r1_interval=4', 'ada_kimg=0.1', 'reg_samples=8', 'emd_anneal_kimg=0.01']


def test_gan3d_kill_and_resume_is_bit_identical(tmp_path):
    "3DGP: SIGKILL between checkpoints + --resume gives the same final weights as the uninterrupted run (C and its optimiser group too)."
    args = ['train', 'gan3d', *GAN3D_SMALL, '--steps', '12', '--ckpt-every', '2', '--keep-ckpts', '20', *QUIET]
    _, a = _kill_and_resume(tmp_path, args, 'gan3d')
    assert any(k.startswith('model.G.camera.') for k in a) and any(k.startswith('ema.camera.') for k in a), 'C is not checkpointed'


@pytest.mark.parametrize('reg', ['gp', 'emd'])
def test_gan3d_two_processes_finish(tmp_path, reg):
    "3DGP under torchrun with 2 CPU processes: the camera regulariser (GP: double backward through C), KD, lazy R1; a hang fails by timeout."
    port = {'gp': '29535', 'emd': '29536'}[reg]
    torchrun = [sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node', '2', '--master_port', port]
    cmd = [*torchrun, '-m', 'threed_imagenet', 'train', 'gan3d', *GAN3D_SMALL, f'camera_reg={reg}', '--steps', '5', '--log-every', '1',
           *QUIET, '--out', str(tmp_path / 'R2')]
    try: r = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired: pytest.fail('two processes hung')
    assert r.returncode == 0, r.stderr[-3000:]
    log = (tmp_path / 'R2' / 'log.csv').read_text().splitlines()
    head = log[0].split(',')
    assert len(log) == 6 and 'D/kd' in head and f'G/cam_{reg}' in head and 'D/r1' in head
