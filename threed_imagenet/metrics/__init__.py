"""Metrics: image quality, geometry and image fidelity scores (`metrics.scores`, nbs/09_metrics.ipynb) and the
novel-view protocol with its baselines (`metrics.novel_views`, nbs/09b_novel_views.ipynb). Hand-written (nbdev does
not write package __init__ files): every public name of both modules is importable as `threed_imagenet.metrics.<name>`;
keep the lists below equal to the modules' __all__ (a test in nbs/09b_novel_views.ipynb checks it)."""
from .scores import (PERCEPTUAL, Score, frechet_distance, feature_stats, fid_from_features, kid_from_features,
                     inception_score_from_logits, image_quality, non_flatness_score, cull_densities, nfs_weights,
                     culled_field, nfs_depth, render_nfs_depth, depth_to_unit,
                     unit_depth_descriptors, depth_kid_per_class, depth_accuracy, depth_errors, normal_consistency,
                     psnr, ssim, offline_perceptual_distance, perceptual_distance, scaled_density_field,
                     density_scaling_curve, format_table, load_images, cli_image_quality)
from .novel_views import (flat_baseline, reprojection_baseline, disocclusion_mask, view_scores, evaluate_novel_views,
                          novel_view_report)

__all__ = ['PERCEPTUAL', 'Score', 'frechet_distance', 'feature_stats', 'fid_from_features', 'kid_from_features',
           'inception_score_from_logits', 'image_quality', 'non_flatness_score', 'cull_densities', 'nfs_weights',
           'culled_field', 'nfs_depth', 'render_nfs_depth', 'depth_to_unit',
           'unit_depth_descriptors', 'depth_kid_per_class', 'depth_accuracy', 'depth_errors', 'normal_consistency',
           'psnr', 'ssim', 'offline_perceptual_distance', 'perceptual_distance', 'scaled_density_field',
           'density_scaling_curve', 'format_table', 'load_images', 'cli_image_quality', 'flat_baseline',
           'reprojection_baseline', 'disocclusion_mask', 'view_scores', 'evaluate_novel_views', 'novel_view_report']
