/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>
#include <unistd.h>

#include "ub-file-holder.h"

char *
ub_usb_node_path(guint8 bus, guint8 address)
{
	return g_strdup_printf("/dev/bus/usb/%03u/%03u", bus, address);
}

/* does one of @pid's open files resolve to @path */
static gboolean
ub_file_holder_pid_has(const char *pid, const char *path)
{
	g_autofree char *fd_dir = g_build_filename("/proc", pid, "fd", NULL);
	g_autoptr(GDir) dir = g_dir_open(fd_dir, 0, NULL);
	const char *fd;

	while (dir != NULL && (fd = g_dir_read_name(dir)) != NULL) {
		g_autofree char *link = g_build_filename(fd_dir, fd, NULL);
		g_autofree char *target = g_file_read_link(link, NULL);
		if (target != NULL && g_strcmp0(target, path) == 0)
			return TRUE;
	}
	return FALSE;
}

char *
ub_file_find_holder(const char *path)
{
	g_autoptr(GDir) proc = NULL;
	g_autofree char *real = NULL;
	g_autofree char *self = g_strdup_printf("%d", (int)getpid());
	const char *pid;

	g_return_val_if_fail(path != NULL, NULL);
	/* /proc shows where a descriptor really points */
	real = realpath(path, NULL);
	proc = g_dir_open("/proc", 0, NULL);
	while (proc != NULL && (pid = g_dir_read_name(proc)) != NULL) {
		g_autofree char *comm_path = NULL;
		g_autofree char *comm = NULL;

		if (!g_ascii_isdigit(pid[0]) || g_strcmp0(pid, self) == 0)
			continue;
		if (!ub_file_holder_pid_has(pid, real != NULL ? real : path))
			continue;
		comm_path = g_build_filename("/proc", pid, "comm", NULL);
		if (!g_file_get_contents(comm_path, &comm, NULL, NULL))
			return g_strdup_printf("pid %s", pid);
		return g_strdup_printf("%s (pid %s)", g_strstrip(comm), pid);
	}
	return NULL;
}
