"""ShellCheck on the shell scripts of Dockerfiles: which scripts, how positions map back, and
how the `shellcheck` binary is run (batched, on private temporary files, never through a shell).
"""
