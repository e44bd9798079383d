/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cxx.cpp - gwroute.h from C++11 (-pedantic -Werror -Wall -Wextra): the
 * extern "C" block, the initializer macros and the enums must all work.
 * Only compiled (-fsyntax-only), never run.
 */
#include <cstddef>
#include <type_traits>

#include "gwroute.h"

static_assert(std::is_standard_layout<gwr_error>::value, "gwr_error is plain C");
static_assert(std::is_standard_layout<gwr_request>::value, "gwr_request is plain C");
static_assert(std::is_standard_layout<gwr_allocator>::value, "gwr_allocator is plain C");
static_assert(GWR_E_STATE == -9, "status values are pinned");
static_assert(offsetof(gwr_request, struct_size) == 0, "struct_size first");

namespace {

/* A RAII owner is what C++ hosts write first; it must compile cleanly. */
struct table_ref {
  gwr_table *t;
  explicit table_ref(gwr_table *table) : t(table) {}
  table_ref(const table_ref &other) : t(gwr_table_ref(other.t)) {}
  table_ref &operator=(const table_ref &) = delete;
  ~table_ref() { gwr_table_unref(t); }
};

int run() {
  gwr_error err = GWR_ERROR_INIT;
  gwr_allocator alloc = GWR_ALLOCATOR_INIT;
  gwr_request req = GWR_REQUEST_INIT;
  gwr_config *cfg = nullptr;
  gwr_table *t = nullptr;
  int rc = gwr_config_new(&cfg, &alloc);
  if (rc == GWR_OK) rc = gwr_table_compile(&t, cfg, &err);
  gwr_config_free(cfg);
  table_ref owner(t);
  table_ref copy(owner);
  gwr_decision *d = nullptr;
  if (rc == GWR_OK) rc = gwr_decision_new(&d, copy.t);
  if (rc == GWR_OK) rc = gwr_match(d, copy.t, &req);
  int32_t action = gwr_decision_action(d);
  gwr_decision_free(d);
  return rc == GWR_E_NOTFOUND && action == GWR_ACTION_NONE ? 0 : 1;
}

}  /* namespace */

int main() { return run(); }
