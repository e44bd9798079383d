/* SPDX-License-Identifier: Apache-2.0 */
/*
 * c89.c - gwroute.h must compile as strict C89 (-std=c89 -pedantic -Werror
 * -Wall -Wextra). Only compiled (-fsyntax-only), never run: it uses every
 * type, initializer macro and enum of the header once, and takes the
 * address of every function so a prototype mismatch is an error.
 */
#include "gwroute.h"

#define CHECK_STATUS_(name, value, text) (GWR_##name == (value)) &&

typedef int check_status_values[(GWR_STATUS_MAP(CHECK_STATUS_) 1) ? 1 : -1];
typedef int check_version[GWR_VERSION_NUMBER >= 100 ? 1 : -1];

static int use_types(void) {
  gwr_error err = GWR_ERROR_INIT;
  gwr_allocator alloc = GWR_ALLOCATOR_INIT;
  gwr_request req = GWR_REQUEST_INIT;
  gwr_header header;
  gwr_str s;
  enum gwr_status st = GWR_OK;
  enum gwr_count count = GWR_COUNT_OBJECTS;
  enum gwr_option opt = GWR_OPT_REGEX_ORDER;
  enum gwr_decision_int_field di = GWR_DI_STATUS;
  enum gwr_decision_str_field ds = GWR_DS_LISTENER;
  enum gwr_decision_header_list dh = GWR_DH_UPSTREAM;
  s.ptr = "x";
  s.len = 1;
  header.name = s;
  header.value = s;
  req.headers = &header;
  req.header_count = 1;
  req.protocol = GWR_PROTOCOL_HTTP;
  return (int)err.struct_size + (int)alloc.struct_size + (int)req.struct_size +
         (int)st + (int)count + (int)opt + (int)di + (int)ds + (int)dh +
         GWR_ACTION_NONE + GWR_REGEX_ORDER_ENVOY + GWR_PATH_NORMALIZE_NONE;
}

int main(void) {
  uint32_t (*version)(void) = gwr_version;
  const char *(*version_string)(void) = gwr_version_string;
  const char *(*strerror_fn)(int) = gwr_strerror;
  int (*config_new)(gwr_config **, const gwr_allocator *) = gwr_config_new;
  void (*config_free)(gwr_config *) = gwr_config_free;
  int (*config_load)(gwr_config *, const char *, size_t, const char *, size_t,
                     gwr_error *) = gwr_config_load;
  int (*config_load_path)(gwr_config *, const char *, size_t, gwr_error *) =
      gwr_config_load_path;
  size_t (*config_count)(const gwr_config *, int32_t) = gwr_config_count;
  int (*config_problem)(const gwr_config *, size_t, gwr_error *) =
      gwr_config_problem;
  int (*set_option)(gwr_config *, int32_t, int64_t) = gwr_config_set_option;
  int (*set_controller)(gwr_config *, const char *, size_t) =
      gwr_config_set_controller;
  int (*builder_new)(gwr_builder **, gwr_config *) = gwr_builder_new;
  void (*builder_free)(gwr_builder *) = gwr_builder_free;
  int (*set_string)(gwr_builder *, const char *, size_t, const char *,
                    size_t) = gwr_builder_set_string;
  int (*set_int)(gwr_builder *, const char *, size_t, int64_t) =
      gwr_builder_set_int;
  int (*set_bool)(gwr_builder *, const char *, size_t, int32_t) =
      gwr_builder_set_bool;
  int (*commit)(gwr_builder *, gwr_error *) = gwr_builder_commit;
  int (*compile)(gwr_table **, const gwr_config *, gwr_error *) =
      gwr_table_compile;
  gwr_table *(*table_ref)(gwr_table *) = gwr_table_ref;
  void (*table_unref)(gwr_table *) = gwr_table_unref;
  int (*status_json)(const gwr_table *, char *, size_t, size_t *) =
      gwr_table_status_json;
  int (*decision_new)(gwr_decision **, const gwr_table *) = gwr_decision_new;
  void (*decision_free)(gwr_decision *) = gwr_decision_free;
  int (*match)(gwr_decision *, const gwr_table *, const gwr_request *) =
      gwr_match;
  int32_t (*action)(const gwr_decision *) = gwr_decision_action;
  int64_t (*dint)(const gwr_decision *, int32_t) = gwr_decision_int;
  int (*dstr)(const gwr_decision *, int32_t, gwr_str *) = gwr_decision_str;
  size_t (*hcount)(const gwr_decision *, int32_t) = gwr_decision_header_count;
  int (*header)(const gwr_decision *, int32_t, size_t, gwr_header *) =
      gwr_decision_header;
  (void)version; (void)version_string; (void)strerror_fn; (void)config_new;
  (void)config_free; (void)config_load; (void)config_load_path;
  (void)config_count; (void)config_problem; (void)set_option;
  (void)set_controller; (void)builder_new; (void)builder_free;
  (void)set_string; (void)set_int; (void)set_bool; (void)commit;
  (void)compile; (void)table_ref; (void)table_unref; (void)status_json;
  (void)decision_new; (void)decision_free; (void)match; (void)action;
  (void)dint; (void)dstr; (void)hcount; (void)header;
  return use_types();
}
