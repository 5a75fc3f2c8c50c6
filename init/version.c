// SPDX-License-Identifier: GPL-2.0
#include <linux/init.h>
#include <generated/compile.h>

const char carto_banner[] =
	"carto version " CARTO_VERSION " (" CARTO_GIT ") (" CARTO_COMPILER ") #1 SMP";
