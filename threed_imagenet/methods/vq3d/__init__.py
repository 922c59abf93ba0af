"""VQ3D (Sargent et al., ICCV 2023): a vector-quantised image -> NeRF autoencoder (Stage 1) and a class-conditional autoregressive prior over its codes (Stage 2)."""
