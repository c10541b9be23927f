"""Danish ipywidgets panels that the thin notebooks build."""
