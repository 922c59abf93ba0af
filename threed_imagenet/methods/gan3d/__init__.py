"""3DGP (Skorokhodov et al., ICLR 2023): EpiGRAF with adversarial depth supervision, a learnable camera and distillation into D (notebooks nbs/methods/gan3d)."""
