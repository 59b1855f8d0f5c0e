/* The x86 corpus builder is shared with the benchmark: one source, compiled
 * into the test runtime here (bench/common/corpus_x86.c, owner x86tools). */
#include "bench/common/corpus_x86.c"
