/* PLACEHOLDER CLI main: replaced by the subcommand framework (issue 2). */
#include <stdio.h>
#include <mmioemu/mmioemu.h>
int main(void)
{
    printf("mmioemu %s\n", mmioemu_version());
    return 0;
}
