/* Internal invariant checks: trap in debug builds, vanish in release.
 * Never used on caller input: input errors return a status. */
#ifndef MMIOEMU_LIB_BUG_H
#define MMIOEMU_LIB_BUG_H

#ifdef MMIOEMU_DEBUG
#define MMIOEMU_BUG_ON(cond)                                                                       \
    do {                                                                                           \
        if (cond)                                                                                  \
            __builtin_trap();                                                                      \
    } while (0)
#else
#define MMIOEMU_BUG_ON(cond) ((void)0)
#endif

#define MMIOEMU_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
