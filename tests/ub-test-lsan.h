/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * LeakSanitizer and GLib's deliberate leaks, for the sanitizer build (tools/run-tests.sh,
 * tools/lsan.supp). GLib drops two kinds of blocks on purpose, keeping no pointer to them:
 *
 *   - with G_TEST_OPTION_ISOLATE_DIRS, every test gets new user directories and the old
 *     strings stay allocated (a caller may still hold them);
 *   - the quark table starts as a 16 KiB block made by GLib's constructor and is replaced,
 *     the old block kept, when a program makes its 2049th quark (a whole GTK window does).
 *
 * GLib says so to LeakSanitizer only when GLib itself was built with it. A suppression would
 * do, but the distributions' GLib has no frame pointers: ASan's fast unwinder stops at
 * g_malloc, so the stacks of these blocks name nothing to match. So the tests keep them
 * reachable instead, and a leak of ours is still one.
 *
 *   UB_TEST_ADD_FUNC("/core/cli/usage", test_cli_usage);    instead of g_test_add_func()
 *   ub_test_keep_user_dirs();    first thing in a fixture's set-up
 *   ub_test_forgive_glib_globals();    in main(), before GTK makes its quarks
 */
#pragma once

#include <glib.h>

#ifdef __SANITIZE_ADDRESS__
#define UB_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UB_TEST_ASAN 1
#endif
#endif

#ifdef UB_TEST_ASAN
#include <link.h>
#include <string.h>
/* from the sanitizer runtime (sanitizer/allocator_interface.h, lsan_interface.h, which not
 * every compiler installs) */
int __sanitizer_get_ownership(const volatile void *p);
void __lsan_ignore_object(const void *p);
#endif

/* the user directories GLib has now: reachable from here after GLib lets go of them */
static inline void
ub_test_keep_user_dirs(void)
{
	static GPtrArray *kept = NULL;

	if (kept == NULL)
		kept = g_ptr_array_new();
	g_ptr_array_add(kept, (gpointer)g_get_home_dir());
	g_ptr_array_add(kept, (gpointer)g_get_user_cache_dir());
	g_ptr_array_add(kept, (gpointer)g_get_user_config_dir());
	g_ptr_array_add(kept, (gpointer)g_get_user_data_dir());
	g_ptr_array_add(kept, (gpointer)g_get_user_state_dir());
	g_ptr_array_add(kept, (gpointer)g_get_user_runtime_dir());
	g_ptr_array_add(kept, (gpointer)g_get_system_config_dirs());
	g_ptr_array_add(kept, (gpointer)g_get_system_data_dirs());
}

static inline void
ub_test_run_keeping_user_dirs(gconstpointer data)
{
	GTestFunc func = (GTestFunc)data;

	ub_test_keep_user_dirs();
	func();
}

/* g_test_add_func() for a program that isolates its tests' directories */
#define UB_TEST_ADD_FUNC(path, func)                                                               \
	g_test_add_data_func((path), (gconstpointer)(func), ub_test_run_keeping_user_dirs)

#ifdef UB_TEST_ASAN
static inline int
ub_test_forgive_segments(struct dl_phdr_info *info, size_t size, void *data)
{
	if (info->dlpi_name == NULL || strstr(info->dlpi_name, "libglib-2.0.so") == NULL)
		return 0;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		guintptr start, end;

		if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_W))
			continue;
		start = (info->dlpi_addr + ph->p_vaddr + sizeof(gpointer) - 1) &
		        ~(guintptr)(sizeof(gpointer) - 1);
		end = info->dlpi_addr + ph->p_vaddr + ph->p_memsz;
		for (guintptr p = start; p + sizeof(gpointer) <= end; p += sizeof(gpointer)) {
			void *block = *(void *const *)p;
			if (block != NULL && __sanitizer_get_ownership(block))
				__lsan_ignore_object(block);
		}
	}
	return 1;
}
#endif

/* the blocks GLib's own variables point to now (its quark table among them) are GLib's for
 * the program's life: not reported when GLib drops them later */
static inline void
ub_test_forgive_glib_globals(void)
{
#ifdef UB_TEST_ASAN
	dl_iterate_phdr(ub_test_forgive_segments, NULL);
#endif
}
