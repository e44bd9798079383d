/* SPDX-License-Identifier: Apache-2.0 */
/*
 * report.c - the tooling's text buffer and the report strings it hands
 * out. A report carries its allocator in a small header in front of the
 * text, so gwr_report_free() needs nothing but the pointer.
 */
#include <stdio.h>

#include "report.h"

typedef struct report_head {
  gwr__alloc alloc;
  size_t len;
} report_head;

/* The text starts this far into the block: the header, rounded up. */
#define REPORT_OFFSET ((sizeof(report_head) + 15u) & ~(size_t)15u)

void gwr__buf_init(gwr__buf *b, const gwr__alloc *alloc) {
  memset(b, 0, sizeof *b);
  b->alloc = alloc;
}

void gwr__buf_free(gwr__buf *b) {
  if (b->data) gwr__free(b->alloc, b->data - REPORT_OFFSET);
  b->data = NULL;
  b->len = b->cap = 0;
}

static int reserve(gwr__buf *b, size_t extra) {
  size_t need, cap, bytes;
  char *block;
  if (b->failed) return 0;
  if (!gwr__add_ok(b->len, extra, &need) || !gwr__add_ok(need, 1, &need)) goto fail;
  if (need <= b->cap) return 1;
  cap = b->cap ? b->cap : 256;
  while (cap < need) {
    if (!gwr__mul_ok(cap, 2, &cap)) goto fail;
  }
  if (!gwr__add_ok(cap, REPORT_OFFSET, &bytes)) goto fail;
  block = gwr__malloc(b->alloc, bytes);
  if (!block) goto fail;
  if (b->data) {
    memcpy(block + REPORT_OFFSET, b->data, b->len + 1);
    gwr__free(b->alloc, b->data - REPORT_OFFSET);
  }
  b->data = block + REPORT_OFFSET;
  b->cap = cap;
  return 1;
fail:
  b->failed = 1;
  return 0;
}

void gwr__buf_put(gwr__buf *b, const char *p, size_t n) {
  if (!reserve(b, n)) return;
  if (n) memcpy(b->data + b->len, p, n);
  b->len += n;
  b->data[b->len] = '\0';
}

void gwr__buf_puts(gwr__buf *b, const char *s) { gwr__buf_put(b, s, strlen(s)); }

void gwr__buf_printf(gwr__buf *b, const char *fmt, ...) {
  va_list ap;
  int n;
  char small[256];
  va_start(ap, fmt);
  n = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if ((size_t)n < sizeof small) {
    gwr__buf_put(b, small, (size_t)n);
    return;
  }
  if (!reserve(b, (size_t)n)) return;
  va_start(ap, fmt);
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
}

/* Length of the valid UTF-8 sequence at p (1..4), or 0. */
static size_t utf8_len(const unsigned char *p, size_t n) {
  size_t len, i;
  uint32_t cp;
  if (p[0] < 0x80) return 1;
  if (p[0] >= 0xC2 && p[0] <= 0xDF) len = 2, cp = p[0] & 0x1Fu;
  else if (p[0] >= 0xE0 && p[0] <= 0xEF) len = 3, cp = p[0] & 0x0Fu;
  else if (p[0] >= 0xF0 && p[0] <= 0xF4) len = 4, cp = p[0] & 0x07u;
  else return 0;
  if (n < len) return 0;
  for (i = 1; i < len; i++) {
    if ((p[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (p[i] & 0x3Fu);
  }
  if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
      (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
    return 0;
  return len;
}

/* JSON string literals double as YAML double-quoted scalars (convert.c),
 * so DEL and the C1 controls are escaped too. */
void gwr__buf_json_str(gwr__buf *b, const char *p, size_t n) {
  const unsigned char *s = (const unsigned char *)p;
  size_t i = 0;
  gwr__buf_put(b, "\"", 1);
  while (i < n) {
    size_t run = utf8_len(s + i, n - i);
    unsigned char c = s[i];
    if (run == 1 && c >= 0x20 && c != 0x7f && c != '"' && c != '\\') {
      gwr__buf_put(b, p + i, 1);
    } else if (run == 2 && c == 0xC2 && s[i + 1] < 0xA0) {
      /* C1 controls (U+0080-U+009F): valid JSON raw, but not YAML */
      gwr__buf_printf(b, "\\u%04x", s[i + 1]);
      i += 2;
      continue;
    } else if (run > 1) {
      gwr__buf_put(b, p + i, run);
      i += run;
      continue;
    } else if (c == '"' || c == '\\') {
      char esc[2] = {'\\', (char)c};
      gwr__buf_put(b, esc, 2);
    } else if (c == '\n') {
      gwr__buf_puts(b, "\\n");
    } else if (c == '\t') {
      gwr__buf_puts(b, "\\t");
    } else if (c == '\r') {
      gwr__buf_puts(b, "\\r");
    } else {
      gwr__buf_printf(b, "\\u%04x", c);
    }
    i++;
  }
  gwr__buf_put(b, "\"", 1);
}

void gwr__buf_json_sv(gwr__buf *b, gwr__sv s) { gwr__buf_json_str(b, s.ptr, s.len); }

void gwr__buf_text_sv(gwr__buf *b, gwr__sv s) {
  size_t i;
  for (i = 0; i < s.len; i++) {
    unsigned char c = (unsigned char)s.ptr[i];
    if (c < 0x20 || c == 0x7f)
      gwr__buf_printf(b, "\\x%02x", c);
    else
      gwr__buf_put(b, s.ptr + i, 1);
  }
}

int gwr__buf_finish(gwr__buf *b, char **out) {
  report_head *h;
  if (!reserve(b, 0)) {
    gwr__buf_free(b);
    return GWR_E_NOMEM;
  }
  h = (report_head *)(void *)(b->data - REPORT_OFFSET);
  h->alloc = *b->alloc;
  h->len = b->len;
  *out = b->data;
  b->data = NULL;
  b->len = b->cap = 0;
  return GWR_OK;
}

void gwr_report_free(char *report) {
  report_head *h;
  gwr__alloc a;
  if (!report) return;
  h = (report_head *)(void *)(report - REPORT_OFFSET);
  a = h->alloc;
  gwr__free(&a, h);
}

const char *gwr__action_name(int32_t action) {
  switch (action) {
    case GWR_ACTION_FORWARD: return "forward";
    case GWR_ACTION_REDIRECT: return "redirect";
    case GWR_ACTION_RESPOND: return "respond";
    case GWR_ACTION_REJECT: return "reject";
    default: return "none";
  }
}

const char *gwr__request_protocol_name(int32_t protocol) {
  switch (protocol) {
    case GWR_PROTOCOL_GRPC: return "grpc";
    case GWR_PROTOCOL_TLS: return "tls";
    case GWR_PROTOCOL_TCP: return "tcp";
    case GWR_PROTOCOL_UDP: return "udp";
    default: return "http";
  }
}
