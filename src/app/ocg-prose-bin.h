/* ocg-prose-bin.h: a paragraph's label, laid out only at its width, and
 * only its last lines again while it grows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define OCG_TYPE_PROSE_BIN (ocg_prose_bin_get_type ())
G_DECLARE_FINAL_TYPE (OcgProseBin, ocg_prose_bin, OCG, PROSE_BIN, GtkWidget)

/* Makes a label like the bin's first, for a piece of its text */
typedef GtkWidget *(*OcgProseLabelNew) (void);

GtkWidget *ocg_prose_bin_new        (GtkLabel         *label,
                                     OcgProseLabelNew  new_label);
GtkLabel  *ocg_prose_bin_get_label  (OcgProseBin      *self);
void       ocg_prose_bin_set_markup (OcgProseBin      *self,
                                     const char       *markup);
guint      ocg_prose_bin_get_n_pieces (OcgProseBin    *self);
char      *ocg_prose_bin_dup_text   (OcgProseBin      *self,
                                     gboolean          selected_only);
void       ocg_prose_bin_join       (OcgProseBin      *self);

G_END_DECLS
