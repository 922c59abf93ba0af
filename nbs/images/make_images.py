"""The pictures of the README and index.ipynb: a short tiny-G3DR run on the synthetic set, shown on held-out scenes.

One command, from the repository root (about 4 minutes on 2 CPU cores; on a shared machine put it under the lock):

    flock /work/cpu.lock python nbs/images/make_images.py

It trains `threed_imagenet train g3dr --preset tiny --steps 300 --out RUN --threads 2` (RUN: a temporary folder, or
`--run DIR` to keep it; a finished run there is reused), then renders scenes of the fixed synthetic evaluation split
(never seen in training) and writes, beside this file:

- `g3dr_views.png`: for two scenes, the input and six novel cameras (yaw -30 ... +30 degrees): ground truth, G3DR,
  the flat baseline (the input image on a plane), the reprojection baseline (input pixels splatted with
  their depth), the disocclusion mask (white: surface the input camera did not see), and true and G3DR depth; labelled, upscaled with nearest;
- `g3dr_orbit.gif`: G3DR's reconstruction of the same two scenes turned from yaw -0.5 to +0.5 rad and back, colour
  and depth;
- `make_images.json`: the command, the training time and the mean PSNR of G3DR, the flat and the reprojection baselines at each of the
  eight evaluation cameras over all 32 held-out scenes (what the captions may quote).
"""
import argparse, json, math, subprocess, sys, tempfile, time
from pathlib import Path
import torch
from PIL import Image
from threed_imagenet.metrics import flat_baseline, psnr
from threed_imagenet.metrics.novel_views import reprojection_baseline, disocclusion_mask
from threed_imagenet.viz import labelled_grid, png_bytes, depth_to_rgb, to_uint8
from threed_imagenet.methods.g3dr.data import g3dr_data, to_canonical_frame
from threed_imagenet.methods.g3dr.evaluate import load_g3dr, g3dr_predictor, reconstruct

HERE = Path(__file__).resolve().parent


def train(run: Path, steps: int, threads: int) -> tuple[list, float]:
    "Train the tiny preset into `run` through the command line (skipped if `run` already holds a finished run)."
    cmd = ['threed_imagenet', 'train', 'g3dr', '--preset', 'tiny', '--steps', str(steps), '--out', str(run), '--threads', str(threads)]
    if (run / 'method.json').exists() and json.loads((run / 'method.json').read_text())['config']['steps'] == steps \
            and any((run / 'ckpt').glob(f'step_{steps:08d}*')):
        print('reusing the finished run in', run); return cmd, float('nan')
    t0 = time.time()
    subprocess.run([sys.executable, '-m', 'threed_imagenet', *cmd[1:], '--no-progress', '--no-tensorboard'], check=True)
    return cmd, time.time() - t0


def depth_colours(depths: list, lo: float, hi: float) -> torch.Tensor:
    "Depth maps (each (1, 1, H, W)) coloured on one range [lo, hi] (near = red)."
    return torch.cat([depth_to_rgb(d.clamp(lo, hi), lo, hi) for d in depths])


def views_picture(model, b, scenes: list, path: Path):
    "The labelled grid of `g3dr_views.png` for scenes `scenes` of the evaluation batch `b`."
    predict = g3dr_predictor(model)
    keep = [k for k, (y, p) in enumerate(b['novel_offsets']) if p == 0]          # the six yaw cameras
    rows = {}
    for n, j in enumerate(scenes):
        sl, cams = slice(j, j + 1), [b['camera'][j]] + [b['novel_cameras'][k][j] for k in keep]
        img, dep = b['image'][sl], b['depth'][sl]
        g3 = [predict(img, dep, b['camera'][j], c) for c in cams]
        true_d = [dep] + [b['novel_depths'][k][sl] for k in keep]
        lo, hi = dep.min().item(), dep.median().item()                             # the nearer half of the input view's depths
        rows[f'scene {n + 1}: truth'] = torch.cat([img] + [b['novel_images'][k][sl] for k in keep])
        rows[f'scene {n + 1}: G3DR'] = torch.cat([r for r, _ in g3]).clamp(0, 1)
        rows[f'scene {n + 1}: flat baseline'] = torch.cat([flat_baseline(img, dep, b['camera'][j], c)[0] for c in cams]).clamp(0, 1)
        rows[f'scene {n + 1}: reprojection'] = torch.cat([reprojection_baseline(img, dep, b['camera'][j], c)[0] for c in cams]).clamp(0, 1)
        dis = [disocclusion_mask(dep, b['camera'][j], td, c).float() for td, c in zip(true_d, cams)]   # white: unseen by the input
        rows[f'scene {n + 1}: disoccluded'] = torch.cat(dis).expand(-1, 3, -1, -1)
        rows[f'scene {n + 1}: true depth'] = depth_colours(true_d, lo, hi)
        rows[f'scene {n + 1}: G3DR depth'] = depth_colours([d for _, d in g3], lo, hi)
    cols = ['input view'] + [f'yaw {math.degrees(b["novel_offsets"][k][0]):+.0f} deg' for k in keep]
    path.write_bytes(png_bytes(labelled_grid(rows, col_labels=cols, scale=3)))


def orbit_gif(model, b, scenes: list, path: Path, n: int = 12, span: float = 0.5):
    "`g3dr_orbit.gif`: the scenes' reconstructions from yaw -span to +span and back, colour over depth, labelled."
    cfg = model.cfg
    idx = torch.tensor(scenes)
    d, _ = to_canonical_frame(b['depth'][idx], cfg)
    yaws = torch.linspace(-span, span, n).tolist()
    rec = reconstruct(model, b['image'][idx], d, yaws=yaws, fov=b['camera'].fov[idx])   # rgb (S, V, 3, H, W), depth (S, V, 1, H, W)
    lo, hi = d.min().item(), d.median().item()
    frames = []
    for v in list(range(n)) + list(range(n - 2, 0, -1)):                         # there and back
        rows = {'G3DR': rec['rgb'][:, v].clamp(0, 1), 'depth': depth_colours([x[None] for x in rec['depth'][:, v]], lo, hi)}
        g = labelled_grid(rows, col_labels=[f'scene {k + 1}, yaw {yaws[v]:+.2f}' for k in range(len(scenes))], scale=3)
        frames.append(Image.fromarray(to_uint8(g)).quantize(colors=96, dither=Image.Dither.NONE))   # small: no dither noise
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=120, loop=0, optimize=True)


@torch.no_grad()
def camera_psnr(model, batches) -> dict:
    "Mean PSNR of G3DR and of the flat baseline at each evaluation camera over all scenes of `batches`."
    predict, out = g3dr_predictor(model), {}
    for k, (yaw, pitch) in enumerate(batches[0]['novel_offsets']):
        s = {'g3dr': [], 'flat': [], 'reprojection': []}
        for b in batches:
            gt = b['novel_images'][k]
            s['g3dr'].append(psnr(predict(b['image'], b['depth'], b['camera'], b['novel_cameras'][k])[0].clamp(0, 1), gt))
            s['flat'].append(psnr(flat_baseline(b['image'], b['depth'], b['camera'], b['novel_cameras'][k])[0].clamp(0, 1), gt))
            s['reprojection'].append(psnr(reprojection_baseline(b['image'], b['depth'], b['camera'], b['novel_cameras'][k])[0].clamp(0, 1), gt))
        out[f'yaw {math.degrees(yaw):+.0f}, pitch {math.degrees(pitch):+.0f}'] = {m: float(torch.cat(v).mean()) for m, v in s.items()}
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--steps', type=int, default=300, help='training steps of the tiny preset (default 300)')
    ap.add_argument('--run', default=None, help='run folder to train into and keep (default: a temporary folder)')
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--scenes', type=int, nargs=2, default=(7, 11), help='two scenes of the evaluation split to show')
    ap.add_argument('--out', default=str(HERE), help='folder for the pictures and the JSON (default: beside this script)')
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        run = Path(a.run or Path(tmp) / 'run')
        cmd, seconds = train(run, a.steps, a.threads)
        model = load_g3dr(run)
        _, ev = g3dr_data(None, model.cfg, n_train=0)                              # the fixed evaluation split (32 scenes)
        views_picture(model, ev[0], list(a.scenes), out / 'g3dr_views.png')
        orbit_gif(model, ev[0], list(a.scenes), out / 'g3dr_orbit.gif')
        info = dict(command=' '.join(cmd).replace(str(run), 'RUN'), steps=a.steps,
                    train_seconds=round(seconds, 1), torch_threads=a.threads, scenes_shown=list(a.scenes),
                    n_eval_scenes=sum(len(b['image']) for b in ev), psnr_per_camera=camera_psnr(model, ev),
                    made_by='python nbs/images/make_images.py')
    (out / 'make_images.json').write_text(json.dumps(info, indent=1))
    for f in ('g3dr_views.png', 'g3dr_orbit.gif'): print(f, (out / f).stat().st_size // 1024, 'KB')
    print(json.dumps(info, indent=1))


if __name__ == '__main__':
    main()
