/* ocg-a11y.h: accessible names that GTK 4.8 gets wrong by itself
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* GTK 4.8 names a button with a mnemonic by its label property, underscore
 * and all, followed by its label's text: a screen reader says "_Retry
 * Retry". The name becomes the label's words alone. Call again after
 * gtk_button_set_label(), which sets the property again. */
static inline void
ocg_a11y_fix_mnemonic (GtkWidget *button)
{
  const char *label = gtk_button_get_label (GTK_BUTTON (button));
  g_autoptr(GString) words = g_string_new (NULL);

  for (const char *p = label != NULL ? label : ""; *p != '\0'; p++)
    {
      if (*p == '_' && p[1] != '\0')
        p++;
      g_string_append_c (words, *p);
    }
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, words->str, -1);
}

static inline GtkWidget *
ocg_a11y_button_new_with_mnemonic (const char *label)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  ocg_a11y_fix_mnemonic (button);
  return button;
}

/* The name a screen reader says for @widget */
static inline void
ocg_a11y_set_name (GtkWidget  *widget,
                   const char *name)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
}

G_END_DECLS
