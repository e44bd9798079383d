/* SPDX-License-Identifier: Apache-2.0 */
/* decision_fields.c - decision field readers and writers (see
 * decision_fields.h). */
#include "decision_fields.h"

gwr_str decision_text(const gwr_decision *decision, int32_t field) {
  gwr_str text = {NULL, 0};
  if (gwr_decision_str(decision, field, &text) != GWR_OK) {
    text.ptr = NULL;
    text.len = 0;
  }
  return text;
}

gwr_str decision_item_text(const gwr_decision *decision, int32_t list,
                           size_t index, int32_t field) {
  gwr_str text = {NULL, 0};
  if (gwr_decision_list_str(decision, list, index, field, &text) != GWR_OK) {
    text.ptr = NULL;
    text.len = 0;
  }
  return text;
}

void write_text_field(json_writer *w, const char *key,
                      const gwr_decision *decision, int32_t field) {
  gwr_str text = decision_text(decision, field);
  json_key(w, key);
  json_string(w, text.ptr, text.len);
}

void write_optional_text_field(json_writer *w, const char *key,
                               const gwr_decision *decision, int32_t field) {
  gwr_str text = decision_text(decision, field);
  json_key(w, key);
  if (text.len == 0)
    json_null(w);
  else
    json_string(w, text.ptr, text.len);
}

void write_item_text_field(json_writer *w, const char *key,
                           const gwr_decision *decision, int32_t list,
                           size_t index, int32_t field) {
  gwr_str text = decision_item_text(decision, list, index, field);
  json_key(w, key);
  json_string(w, text.ptr, text.len);
}

void write_count_field(json_writer *w, const char *key, int64_t value) {
  json_key(w, key);
  if (value < 0)
    json_null(w);
  else
    json_int(w, value);
}

void write_port_field(json_writer *w, const char *key, int64_t value) {
  json_key(w, key);
  if (value > 0)
    json_int(w, value);
  else
    json_null(w);
}

void write_null_field(json_writer *w, const char *key) {
  json_key(w, key);
  json_null(w);
}

void write_header_pair(json_writer *w, const gwr_decision *decision,
                       int32_t list, size_t index) {
  gwr_str name = decision_item_text(decision, list, index, GWR_IF_NAME);
  gwr_str value = decision_item_text(decision, list, index, GWR_IF_VALUE);
  json_begin_array(w);
  json_string(w, name.ptr, name.len);
  json_string(w, value.ptr, value.len);
  json_end_array(w);
}

void write_header_pairs_field(json_writer *w, const char *key,
                              const gwr_decision *decision, int32_t list) {
  size_t count = gwr_decision_list_count(decision, list);
  size_t i;
  json_key(w, key);
  json_begin_array(w);
  for (i = 0; i < count; i++) write_header_pair(w, decision, list, i);
  json_end_array(w);
}
