/* SPDX-License-Identifier: Apache-2.0 */
/*
 * config_sources.h - the -f sources of a subcommand, loaded and compiled.
 *
 * Each source is a file or folder (gwr_config_load_path) or "-" for stdin
 * (gwr_config_load). A source that fails to load is reported on stderr as
 * "gwroute: <message>" and the others still load; rejected objects are
 * reported as "gwroute: rejected: <message>" and are not a failure.
 */
#ifndef GWROUTE_CLI_CONFIG_SOURCES_H
#define GWROUTE_CLI_CONFIG_SOURCES_H

#include "gwroute.h"
#include "options.h"

/*
 * Load options->config_sources into a new config and compile it. Returns the
 * table (one reference, for the caller to unref), or NULL when no table
 * could be made (the reason was printed). *load_failed is set to 1 when a
 * source failed to load, else 0.
 */
gwr_table *config_sources_compile(const cli_options *options,
                                  int *load_failed);

/* The same for any list of sources (diff's -f2). */
gwr_table *config_sources_compile_list(const char *const *sources,
                                       size_t count, int *load_failed);

/* Load sources into a new config without compiling (convert); NULL when
 * no config could be made. The caller frees it. */
gwr_config *config_sources_load(const char *const *sources, size_t count,
                                int *load_failed);

#endif
