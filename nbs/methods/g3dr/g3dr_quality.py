"""Issue 10 probes: why the tiny G3DR reconstructs its own input view at ~20 dB, and what fixes it.

Each call trains the tiny preset (with `--set` overrides) for `--steps` on the synthetic training set, then scores the
canonical (input-view) reconstruction of the 32 held-out scenes and every novel camera against the flat and the
reprojection baselines (all / visible / disoccluded pixels), and appends one record (with the exact command) to
nbs/methods/g3dr/g3dr_quality_runs.json. Reported runs go under the CPU lock with 2 threads:

    PYTHONPATH=$PWD flock /work/cpu.lock python nbs/methods/g3dr/g3dr_quality.py --name base-300 --steps 300
"""
import argparse, json, shlex, shutil, sys, time
from pathlib import Path
import torch
from threed_imagenet.core import set_cpu_threads
from threed_imagenet.methods.registry import train_method
from threed_imagenet.methods.g3dr.config import G3DRConfig
from threed_imagenet.methods.g3dr.data import g3dr_data, g3dr_train_data
from threed_imagenet.methods.g3dr.evaluate import canonical_scores, novel_view_table

HERE = Path(__file__).resolve().parent
RESULTS = HERE / 'g3dr_quality_runs.json'
CACHE = Path('/tmp/g3dr_quality'); CACHE.mkdir(exist_ok=True)
KEYS = ('psnr', 'psnr_visible', 'psnr_disoccluded', 'abs_rel', 'abs_rel_disoccluded', 'lpips-offline-encoder',
        'lpips-offline-encoder_disoccluded', 'disoccluded_frac')


def parse_set(items):
    kw = {}
    for s in items:
        k, _, v = s.partition('=')
        if k not in G3DRConfig.__dataclass_fields__: raise SystemExit(f'unknown config field {k!r}')
        try: kw[k] = json.loads(v)
        except json.JSONDecodeError: kw[k] = v
    return kw


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument('--name', required=True); ap.add_argument('--steps', type=int, default=300)
    ap.add_argument('--set', nargs='*', default=[]); ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--threads', type=int, default=2); ap.add_argument('--note', default='')
    a = ap.parse_args(argv)
    set_cpu_threads(a.threads)
    kw = parse_set(a.set)
    cfg = G3DRConfig.tiny(steps=a.steps, **kw)
    t0 = time.time()
    p = CACHE / f'train_R{cfg.resolution}_n{cfg.n_train_scenes}_s{a.seed}.pt'
    if p.exists(): train = torch.load(p, weights_only=False)
    else: train = g3dr_train_data(cfg, None, a.seed); torch.save(train, p)
    _, ev = g3dr_data(None, cfg, n_train=0)
    t_data = time.time() - t0
    out = CACHE / 'runs' / a.name; shutil.rmtree(out, ignore_errors=True)
    t0 = time.time()
    tr = train_method('g3dr', out, cfg, dataset=train, seed=a.seed, threads=a.threads, progress=False)
    t_train = time.time() - t0
    model = tr.method.model.eval()
    t0 = time.time()
    canon = canonical_scores(model, ev)
    tab = novel_view_table(model, ev)
    rows = [{k: r[k] for k in ('method', 'view', 'yaw_offset', 'pitch_offset', *KEYS) if k in r} for r in tab['rows']]
    rec = dict(name=a.name, steps=a.steps, seed=a.seed, threads=a.threads, overrides=kw, note=a.note,
               command='PYTHONPATH=$PWD flock /work/cpu.lock python nbs/methods/g3dr/g3dr_quality.py ' + ' '.join(shlex.quote(x) for x in (argv or sys.argv[1:])),
               canonical_psnr=canon['psnr'], canonical_abs_rel=canon['abs_rel'], train_seconds=t_train, data_seconds=t_data,
               eval_seconds=time.time() - t0, n_params=sum(p.numel() for p in model.parameters()),
               final_loss={k: tr.history[-1].get(k) for k in ('recon', 'depth', 'perc')} if tr.history else {},
               summary=tab['summary'], rows=rows)
    print(json.dumps({k: v for k, v in rec.items() if k != 'rows'}, indent=1, default=float), flush=True)
    runs = json.loads(RESULTS.read_text()) if RESULTS.exists() else []
    RESULTS.write_text(json.dumps(runs + [rec], indent=1, default=float))


DEMO_RESULTS = HERE / 'g3dr_demo_runs.json'

def record_run(run_dir, command, train_seconds=None, eval_seconds=None):
    "Append the compact record of a finished run + `threed_imagenet evaluate RUN` (RUN/metrics.json) to g3dr_demo_runs.json."
    m = json.loads((Path(run_dir) / 'metrics.json').read_text())
    info = json.loads((Path(run_dir) / 'method.json').read_text())
    rows = [{k: r[k] for k in ('method', 'view', 'yaw_offset', 'pitch_offset', *KEYS) if k in r} for r in m['rows']]
    rec = dict(command=command, method_json={k: v for k, v in info.items() if k != 'config'}, steps=m['config']['steps'],
               train_seconds=train_seconds, eval_seconds=eval_seconds, canonical=m['canonical'],
               vs_reprojection=m['vs_reprojection'], beats_flat_every_view=m['beats_flat_every_view'], table=m['table'],
               fid={k: m['distribution'][k]['fid']['value'] for k in ('g3dr', 'flat', 'reprojection')},
               overrides={k: v for k, v in m['config'].items() if k in ('plane_combine', 'input_skip', 'unet_out_norm', 'unet_channels', 'depth_reg')},
               rows=rows)
    runs = json.loads(DEMO_RESULTS.read_text()) if DEMO_RESULTS.exists() else []
    DEMO_RESULTS.write_text(json.dumps(runs + [rec], indent=1, default=float))
    print(m['table']); print(m['canonical'], m['vs_reprojection']['targets'])


if __name__ == '__main__':
    if sys.argv[1] == '--from-demo': record_run(sys.argv[2], sys.argv[3], *(float(x) for x in sys.argv[4:6]))
    else: main()
