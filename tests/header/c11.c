/* SPDX-License-Identifier: Apache-2.0 */
/*
 * c11.c - gwroute.h under -std=c11 -pedantic -Werror with extra warnings,
 * plus compile-time checks of what bindings rely on: pinned status values,
 * the version macros, and struct_size being the first member of every
 * versioned struct. Only compiled (-fsyntax-only), never run.
 */
#include <stddef.h>

#include "gwroute.h"

#define PINNED_(name, value, text) \
  _Static_assert(GWR_##name == (value), "GWR_" #name " is pinned to " #value);
GWR_STATUS_MAP(PINNED_)
#undef PINNED_

_Static_assert(GWR_OK == 0 && GWR_E_INVALID == -1 && GWR_E_STATE == -9,
               "status values are pinned");
_Static_assert(GWR_STATUS_LAST_ == GWR_E_STATE, "GWR_STATUS_LAST_ is the last code");
_Static_assert(GWR_VERSION_NUMBER == GWR_VERSION_MAJOR * 10000 +
                                         GWR_VERSION_MINOR * 100 +
                                         GWR_VERSION_PATCH,
               "GWR_VERSION_NUMBER");
_Static_assert(offsetof(gwr_error, struct_size) == 0, "gwr_error.struct_size first");
_Static_assert(offsetof(gwr_allocator, struct_size) == 0, "gwr_allocator.struct_size first");
_Static_assert(offsetof(gwr_request, struct_size) == 0, "gwr_request.struct_size first");
_Static_assert(sizeof(((gwr_error *)0)->message) == 1024, "message holds 1024 bytes");
_Static_assert(GWR_COUNT_OBJECTS == 1 && GWR_COUNT_PROBLEMS == 3, "counters pinned");
_Static_assert(GWR_OPT_REGEX_ORDER == 1 && GWR_OPT_MAX_YAML_ALIASES == 8, "options pinned");
_Static_assert(GWR_DI_STATUS == 1 && GWR_DI_HAS_BACKEND == 7, "int fields pinned");
_Static_assert(GWR_DS_LISTENER == 1 && GWR_DS_UPSTREAM_PATH == 14, "str fields pinned");
_Static_assert(GWR_ACTION_NONE == 0 && GWR_ACTION_REJECT == 4, "actions pinned");

static const gwr_error error_init = GWR_ERROR_INIT;
static const gwr_allocator allocator_init = GWR_ALLOCATOR_INIT;
static const gwr_request request_init = GWR_REQUEST_INIT;

int main(void) {
  gwr_config *cfg = NULL;
  gwr_error err = error_init;
  gwr_allocator alloc = allocator_init;
  gwr_request req = request_init;
  int rc = gwr_config_new(&cfg, &alloc);
  if (rc == GWR_OK) rc = gwr_config_load(cfg, "", 0, NULL, 0, &err);
  gwr_config_free(cfg);
  return rc == GWR_OK && req.struct_size == sizeof req ? 0 : 1;
}
