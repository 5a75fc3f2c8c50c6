/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Basic kernel types. Built both freestanding (kernel, boot stub) and for the
 * host (tests/host), so only the compiler's freestanding headers are used.
 */
#ifndef _LINUX_TYPES_H
#define _LINUX_TYPES_H

#ifndef __ASSEMBLY__
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef unsigned long long u64; /* as Linux's int-ll64.h: printed with %ll */
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef long long s64;

typedef u64 phys_addr_t;
typedef unsigned long uintptr;

#endif /* __ASSEMBLY__ */
#endif /* _LINUX_TYPES_H */
