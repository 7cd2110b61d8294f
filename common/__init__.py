"""The leaf layer: helpers every other newswatch package may use and that import none of them."""
