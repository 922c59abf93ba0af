"""G3DR (Reddy et al., CVPR 2024): RGBD -> tri-planes with a depth-regularising gradient kernel (notebooks nbs/methods/g3dr)."""
