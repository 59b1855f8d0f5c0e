/* The `mmioemu` CLI: subcommand entry points. Each subcommand lives in its own
 * tools/cli/cmd_<name>.c, parses its own arguments (argv[0] is the subcommand
 * name), prints its own `--help`, and returns the process exit status
 * (0 ok, 1 a decode/emulation result was an error, 2 usage error).
 * main.c lists a subcommand only when its function is linked in. */
#ifndef MMIOEMU_CLI_H
#define MMIOEMU_CLI_H

int cli_decode(int argc, char **argv);  /* tools/cli/cmd_decode.c  (issue 3) */
int cli_emulate(int argc, char **argv); /* tools/cli/cmd_emulate.c (issue 4) */

#endif
