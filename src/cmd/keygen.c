/*
 * keygen - the key pair that signs baselines.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmds.h"
#include "lib/baseline/sign.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/escape.h"
#include "util/opt.h"

static const char *const usage[] = {
	"stranger keygen -o NAME",
	"",
	"Make an Ed25519 key pair for signing baselines: NAME.key (the private",
	"key, mode 0600: keep it off the host, with the responder) and NAME.pub",
	"(the public key, which `stranger verify --key` needs).  PEM files that",
	"`openssl pkey` reads.  Neither file may exist.",
	NULL,
};

int cmd_keygen(int argc, char **argv)
{
	const char *name = NULL;
	const struct opt opts[] = {
		OPT_STRING('o', "output", &name, "NAME", "write NAME.key and NAME.pub"),
		OPT_END(),
	};
	struct buf priv = BUF_INIT, pub = BUF_INIT, shown = BUF_INIT;
	int rc;

	argc = opt_parse(argc, argv, opts, usage, 0);
	if (argc)
		opt_usage_error(usage, "unexpected argument");
	if (!name)
		opt_usage_error(usage, "-o NAME is required");
	buf_addf(&priv, "%s.key", name);
	buf_addf(&pub, "%s.pub", name);
	rc = sign_keygen(priv.data, pub.data);
	if (rc) {
		escape_str(&shown, rc == -EEXIST ? priv.data : name);
		die("%s: %s", shown.data, strerror(-rc));
	}
	escape_str(&shown, name);
	printf("%s.key: private key (keep it off the host)\n%s.pub: public key\n", shown.data,
	       shown.data);
	buf_release(&priv);
	buf_release(&pub);
	buf_release(&shown);
	return 0;
}
