"""One module per `editorial` command: each is the only code that sequences reading (the
workspace, git), judging (the core) and writing or printing for its command. `run(args, ws)`
is what the CLI calls; the exit status is the contract's (0 good, 1 problems, 2 cannot run)."""
