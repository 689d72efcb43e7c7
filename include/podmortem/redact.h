/*
 * redact.h - removing secrets from collected output before it reaches
 * the bundle.
 *
 * Owns: the keyed token a redacted value becomes
 * ("***REDACTED-<12 hex>***", SipHash-2-4 of the value under a per-bundle
 * random key, so equal values give equal tokens within one bundle and
 * nothing can be recovered across bundles), the "does this key name look
 * secret" test, line-wise text redaction (bearer/basic tokens,
 * credentials in URLs, PEM private keys, cloud access keys, JWTs,
 * key=value / key: value pairs with secret-looking keys) and structural
 * JSON redaction (Secret data, env values, secret-looking keys,
 * last-applied-configuration annotations, then text rules on every
 * string).  Nothing here prints or allocates beyond the caller's caps.
 */
#ifndef PODMORTEM_REDACT_H
#define PODMORTEM_REDACT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "podmortem/buf.h"

#define PM_REDACT_TOKEN_MAX 32 /* "***REDACTED-0123456789ab***" + NUL */
#define PM_REDACT_PEM_MAX (64u << 10)

struct pm_redactor {
	uint64_t k0, k1;
	int enabled; /* 0: only Secret data is stripped (never optional) */
};

/* Line-wise state, carried across lines of one stream. */
struct pm_redact_state {
	int in_pem;              /* inside a multi-line private key block */
	struct pm_buf pem;       /* its body, capped, to make the token */
	long count;              /* redactions made so far */
};

void pm_redactor_init(struct pm_redactor *r, const unsigned char key[16],
		      int enabled);
/* Key from getrandom()/urandom; returns PM_EIO when no randomness. */
int pm_redactor_init_random(struct pm_redactor *r, int enabled);

void pm_redact_token(const struct pm_redactor *r, const char *v, size_t n,
		     char out[PM_REDACT_TOKEN_MAX]);
/* 1 when a key/variable name like DB_PASSWORD or clientSecret names a secret. */
int pm_redact_key_is_secret(const char *key, size_t n);

void pm_redact_state_init(struct pm_redact_state *st);
void pm_redact_state_release(struct pm_redact_state *st);
/*
 * Appends the redacted form of one line (without its newline) to out.
 * Inside a PEM block lines are swallowed until the END line.
 */
int pm_redact_line(const struct pm_redactor *r, struct pm_redact_state *st,
		   const char *line, size_t n, struct pm_buf *out);
/* Ends a stream: a PEM block still open becomes one token. */
int pm_redact_finish(const struct pm_redactor *r, struct pm_redact_state *st,
		     struct pm_buf *out);
/* Whole multi-line text; adds to *count. */
int pm_redact_text(const struct pm_redactor *r, const char *s, size_t n,
		   struct pm_buf *out, long *count);

/* Flags of pm_redact_json. */
#define PM_REDACT_SECRET_LIST 1 /* every item is a Secret (kubectl get secrets) */

/*
 * Redacts a parsed JSON document in place; adds to *count.  Secret data
 * and their last-applied annotations are replaced even when the
 * redactor is disabled.
 */
int pm_redact_json(const struct pm_redactor *r, json_t *root, int flags,
		   long *count);

#endif
