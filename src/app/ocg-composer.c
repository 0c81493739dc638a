/* ocg-composer.c
 *
 * Enter sends and Shift+Enter starts a new line (Ctrl+Enter sends too). The
 * Send button becomes Stop while the session works. When the app cannot
 * send (not connected), the composer says why instead of failing later; the
 * text typed stays either way.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "ocg-composer.h"

struct _OcgComposer
{
  GtkWidget  parent_instance;

  GtkWidget *box;
  GtkWidget *scrolled;
  GtkWidget *text_view;
  GtkWidget *placeholder;
  GtkWidget *button;
  GtkWidget *reason_label;

  char      *disabled_reason;
  gboolean   busy;
  gboolean   busy_hint;   /* Enter was pressed while the agent works */
};

G_DEFINE_FINAL_TYPE (OcgComposer, ocg_composer, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_BUSY,
  N_PROPS
};

enum {
  SEND,
  STOP,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static GtkTextBuffer *
buffer (OcgComposer *self)
{
  return gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->text_view));
}

char *
ocg_composer_get_text (OcgComposer *self)
{
  GtkTextIter start, end;

  g_return_val_if_fail (OCG_IS_COMPOSER (self), NULL);

  gtk_text_buffer_get_bounds (buffer (self), &start, &end);
  return gtk_text_buffer_get_text (buffer (self), &start, &end, FALSE);
}

void
ocg_composer_set_text (OcgComposer *self,
                       const char  *text)
{
  g_return_if_fail (OCG_IS_COMPOSER (self));
  gtk_text_buffer_set_text (buffer (self), text != NULL ? text : "", -1);
}

static gboolean
has_text (OcgComposer *self)
{
  g_autofree char *text = ocg_composer_get_text (self);

  return *g_strstrip (text) != '\0';
}

static void
update (OcgComposer *self)
{
  gboolean can_send = self->disabled_reason == NULL && has_text (self);

  if (self->busy)
    {
      gtk_button_set_icon_name (GTK_BUTTON (self->button), "media-playback-stop-symbolic");
      gtk_widget_set_tooltip_text (self->button, _("Stop (Esc)"));
      gtk_widget_remove_css_class (self->button, "suggested-action");
      gtk_widget_add_css_class (self->button, "destructive-action");
      gtk_widget_set_sensitive (self->button, self->disabled_reason == NULL);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Stop"), -1);
    }
  else
    {
      gtk_button_set_icon_name (GTK_BUTTON (self->button), "go-up-symbolic");
      gtk_widget_set_tooltip_text (self->button, _("Send (Enter)"));
      gtk_widget_remove_css_class (self->button, "destructive-action");
      gtk_widget_add_css_class (self->button, "suggested-action");
      gtk_widget_set_sensitive (self->button, can_send);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Send"), -1);
    }

  if (self->disabled_reason != NULL)
    gtk_label_set_text (GTK_LABEL (self->reason_label), self->disabled_reason);
  else if (self->busy && self->busy_hint)
    gtk_label_set_text (GTK_LABEL (self->reason_label),
                        _("The agent is still working: Ctrl+Enter sends this now, Esc stops the agent"));
  else
    gtk_label_set_text (GTK_LABEL (self->reason_label), "");
  gtk_widget_set_visible (self->reason_label,
                          self->disabled_reason != NULL || (self->busy && self->busy_hint));
  gtk_widget_set_visible (self->placeholder, gtk_text_buffer_get_char_count (buffer (self)) == 0);
}

/* Sends what was typed, unless there is nothing or the app cannot send */
void
ocg_composer_send (OcgComposer *self)
{
  g_autofree char *text = NULL;

  g_return_if_fail (OCG_IS_COMPOSER (self));

  if (self->disabled_reason != NULL || !has_text (self))
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }
  text = ocg_composer_get_text (self);
  ocg_composer_set_text (self, NULL);
  g_signal_emit (self, signals[SEND], 0, text);
}

static void
on_button_clicked (GtkButton   *button,
                   OcgComposer *self)
{
  if (self->busy)
    g_signal_emit (self, signals[STOP], 0);
  else
    ocg_composer_send (self);
}

static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                OcgComposer           *self)
{
  if (keyval == GDK_KEY_Return || keyval == GDK_KEY_KP_Enter || keyval == GDK_KEY_ISO_Enter)
    {
      if (state & GDK_SHIFT_MASK)
        return FALSE;  /* a new line */
      if (self->busy && !(state & GDK_CONTROL_MASK))
        {
          /* Enter alone does not interrupt a turn: say how to */
          gtk_widget_error_bell (GTK_WIDGET (self));
          self->busy_hint = TRUE;
          update (self);
          return TRUE;
        }
      ocg_composer_send (self);
      return TRUE;
    }
  if (keyval == GDK_KEY_Escape && self->busy)
    {
      g_signal_emit (self, signals[STOP], 0);
      return TRUE;
    }
  return FALSE;
}

static void
on_changed (GtkTextBuffer *text_buffer,
            OcgComposer   *self)
{
  update (self);
}

void
ocg_composer_set_busy (OcgComposer *self,
                       gboolean     busy)
{
  g_return_if_fail (OCG_IS_COMPOSER (self));

  busy = !!busy;
  if (self->busy == busy)
    return;
  self->busy = busy;
  self->busy_hint = FALSE;
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

gboolean
ocg_composer_get_busy (OcgComposer *self)
{
  g_return_val_if_fail (OCG_IS_COMPOSER (self), FALSE);
  return self->busy;
}

/* @reason: why sending is not possible now, or %NULL when it is */
void
ocg_composer_set_disabled_reason (OcgComposer *self,
                                  const char  *reason)
{
  g_return_if_fail (OCG_IS_COMPOSER (self));

  if (g_strcmp0 (self->disabled_reason, reason) == 0)
    return;
  g_free (self->disabled_reason);
  self->disabled_reason = g_strdup (reason);
  update (self);
}

GtkTextView *
ocg_composer_get_text_view (OcgComposer *self)
{
  g_return_val_if_fail (OCG_IS_COMPOSER (self), NULL);
  return GTK_TEXT_VIEW (self->text_view);
}

/* Tab and Shift+Tab go through the text and the button and then on: the
 * default would take the focus back into the text, as grab_focus does, and
 * Shift+Tab would never leave the composer */
static gboolean
ocg_composer_focus (GtkWidget        *widget,
                    GtkDirectionType  direction)
{
  return gtk_widget_child_focus (OCG_COMPOSER (widget)->box, direction);
}

static gboolean
ocg_composer_grab_focus (GtkWidget *widget)
{
  return gtk_widget_grab_focus (OCG_COMPOSER (widget)->text_view);
}

static void
ocg_composer_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  OcgComposer *self = OCG_COMPOSER (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ocg_composer_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  OcgComposer *self = OCG_COMPOSER (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      ocg_composer_set_busy (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ocg_composer_dispose (GObject *object)
{
  OcgComposer *self = OCG_COMPOSER (object);

  g_clear_pointer (&self->box, gtk_widget_unparent);

  G_OBJECT_CLASS (ocg_composer_parent_class)->dispose (object);
}

static void
ocg_composer_finalize (GObject *object)
{
  g_free (OCG_COMPOSER (object)->disabled_reason);

  G_OBJECT_CLASS (ocg_composer_parent_class)->finalize (object);
}

static void
ocg_composer_class_init (OcgComposerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ocg_composer_dispose;
  object_class->finalize = ocg_composer_finalize;
  object_class->get_property = ocg_composer_get_property;
  object_class->set_property = ocg_composer_set_property;
  widget_class->grab_focus = ocg_composer_grab_focus;
  widget_class->focus = ocg_composer_focus;

  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SEND] =
    g_signal_new ("send", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[STOP] =
    g_signal_new ("stop", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "composer");
}

static void
ocg_composer_init (OcgComposer *self)
{
  GtkWidget *column, *overlay;
  GtkEventController *keys;

  self->box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  column = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  gtk_widget_set_hexpand (column, TRUE);
  gtk_box_append (GTK_BOX (self->box), column);

  self->text_view = gtk_text_view_new ();
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (self->text_view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_accepts_tab (GTK_TEXT_VIEW (self->text_view), FALSE);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (self->text_view), 8);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (self->text_view), 8);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (self->text_view), 10);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (self->text_view), 10);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->text_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Message"), -1);
  g_signal_connect (buffer (self), "changed", G_CALLBACK (on_changed), self);

  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (self->text_view, keys);

  self->placeholder = gtk_label_new (_("Ask anything… (Shift+Enter for a new line)"));
  gtk_widget_add_css_class (self->placeholder, "dim-label");
  gtk_widget_set_halign (self->placeholder, GTK_ALIGN_START);
  gtk_widget_set_valign (self->placeholder, GTK_ALIGN_START);
  gtk_widget_set_margin_start (self->placeholder, 12);
  gtk_widget_set_margin_top (self->placeholder, 8);
  gtk_widget_set_can_target (self->placeholder, FALSE);

  self->scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (self->scrolled), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (self->scrolled), 220);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scrolled), self->text_view);
  gtk_widget_add_css_class (self->scrolled, "composer-entry");

  overlay = gtk_overlay_new ();
  gtk_overlay_set_child (GTK_OVERLAY (overlay), self->scrolled);
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), self->placeholder);
  gtk_box_append (GTK_BOX (column), overlay);

  self->reason_label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->reason_label), 0);
  gtk_label_set_wrap (GTK_LABEL (self->reason_label), TRUE);
  gtk_widget_add_css_class (self->reason_label, "dim-label");
  gtk_widget_add_css_class (self->reason_label, "caption");
  gtk_box_append (GTK_BOX (column), self->reason_label);

  self->button = gtk_button_new ();
  gtk_widget_add_css_class (self->button, "circular");
  gtk_widget_set_valign (self->button, GTK_ALIGN_END);
  gtk_widget_set_margin_bottom (self->button, 4);
  g_signal_connect (self->button, "clicked", G_CALLBACK (on_button_clicked), self);
  gtk_box_append (GTK_BOX (self->box), self->button);

  update (self);
}

GtkWidget *
ocg_composer_new (void)
{
  return g_object_new (OCG_TYPE_COMPOSER, NULL);
}
