#include "lib/baseline/basedb.h"
#include "lib/baseline/basedb_int.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

static const char *const field_names[BASEDB_NFIELDS] = {
	"type",	  "mode",  "uid",   "gid",   "size",  "sha256",
	"target", "inode", "nlink", "mtime", "ctime",
};

void basedb_init(struct basedb *db)
{
	memset(db, 0, sizeof(*db));
}

void basedb_entry_release(struct basedb_entry *e)
{
	free(e->path);
	free(e->target);
}

void basedb_release(struct basedb *db)
{
	for (size_t i = 0; i < db->n; i++)
		basedb_entry_release(&db->e[i]);
	for (size_t i = 0; i < db->roots.n; i++)
		free((char *)db->roots.v[i]);
	for (size_t i = 0; i < db->excludes.n; i++)
		free((char *)db->excludes.v[i]);
	strlist_release(&db->roots);
	strlist_release(&db->excludes);
	free(db->e);
	free(db->created);
	free(db->host);
	free(db->db_path);
	basedb_init(db);
}

void basedb_add_root(struct basedb *db, const char *root)
{
	strlist_add(&db->roots, xstrdup(root));
}

void basedb_add_exclude(struct basedb *db, const char *pattern)
{
	strlist_add(&db->excludes, xstrdup(pattern));
}

struct basedb_entry *basedb_add_entry(struct basedb *db)
{
	if (db->n == db->alloc) {
		db->alloc = db->alloc ? 2 * db->alloc : 1024;
		db->e = xreallocarray(db->e, db->alloc, sizeof(*db->e));
	}
	memset(&db->e[db->n], 0, sizeof(db->e[0]));
	return &db->e[db->n++];
}

static char type_char(mode_t m)
{
	switch (m & S_IFMT) {
	case S_IFREG:
		return 'f';
	case S_IFDIR:
		return 'd';
	case S_IFLNK:
		return 'l';
	case S_IFCHR:
		return 'c';
	case S_IFBLK:
		return 'b';
	case S_IFIFO:
		return 'p';
	case S_IFSOCK:
		return 's';
	}
	return '?';
}

void basedb_entry_from_stat(struct basedb_entry *e, const struct stat *st)
{
	e->type = type_char(st->st_mode);
	e->mode = st->st_mode & 07777;
	e->uid = st->st_uid;
	e->gid = st->st_gid;
	e->size = (unsigned long long)st->st_size;
	e->ino = st->st_ino;
	e->nlink = st->st_nlink;
	e->mtime_sec = st->st_mtim.tv_sec;
	e->mtime_nsec = st->st_mtim.tv_nsec;
	e->ctime_sec = st->st_ctim.tv_sec;
	e->ctime_nsec = st->st_ctim.tv_nsec;
}

static int path_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	int c = memcmp(a, b, an < bn ? an : bn);
	if (c)
		return c;
	return an < bn ? -1 : an > bn;
}

int basedb_entry_cmp(const void *x, const void *y)
{
	const struct basedb_entry *a = x, *b = y;
	return path_cmp(a->path, a->path_len, b->path, b->path_len);
}

/* ---- comparing ---- */

unsigned basedb_diff(const struct basedb_entry *a, const struct basedb_entry *b)
{
	unsigned d = 0;

	if (a->type != b->type)
		d |= BASEDB_TYPE;
	if (a->mode != b->mode)
		d |= BASEDB_MODE;
	if (a->uid != b->uid)
		d |= BASEDB_UID;
	if (a->gid != b->gid)
		d |= BASEDB_GID;
	if (a->size != b->size)
		d |= BASEDB_SIZE;
	if (a->sha_state != b->sha_state ||
	    (a->sha_state == BASEDB_SHA_OK && memcmp(a->sha, b->sha, HASH_LEN)))
		d |= BASEDB_SHA256;
	if (!a->target != !b->target ||
	    (a->target && path_cmp(a->target, a->target_len, b->target, b->target_len)))
		d |= BASEDB_TARGET;
	if (a->ino != b->ino)
		d |= BASEDB_INODE;
	if (a->nlink != b->nlink)
		d |= BASEDB_NLINK;
	if (a->mtime_sec != b->mtime_sec || a->mtime_nsec != b->mtime_nsec)
		d |= BASEDB_MTIME;
	if (a->ctime_sec != b->ctime_sec || a->ctime_nsec != b->ctime_nsec)
		d |= BASEDB_CTIME;
	return d;
}

const char *basedb_field_name(unsigned bit)
{
	for (unsigned i = 0; i < BASEDB_NFIELDS; i++)
		if (bit == 1u << i)
			return field_names[i];
	return "?";
}

int basedb_parse_fields(const char *list, unsigned *bits)
{
	const char *p = list;

	*bits = 0;
	while (*p) {
		size_t n = strcspn(p, ",");
		unsigned i;
		for (i = 0; i < BASEDB_NFIELDS; i++)
			if (strlen(field_names[i]) == n && !memcmp(field_names[i], p, n))
				break;
		if (i == BASEDB_NFIELDS)
			return -1;
		*bits |= 1u << i;
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}
