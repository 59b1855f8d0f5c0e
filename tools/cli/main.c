/* `mmioemu` CLI front end: --help, --version and the subcommand table.
 * Subcommands are weak references, so a table row appears only when its
 * cmd_*.c is linked: the CLI never lists a command that does not work. */
#include <stdio.h>
#include <string.h>

#include <mmioemu/mmioemu.h>

#include "cli.h"

/* Weak: resolve to NULL until the owning issue adds its cmd_*.c. */
#pragma weak cli_decode
#pragma weak cli_emulate

struct subcommand {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
};

static const struct subcommand *subcommands(size_t *n)
{
    static struct subcommand tab[] = {
        {"decode", NULL, "decode x86 / arm64 instructions into MMIO access descriptors"},
        {"emulate", NULL, "emulate one trapped instruction against a register state"},
    };
    /* Filled at run time: the address of a weak symbol is not a constant. */
    tab[0].fn = cli_decode;
    tab[1].fn = cli_emulate;
    *n = sizeof(tab) / sizeof(tab[0]);
    return tab;
}

static void print_backends(FILE *f)
{
    fprintf(f, "backends: native");
#ifdef MMIOEMU_HAVE_ZYDIS
    fprintf(f, " zydis");
#endif
#ifdef MMIOEMU_HAVE_CAPSTONE
    fprintf(f, " capstone");
#endif
    fprintf(f, "\n");
}

static void usage(FILE *f)
{
    size_t n;
    const struct subcommand *t = subcommands(&n);

    fprintf(f, "usage: mmioemu [--help | --version] <command> [args...]\n\n"
               "Decode and emulate instructions that trap on MMIO (x86 16/32/64-bit, arm64).\n\n"
               "commands:\n");
    for (size_t i = 0; i < n; i++)
        if (t[i].fn)
            fprintf(f, "  %-10s %s\n", t[i].name, t[i].summary);
    fprintf(f, "  %-10s %s\n", "help", "show this text, or `help <command>`");
    fprintf(f, "  %-10s %s\n", "version", "print the library version and built-in backends");
    fprintf(f, "\n`mmioemu <command> --help` describes each command.\n");
}

static int version(void)
{
    printf("mmioemu %s (header %s)\n", mmioemu_version(), MMIOEMU_VERSION_STRING);
    print_backends(stdout);
    return 0;
}

static const struct subcommand *find(const char *name)
{
    size_t n;
    const struct subcommand *t = subcommands(&n);

    for (size_t i = 0; i < n; i++)
        if (t[i].fn && strcmp(t[i].name, name) == 0)
            return &t[i];
    return NULL;
}

int main(int argc, char **argv)
{
    const struct subcommand *c;

    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        if (argc > 2 && strcmp(argv[1], "help") == 0) {
            char help[] = "--help";
            char *sub[] = {argv[2], help, NULL};
            c = find(argv[2]);
            if (c)
                return c->fn(2, sub);
            fprintf(stderr, "mmioemu: no command '%s'\n", argv[2]);
            return 2;
        }
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V") || !strcmp(argv[1], "version"))
        return version();
    c = find(argv[1]);
    if (!c) {
        fprintf(stderr, "mmioemu: unknown command '%s' (see mmioemu --help)\n", argv[1]);
        return 2;
    }
    return c->fn(argc - 1, argv + 1);
}
