/*
 * nfsprobe: one NFS operation through libnfs, entirely in user space, under any AUTH_SYS credential
 * (the URL's uid= and gid=), so one unprivileged-looking process can act as every test user.
 *
 *   nfsprobe URL OP [ARGS]
 *   URL  nfs://HOST/EXPORT/FILE?version=3|4&nfsport=N&mountport=N&uid=N&gid=N
 *   OP   stat | cat | creat MODE | write TEXT | chown UID GID | chmod MODE | access | unlink
 *
 * stat prints "uid=N gid=N mode=OCTAL size=N"; cat prints the file; access prints the mask the
 * server grants ("access=rw-"). Exit 0 = done; 1 = the server refused, after printing
 * "ERR <errno> <message>"; 2 = bad arguments, unparsable URL or failed mount (the server is not
 * there, or not ready yet).
 *
 * Built by nfs-server.ts: gcc -O2 -o nfsprobe nfsprobe.c -lnfs
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h> /* libnfs.h uses struct timeval without including it */
#include <unistd.h>

#include <nfsc/libnfs.h>

#define EXIT_REFUSED 1
#define EXIT_SETUP 2

static int parse_number(const char *s, int base, long *out) {
	char *end;
	*out = strtol(s, &end, base);
	return *s != '\0' && *end == '\0';
}

static int op_stat(struct nfs_context *nfs, const char *file) {
	struct nfs_stat_64 st;
	int rc = nfs_stat64(nfs, file, &st);
	if (rc == 0)
		printf("uid=%llu gid=%llu mode=%llo size=%llu\n", (unsigned long long)st.nfs_uid,
		       (unsigned long long)st.nfs_gid, (unsigned long long)(st.nfs_mode & 07777),
		       (unsigned long long)st.nfs_size);
	return rc;
}

static int op_cat(struct nfs_context *nfs, const char *file) {
	struct nfsfh *fh;
	char buf[8192];
	int n, rc = nfs_open(nfs, file, O_RDONLY, &fh);
	if (rc != 0)
		return rc;
	while ((n = nfs_read(nfs, fh, sizeof buf, buf)) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	nfs_close(nfs, fh);
	return n < 0 ? n : 0;
}

static int op_creat(struct nfs_context *nfs, const char *file, long mode) {
	struct nfsfh *fh;
	int rc = nfs_creat(nfs, file, (int)mode, &fh);
	if (rc == 0)
		nfs_close(nfs, fh);
	return rc;
}

static int op_write(struct nfs_context *nfs, const char *file, const char *text) {
	struct nfsfh *fh;
	size_t len = strlen(text);
	int n, rc = nfs_open(nfs, file, O_WRONLY | O_TRUNC, &fh);
	if (rc != 0)
		return rc;
	n = nfs_write(nfs, fh, len, text);
	rc = nfs_close(nfs, fh);
	if (n < 0)
		return n;
	return (size_t)n == len ? rc : -5; /* a short write: EIO */
}

static int op_access(struct nfs_context *nfs, const char *file) {
	int mask = nfs_access2(nfs, file);
	if (mask >= 0)
		printf("access=%c%c%c\n", mask & R_OK ? 'r' : '-', mask & W_OK ? 'w' : '-',
		       mask & X_OK ? 'x' : '-');
	return mask < 0 ? mask : 0;
}

static int usage(const char *why) {
	fprintf(stderr, "nfsprobe: %s\nusage: nfsprobe URL stat|cat|creat MODE|write TEXT|"
	                "chown UID GID|chmod MODE|access|unlink\n", why);
	return EXIT_SETUP;
}

int main(int argc, char **argv) {
	struct nfs_context *nfs;
	struct nfs_url *url;
	const char *op;
	long a = 0, b = 0;
	int rc;

	if (argc < 3)
		return usage("missing URL or operation");
	op = argv[2];
	/* validate the operation before touching the network */
	if (!strcmp(op, "creat") || !strcmp(op, "chmod")) {
		if (argc != 4 || !parse_number(argv[3], 8, &a))
			return usage("expected an octal MODE");
	} else if (!strcmp(op, "chown")) {
		if (argc != 5 || !parse_number(argv[3], 10, &a) || !parse_number(argv[4], 10, &b))
			return usage("expected UID GID");
	} else if (!strcmp(op, "write")) {
		if (argc != 4)
			return usage("expected TEXT");
	} else if (strcmp(op, "stat") && strcmp(op, "cat") && strcmp(op, "access") &&
	           strcmp(op, "unlink")) {
		return usage("unknown operation");
	} else if (argc != 3) {
		return usage("unexpected arguments");
	}

	nfs = nfs_init_context();
	if (nfs == NULL) {
		printf("ERR setup cannot create an NFS context\n");
		return EXIT_SETUP;
	}
	url = nfs_parse_url_full(nfs, argv[1]);
	if (url == NULL) {
		printf("ERR url %s\n", nfs_get_error(nfs));
		nfs_destroy_context(nfs);
		return EXIT_SETUP;
	}
	if (nfs_mount(nfs, url->server, url->path) != 0) {
		printf("ERR mount %s\n", nfs_get_error(nfs));
		nfs_destroy_url(url);
		nfs_destroy_context(nfs);
		return EXIT_SETUP;
	}

	if (!strcmp(op, "stat"))
		rc = op_stat(nfs, url->file);
	else if (!strcmp(op, "cat"))
		rc = op_cat(nfs, url->file);
	else if (!strcmp(op, "creat"))
		rc = op_creat(nfs, url->file, a);
	else if (!strcmp(op, "write"))
		rc = op_write(nfs, url->file, argv[3]);
	else if (!strcmp(op, "chown"))
		rc = nfs_chown(nfs, url->file, (int)a, (int)b);
	else if (!strcmp(op, "chmod"))
		rc = nfs_chmod(nfs, url->file, (int)a);
	else if (!strcmp(op, "access"))
		rc = op_access(nfs, url->file);
	else
		rc = nfs_unlink(nfs, url->file);

	fflush(stdout);
	if (rc < 0)
		printf("ERR %d %s\n", -rc, nfs_get_error(nfs));
	nfs_destroy_url(url);
	nfs_destroy_context(nfs);
	return rc < 0 ? EXIT_REFUSED : 0;
}
