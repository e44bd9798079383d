/* SPDX-License-Identifier: Apache-2.0 */
/*
 * decision_fields.h - small readers and writers of gwr_decision fields and
 * list items, shared by the parts of the decision line (decision_json.c,
 * decision_policy_json.c). A field or item the library cannot give reads as
 * an empty string.
 */
#ifndef GWROUTE_CLI_DECISION_FIELDS_H
#define GWROUTE_CLI_DECISION_FIELDS_H

#include "gwroute.h"
#include "json_out.h"

/* A string field of the decision; empty when unset or unavailable. */
gwr_str decision_text(const gwr_decision *decision, int32_t field);

/* A string field of the index-th item of a list; empty when unavailable. */
gwr_str decision_item_text(const gwr_decision *decision, int32_t list,
                           size_t index, int32_t field);

/* "key": the string field (empty string when unset). */
void write_text_field(json_writer *w, const char *key,
                      const gwr_decision *decision, int32_t field);

/* "key": the string field, or null when it is empty. */
void write_optional_text_field(json_writer *w, const char *key,
                               const gwr_decision *decision, int32_t field);

/* "key": the string field of a list item (empty string when unset). */
void write_item_text_field(json_writer *w, const char *key,
                           const gwr_decision *decision, int32_t list,
                           size_t index, int32_t field);

/* "key": value, or null when it is negative (the library's "none"). */
void write_count_field(json_writer *w, const char *key, int64_t value);

/* "key": value, or null when value is not positive (a port that is unset). */
void write_port_field(json_writer *w, const char *key, int64_t value);

/* "key": null. */
void write_null_field(json_writer *w, const char *key);

/* The NAME and VALUE of a list item as the pair [name, value]. */
void write_header_pair(json_writer *w, const gwr_decision *decision,
                       int32_t list, size_t index);

/* "key": [[name, value], ...] for every item of a header list. */
void write_header_pairs_field(json_writer *w, const char *key,
                              const gwr_decision *decision, int32_t list);

#endif
