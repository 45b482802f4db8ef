#include "lib/baseline/basedb.h"
#include "lib/baseline/basedb_int.h"

#include <string.h>

#include "util/escape.h"

#define FIELDS_LINE "#fields path type mode uid gid size inode nlink mtime ctime sha256 target"

/* without printf: formatting is the one part of a baseline not spread
 * over the cores, and this is most of its time */
static void add_time(struct buf *out, long long sec, long nsec)
{
	char frac[10];

	if (sec < 0) {
		buf_addc(out, '-');
		buf_addu(out, 0ULL - (unsigned long long)sec);
	} else {
		buf_addu(out, (unsigned long long)sec);
	}
	frac[0] = '.';
	for (int i = 9; i >= 1; i--) {
		frac[i] = (char)('0' + nsec % 10);
		nsec /= 10;
	}
	buf_add(out, frac, sizeof(frac));
}

static void add_mode(struct buf *out, unsigned mode)
{
	char o[12];
	int i = (int)sizeof(o);

	do {
		o[--i] = (char)('0' + (mode & 7));
		mode >>= 3;
	} while (mode || i > (int)sizeof(o) - 4);
	buf_add(out, o + i, sizeof(o) - (size_t)i);
}

static void add_target(const struct basedb_entry *e, struct buf *out)
{
	if (!e->target)
		buf_addc(out, '-');
	else if (e->target_len == 1 && e->target[0] == '-')
		buf_addstr(out, "\\x2d");
	else
		escape_bytes_nospace(out, e->target, e->target_len);
}

static void add_sha(const struct basedb_entry *e, struct buf *out)
{
	char hex[HASH_HEX_LEN + 1];

	if (e->sha_state == BASEDB_SHA_OK) {
		hash_hex(e->sha, hex);
		buf_add(out, hex, HASH_HEX_LEN);
	} else {
		buf_addc(out, e->sha_state == BASEDB_SHA_UNREAD ? '?' : '-');
	}
}

void basedb_value(const struct basedb_entry *e, unsigned bit, struct buf *out)
{
	switch (bit) {
	case BASEDB_TYPE:
		buf_addc(out, e->type);
		break;
	case BASEDB_MODE:
		add_mode(out, e->mode);
		break;
	case BASEDB_UID:
		buf_addu(out, e->uid);
		break;
	case BASEDB_GID:
		buf_addu(out, e->gid);
		break;
	case BASEDB_SIZE:
		buf_addu(out, e->size);
		break;
	case BASEDB_SHA256:
		add_sha(e, out);
		break;
	case BASEDB_TARGET:
		add_target(e, out);
		break;
	case BASEDB_INODE:
		buf_addu(out, e->ino);
		break;
	case BASEDB_NLINK:
		buf_addu(out, e->nlink);
		break;
	case BASEDB_MTIME:
		add_time(out, e->mtime_sec, e->mtime_nsec);
		break;
	case BASEDB_CTIME:
		add_time(out, e->ctime_sec, e->ctime_nsec);
		break;
	}
}

void basedb_format_entry(const struct basedb_entry *e, struct buf *out)
{
	static const unsigned order[] = {
		BASEDB_TYPE,  BASEDB_MODE,   BASEDB_UID,    BASEDB_GID,
		BASEDB_SIZE,  BASEDB_INODE,  BASEDB_NLINK,  BASEDB_MTIME,
		BASEDB_CTIME, BASEDB_SHA256, BASEDB_TARGET,
	};

	escape_bytes_nospace(out, e->path, e->path_len);
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		buf_addc(out, ' ');
		basedb_value(e, order[i], out);
	}
	buf_addc(out, '\n');
}

static void header(struct buf *out, const char *key, const char *val)
{
	buf_addc(out, '#');
	buf_addstr(out, key);
	buf_addc(out, ' ');
	escape_bytes_nospace(out, val, strlen(val));
	buf_addc(out, '\n');
}

/*
 * format_db - the DB as text into out; with fd >= 0, written to fd a
 * megabyte at a time instead, so that a DB of a whole system is never
 * held twice in memory (and fresh pages are not touched a second time).
 * The checksum covers everything before its own line.  0 or -errno.
 */
static int format_db(const struct basedb *db, struct buf *out, int fd)
{
	enum { FLUSH = 1 << 20 };
	size_t start = out->len;
	unsigned char d[HASH_LEN];
	char hex[HASH_HEX_LEN + 1];
	struct hash_ctx h;
	int rc = 0;

	hash_init(&h);
	buf_addf(out, "#stranger-baseline %d\n", BASEDB_VERSION);
	header(out, "created", db->created ? db->created : "-");
	header(out, "host", db->host ? db->host : "-");
	buf_addf(out, "#options one_fs=%d\n", db->one_fs ? 1 : 0);
	for (size_t i = 0; i < db->excludes.n; i++)
		header(out, "exclude", db->excludes.v[i]);
	for (size_t i = 0; i < db->roots.n; i++)
		header(out, "root", db->roots.v[i]);
	if (db->db_path)
		header(out, "db", db->db_path);
	buf_addstr(out, FIELDS_LINE "\n");
	for (size_t i = 0; i < db->n; i++) {
		basedb_format_entry(&db->e[i], out);
		if (fd >= 0 && out->len - start >= FLUSH) {
			hash_update(&h, out->data + start, out->len - start);
			if (!rc)
				rc = buf_write_fd(out, fd);
			buf_setlen(out, start = 0);
		}
	}
	hash_update(&h, out->data + start, out->len - start);
	hash_final(&h, d);
	hash_hex(d, hex);
	buf_addstr(out, "#sha256 ");
	buf_add(out, hex, HASH_HEX_LEN);
	buf_addc(out, '\n');
	if (fd >= 0 && !rc)
		rc = buf_write_fd(out, fd);
	return rc;
}

void basedb_format(const struct basedb *db, struct buf *out)
{
	format_db(db, out, -1);
}

int basedb_write_fd(const struct basedb *db, int fd)
{
	struct buf b = BUF_INIT;
	int rc = format_db(db, &b, fd);

	buf_release(&b);
	return rc;
}
