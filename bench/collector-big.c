/* A 32 MiB executable (initialised data is stored in the file): the SHA-1 cache bench. */
static const char big[32 << 20] = {1};
int main(void) { return big[12345]; }
