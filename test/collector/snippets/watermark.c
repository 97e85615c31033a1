/* Carries an XALT watermark note (format v2, docs/link.md) as the ld wrapper would embed it. */
#include <stdio.h>
__asm__(".section .note.xalt.info,\"a\",@note\n"
        ".balign 4\n"
        ".long 2f - 1f\n"      /* namesz */
        ".long 4f - 3f\n"      /* descsz */
        ".long 0x746c6158\n"   /* type "Xalt" */
        "1: .asciz \"XALT\"\n"
        "2: .balign 4\n"
        "3: .byte 2\n"
        ".asciz \"<XALT_Version>%%3.0.2%%\"\n"
        ".asciz \"<Build_compiler>%%gcc%%\"\n"
        ".asciz \"<Build_UUID>%%0190a2b3-c4d5-7e6f-8a9b-0c1d2e3f4a5b%%\"\n"
        ".asciz \"<Build_date>%%Fri_%_%_Jul_%_%_16%%\"\n"
        ".asciz \"<Build_Epoch>%%1626474753.1234%%\"\n"
        "4: .balign 4\n"
        ".text\n");
int main(void) { printf("watermarked\n"); return 0; }
