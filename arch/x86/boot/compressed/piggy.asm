; SPDX-License-Identifier: GPL-2.0
; The compressed kernel (Linux's piggy.S): lz4 legacy frame + 4-byte uncompressed size.
%include "generated/piggy.inc"

section .rodata.compressed progbits alloc noexec nowrite align=8
global input_data, input_data_end, kernel_text_vaddr, kernel_end_vaddr
input_data:
	incbin PAYLOAD
input_data_end:
align 8
kernel_text_vaddr:	dq KERNEL_TEXT_VADDR
kernel_end_vaddr:	dq KERNEL_END_VADDR
