/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * commands.h: the encmig commands, one function each.
 */

#ifndef __ENCMIG_COMMANDS_H__
#define __ENCMIG_COMMANDS_H__

/* Print "usage: encmig USAGE" on stderr; returns the exit code 2. */
int usage_error(const char *usage);

int cmd_demo(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_migrate_receive(int argc, char **argv);
int cmd_keygen(int argc, char **argv);

#endif /* __ENCMIG_COMMANDS_H__ */
