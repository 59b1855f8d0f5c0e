/* Keeps the test support library non-empty. */
typedef int mmioemu_tests_empty_unit;
