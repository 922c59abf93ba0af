"""EpiGRAF (Skorokhodov et al., NeurIPS 2022): a patch-wise trained tri-plane NeRF GAN with a scale/location-aware discriminator."""
