"""Issue 10's curve: how the tiny G3DR's scores move with training steps, for both seeds of the README job.

The two 1000-step runs of `g3dr_demo_runs.json` keep checkpoints at steps 500, 750 and 1000. This script scores each with
`threed_imagenet evaluate CHECKPOINT --out DIR` (the same protocol as the demo: 32 held-out scenes x 8 cameras, flat and
reprojection baselines, all / visible / disoccluded pixels) and writes one record per (seed, step) to
nbs/methods/g3dr/g3dr_curve.json:

    THREED_THREADS=1 python nbs/methods/g3dr/g3dr_curve.py --run 0=/tmp/g3dr10/full_s0 --run 1=/tmp/g3dr10/full_s1 --out /work/runs/g3dr_curve
"""
import argparse, json, os, subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / 'g3dr_curve.json'


def mean(rows, method, key):
    v = [r[key] for r in rows if r['method'] == method]
    return sum(v) / len(v)


def record(seed: int, step: int, m: dict, command: str) -> dict:
    rows, out = m['rows'], dict(seed=seed, step=step, command=command, canonical_psnr=m['canonical']['psnr'],
                               canonical_abs_rel=m['canonical']['abs_rel'], n_eval_scenes=m['n_eval_scenes'])
    for meth in ('g3dr', 'reprojection', 'flat'):
        for k in ('psnr', 'psnr_disoccluded', 'abs_rel', 'abs_rel_disoccluded', m['perceptual_metric']):
            out[f'{meth}_{k}'] = mean(rows, meth, k)
    gaps = m['vs_reprojection']['g3dr_minus_reprojection']
    out['worst_gap_psnr'], out['best_gap_psnr'] = min(g['psnr'] for g in gaps), max(g['psnr'] for g in gaps)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--run', action='append', required=True, help='SEED=RUN_FOLDER of a 1000-step tiny run')
    ap.add_argument('--out', required=True, help='folder for the per-checkpoint evaluations')
    ap.add_argument('--steps', default='500,750,1000')
    a = ap.parse_args()
    recs = []
    for item in a.run:
        seed, run = item.split('=', 1)
        for step in map(int, a.steps.split(',')):
            ck = Path(run) / 'ckpt' / f'step_{step:08d}.safetensors'
            dest = Path(a.out) / f's{seed}_{step}'
            cmd = f'threed_imagenet evaluate {ck} --out {dest}'
            if not (dest / 'metrics.json').exists():
                dest.mkdir(parents=True, exist_ok=True)
                subprocess.run(cmd.split(), check=True, env=os.environ | {'THREED_THREADS': os.environ.get('THREED_THREADS', '1')})
            recs.append(record(int(seed), step, json.loads((dest / 'metrics.json').read_text()), cmd))
            print(f"seed {seed} step {step}: canonical {recs[-1]['canonical_psnr']:.2f} dB, novel PSNR g3dr {recs[-1]['g3dr_psnr']:.2f} "
                  f"vs reprojection {recs[-1]['reprojection_psnr']:.2f}", flush=True)
    RESULTS.write_text(json.dumps(recs, indent=1))
    print('written', RESULTS)


if __name__ == '__main__':
    main()
