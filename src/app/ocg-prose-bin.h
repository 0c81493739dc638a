/* ocg-prose-bin.h: a wrapping label that is laid out only at its width
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define OCG_TYPE_PROSE_BIN (ocg_prose_bin_get_type ())
G_DECLARE_FINAL_TYPE (OcgProseBin, ocg_prose_bin, OCG, PROSE_BIN, GtkWidget)

GtkWidget *ocg_prose_bin_new       (GtkLabel    *label);
GtkLabel  *ocg_prose_bin_get_label (OcgProseBin *self);

G_END_DECLS
