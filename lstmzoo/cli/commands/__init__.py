"""One module per ``lstmzoo`` subcommand; each handler takes the arguments after the
subcommand's name and returns the exit code (:data:`lstmzoo.cli.dispatch.SUBCOMMANDS`)."""
