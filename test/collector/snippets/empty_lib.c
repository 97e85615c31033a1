/* An empty shared library: a stand-in for libcudart.so, and the loader-floor baseline of the bench. */
int xalt_test_empty_lib_marker;
