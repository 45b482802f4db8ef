/*
 * basedb_int - what the pieces of the baseline database (basedb.c, the
 * scan in basedb_scan.c, the writer in basedb_fmt.c and the parser in
 * basedb_parse.c) share and nobody else needs.
 */
#ifndef STRANGER_LIB_BASEDB_INT_H
#define STRANGER_LIB_BASEDB_INT_H

#include "lib/baseline/basedb.h"

/* a new zeroed entry at the end of db->e (which may move) */
struct basedb_entry *basedb_add_entry(struct basedb *db);
/* frees what an entry owns, not the entry */
void basedb_entry_release(struct basedb_entry *e);
/* qsort order of entries: by path, bytewise */
int basedb_entry_cmp(const void *x, const void *y);

#endif
