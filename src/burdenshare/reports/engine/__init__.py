"""Executing one report notebook: papermill's steps on ordinary kernels or kernels forked from the warm process."""
