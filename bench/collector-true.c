/* The smallest real program: the per-exec baseline. */
int main(void) { return 0; }
