/* ocg-chat-view.c
 *
 * A GtkListView over the session's turns: only the rows on screen exist, so
 * a session of thousands of messages opens as fast as a short one. The view
 * sticks to the bottom while the user is there (new text scrolls into view)
 * and stays put when the user has scrolled up to read (nothing jumps).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>

#include "ocg-a11y.h"
#include "ocg-chat-view.h"
#include "ocg-markdown-view.h"
#include "ocg-memory.h"
#include "ocg-prose-bin.h"
#include "ocg-trace.h"
#include "ocg-text.h"
#include "ocg-transcript.h"
#include "ocg-turn-row.h"

#define BOTTOM_SLACK 24.0

/* Rows a session opens with, and shows more of at a time as the reader
 * scrolls up or while they do not fill the window: about a screen, far
 * fewer than the 200 a list view realizes, since each row shown is laid out
 * and kept whether or not it is on screen */
#define ROWS_AT_A_TIME 6

struct _OcgChatView
{
  GtkWidget      parent_instance;

  OcgStore      *store;
  char          *session_id;
  OcgTurnModel  *turns;
  OcgTranscript *transcript;
  GHashTable    *send_errors;    /* message id -> error */

  GtkWidget     *stack;
  GtkWidget     *overlay;
  GtkWidget     *scrolled;
  GtkWidget     *to_end;      /* revealer of the "to the end" button */
  GtkWidget     *list_view;
  GtkWidget     *empty;
  GtkWidget     *loading_page;
  GtkWidget     *error_page;
  char          *load_error;
  gboolean       loading;
  gboolean       expand_finished;
  GtkAdjustment *vadjustment;
  gboolean       stick_to_bottom;
  gboolean       relayout;
  guint          relayout_idle;
  guint          older_idle;
  gboolean       older_wanted;
  guint          scroll_tick;
  GtkSelectionModel *selection;  /* over transcript */

  /* The reader's place, kept while rows come above it */
  OcgTranscriptItem *anchor_item;
  double         anchor_y;
  guint          anchor_tick;
  guint          anchor_quiet;
  guint          anchor_lost;
  gboolean       restoring;
  /* What the reader saw last: the top row and where it was */
  OcgTranscriptItem *seen_item;
  double         seen_y;
  GdkFrameClock *frame_clock;
  gulong         after_paint_id;
};

G_DEFINE_FINAL_TYPE (OcgChatView, ocg_chat_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_LOADING,
  PROP_EXPAND_FINISHED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];


static gboolean
is_at_bottom (OcgChatView *self)
{
  GtkAdjustment *adj = self->vadjustment;

  return gtk_adjustment_get_value (adj) + gtk_adjustment_get_page_size (adj) >=
         gtk_adjustment_get_upper (adj) - BOTTOM_SLACK;
}

/* The button back to the end shows while the reader is elsewhere */
static void
update_to_end (OcgChatView *self)
{
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->to_end),
                                 !self->stick_to_bottom && self->transcript != NULL &&
                                 g_list_model_get_n_items (G_LIST_MODEL (self->transcript)) > 0);
}

static void forget_place (OcgChatView *self);

/* Brings the end of the last row into view. Through the list view's own
 * action, not the adjustment: right after a model is set the adjustment
 * still describes the previous one, and a value the list cannot map to a
 * row is refused with a warning. The last row is a turn's foot, always
 * shorter than the view, so the list aligns its end with the view's. */
static void
scroll_to_end (OcgChatView *self)
{
  guint n = self->transcript != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->transcript)) : 0;

  if (n == 0)
    return;
  forget_place (self);
  /* The action only anchors the list to that row; the adjustment follows
   * when the list is next allocated */
  gtk_widget_activate_action (self->list_view, "list.scroll-to-item", "u", n - 1);
}

/* Older history, when the reader is near the top: first the turns already
 * here, then the server's. From an idle, since the adjustment also moves
 * while the list view is being allocated, when its model must not change. */
static gboolean
bring_older (gpointer data)
{
  OcgChatView *self = data;

  self->older_idle = 0;
  if (self->transcript != NULL && ocg_transcript_reveal_older (self->transcript, ROWS_AT_A_TIME) == 0)
    /* The page showing the session loads what came before */
    gtk_widget_activate_action (GTK_WIDGET (self), "session.load-older", "s", self->session_id ? self->session_id : "");
  return G_SOURCE_REMOVE;
}

static gboolean
end_relayout (gpointer data)
{
  OcgChatView *self = data;

  self->relayout_idle = 0;
  self->relayout = FALSE;
  return G_SOURCE_REMOVE;
}

static gboolean
scroll_to_end_tick (GtkWidget     *widget,
                    GdkFrameClock *clock,
                    gpointer       data)
{
  OcgChatView *self = data;

  self->scroll_tick = 0;
  if (self->stick_to_bottom && !is_at_bottom (self))
    scroll_to_end (self);
  return G_SOURCE_REMOVE;
}

/* The list view moved the adjustment while it was being allocated: if
 * that left the reader who was at the end elsewhere, go back to the end
 * before the next frame is laid out (scrolling now would be forgotten:
 * what a widget queues while it is allocated is dropped) */
static void
follow_end_later (OcgChatView *self)
{
  if (self->stick_to_bottom && self->scroll_tick == 0 && !is_at_bottom (self))
    self->scroll_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), scroll_to_end_tick, self, NULL);
}

/* The content grew or shrank, or the view was resized, and the list view
 * moves the adjustment itself: until the main loop comes back to us, a
 * move is the list's, not the reader's. While the reader is at the end,
 * the list keeps the end in view by itself, as it is anchored to the last
 * row's end; rows added after it are followed in on_items_changed(). */
static void
on_adjustment_changed (GtkAdjustment *adj,
                       OcgChatView   *self)
{
  self->relayout = TRUE;
  if (self->relayout_idle == 0)
    self->relayout_idle = g_idle_add_full (G_PRIORITY_HIGH, end_relayout, self, NULL);
  follow_end_later (self);
}

/* Whether the rows shown reach less than a screen above what the reader
 * sees: where the view is, or, while it follows the end, where it is going
 * (a session is laid out from its top before it is scrolled to its end) */
static gboolean
near_top (OcgChatView *self)
{
  GtkAdjustment *adj = self->vadjustment;
  double page = gtk_adjustment_get_page_size (adj);
  double value = self->stick_to_bottom
    ? gtk_adjustment_get_upper (adj) - page
    : gtk_adjustment_get_value (adj);

  return value < page;
}

static void
on_value_changed (GtkAdjustment *adj,
                  OcgChatView   *self)
{
  if (self->relayout || self->restoring)
    follow_end_later (self);
  else
    {
      self->stick_to_bottom = is_at_bottom (self);
      update_to_end (self);
    }

  /* Older history comes once the reader has seen where they went (see
   * on_after_paint()) */
  if (self->session_id != NULL && self->older_idle == 0 && near_top (self) &&
      gtk_adjustment_get_upper (adj) > gtk_adjustment_get_page_size (adj))
    {
      self->older_wanted = TRUE;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

/* Keeping the reader's place. When rows come above the one the reader
 * looks at (older history), GTK 4.8's list view keeps an item in place,
 * but not always that row: as the new rows are measured, the text on
 * screen can move by tens of pixels a few frames later. So the view notes
 * the top row on screen and where it was, and for as long as rows keep
 * moving puts it back there, until the reader scrolls. */

/* The item a list item widget of the list view shows, and where its top
 * is in the list view; NULL when it shows none or is not on screen */
static OcgTranscriptItem *
child_item (OcgChatView *self,
            GtkWidget   *child,
            double      *y)
{
  GtkWidget *box = gtk_widget_get_first_child (child);
  OcgTranscriptItem *item = box != NULL ? g_object_get_data (G_OBJECT (box), "ocg-item") : NULL;
  graphene_point_t point;

  if (item == NULL || !gtk_widget_get_mapped (child) ||
      !gtk_widget_compute_point (child, self->list_view, &GRAPHENE_POINT_INIT (0, 0), &point))
    return NULL;
  *y = point.y;
  return item;
}

/* Whether a row shows @item's place on screen, and its top */
static gboolean
item_y (OcgChatView       *self,
        OcgTranscriptItem *item,
        double            *y)
{
  for (GtkWidget *child = gtk_widget_get_first_child (self->list_view);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      OcgTranscriptItem *shown = child_item (self, child, y);

      if (shown != NULL && ocg_transcript_item_same_place (shown, item))
        return TRUE;
    }
  return FALSE;
}

/* The row at the top of the view (the first one of some height whose end
 * is on screen) */
static OcgTranscriptItem *
top_item (OcgChatView *self,
          double      *y)
{
  OcgTranscriptItem *top = NULL;

  for (GtkWidget *child = gtk_widget_get_first_child (self->list_view);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      int height = gtk_widget_get_height (child);
      OcgTranscriptItem *item;
      double child_y;

      if (height == 0 || (item = child_item (self, child, &child_y)) == NULL)
        continue;
      if (child_y + height > 0 && (top == NULL || child_y < *y))
        {
          top = item;
          *y = child_y;
        }
    }
  return top;
}

static void
forget_place (OcgChatView *self)
{
  if (self->anchor_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->anchor_tick);
  self->anchor_tick = 0;
  g_clear_object (&self->anchor_item);
}

static gboolean
keep_place_tick (GtkWidget     *widget,
                 GdkFrameClock *clock,
                 gpointer       data)
{
  OcgChatView *self = data;
  double y;

  if (self->stick_to_bottom || self->anchor_lost > 10)
    {
      self->anchor_tick = 0;
      g_clear_object (&self->anchor_item);
      return G_SOURCE_REMOVE;
    }
  /* Its row may be between two widgets for a frame or two */
  if (!item_y (self, self->anchor_item, &y))
    {
      self->anchor_lost++;
      return G_SOURCE_CONTINUE;
    }
  self->anchor_lost = 0;

  if (fabs (y - self->anchor_y) >= 0.5)
    {
      self->anchor_quiet = 0;
      self->restoring = TRUE;
      gtk_adjustment_set_value (self->vadjustment, gtk_adjustment_get_value (self->vadjustment) + y - self->anchor_y);
      self->restoring = FALSE;
    }
  else if (++self->anchor_quiet >= 3)
    {
      /* Three frames where nothing moved: settled */
      self->anchor_tick = 0;
      g_clear_object (&self->anchor_item);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

/* After each frame: what the reader sees. The rows' places are those of
 * the frame on screen only then; when rows come, the list view has not
 * laid them out again yet, and a scroll since may not have been either. */
static void
on_after_paint (GdkFrameClock *clock,
                OcgChatView   *self)
{
  OcgTranscriptItem *item;
  double y = 0;

  ocg_trace_painted (GTK_WIDGET (self));
  if (self->anchor_tick == 0)
    {
      item = top_item (self, &y);
      g_set_object (&self->seen_item, item);
      self->seen_y = y;
    }
  /* Turns not shown yet while the rows shown do not reach a screen above
   * the reader: the next ones, until they do */
  if (self->transcript != NULL && ocg_transcript_get_n_hidden (self->transcript) > 0 && near_top (self))
    self->older_wanted = TRUE;
  if (self->older_wanted && self->older_idle == 0)
    self->older_idle = g_idle_add (bring_older, self);
  self->older_wanted = FALSE;
}

static void
on_realize (GtkWidget   *widget,
            OcgChatView *self)
{
  self->frame_clock = g_object_ref (gtk_widget_get_frame_clock (widget));
  self->after_paint_id = g_signal_connect (self->frame_clock, "after-paint", G_CALLBACK (on_after_paint), self);
}

static void
on_unrealize (GtkWidget   *widget,
              OcgChatView *self)
{
  if (self->frame_clock != NULL)
    g_clear_signal_handler (&self->after_paint_id, self->frame_clock);
  g_clear_object (&self->frame_clock);
  forget_place (self);
  g_clear_object (&self->seen_item);
}

static void
keep_place (OcgChatView *self)
{
  self->anchor_quiet = 0;
  self->anchor_lost = 0;
  /* Already keeping it: the rows may have moved since */
  if (self->anchor_tick != 0 || self->seen_item == NULL)
    return;
  g_set_object (&self->anchor_item, self->seen_item);
  self->anchor_y = self->seen_y;
  self->anchor_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), keep_place_tick, self, NULL);
}

/* The reader moves: their place is where they go */
static gboolean
on_reader_scroll (GtkEventControllerScroll *controller,
                  double                    dx,
                  double                    dy,
                  OcgChatView              *self)
{
  forget_place (self);
  return FALSE;
}

static gboolean
on_reader_event (GtkEventControllerLegacy *controller,
                 GdkEvent                 *event,
                 OcgChatView              *self)
{
  GdkEventType type = gdk_event_get_event_type (event);

  if (type == GDK_BUTTON_PRESS || type == GDK_TOUCH_BEGIN)
    forget_place (self);
  return FALSE;
}

static gboolean
on_reader_key (GtkEventControllerKey *controller,
               guint                  keyval,
               guint                  keycode,
               GdkModifierType        state,
               OcgChatView           *self)
{
  forget_place (self);
  return FALSE;
}

/* Rows came or went (after the list view has taken them in, before it is
 * laid out again): the reader at the end sees the new last row; a reader
 * elsewhere stays where they are */
static void
on_items_changed (GListModel  *model,
                  guint        position,
                  guint        removed,
                  guint        added,
                  OcgChatView *self)
{
  if (self->stick_to_bottom)
    scroll_to_end (self);
  else if (added > 0)
    keep_place (self);
}

/* The rest of a very long text part: how much, Show More, Copy All */
static GtkWidget *row_of (OcgChatView *self, GtkWidget *widget);

static OcgTranscriptItem *
row_item (OcgChatView *self,
          GtkWidget   *widget)
{
  GtkWidget *row = row_of (self, widget);

  return row != NULL ? g_object_get_data (G_OBJECT (row), "ocg-item") : NULL;
}

static void
on_show_more (GtkButton   *button,
              OcgChatView *self)
{
  OcgTranscriptItem *item = row_item (self, GTK_WIDGET (button));

  if (item != NULL && self->transcript != NULL)
    ocg_transcript_show_more (self->transcript, item);
}

static void
on_copy_all (GtkButton   *button,
             OcgChatView *self)
{
  OcgTranscriptItem *item = row_item (self, GTK_WIDGET (button));
  OcgPart *part = item != NULL ? ocg_transcript_item_get_part (item) : NULL;
  g_autofree char *text = part != NULL ? ocg_text_record_string (OCG_RECORD (part), "text") : NULL;

  if (text != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (button)), text);
}

static void
update_more (OcgTranscriptItem *item,
             GtkWidget         *more)
{
  g_autofree char *size = g_format_size (ocg_transcript_item_get_n_hidden_bytes (item));
  /* "1.2 MB more of this answer" */
  g_autofree char *text = g_strdup_printf (_("%s more of this answer"), size);

  gtk_label_set_text (GTK_LABEL (g_object_get_data (G_OBJECT (more), "label")), text);
}

static GtkWidget *
more_new (OcgChatView *self)
{
  GtkWidget *more = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *label = gtk_label_new (NULL);
  GtkWidget *show = gtk_button_new_with_mnemonic (_("Show _More"));
  GtkWidget *copy = gtk_button_new_with_mnemonic (_("_Copy All"));

  gtk_widget_add_css_class (more, "answer-more");
  gtk_widget_add_css_class (label, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_set_tooltip_text (copy, _("Copy the whole answer"));
  g_signal_connect (show, "clicked", G_CALLBACK (on_show_more), self);
  g_signal_connect (copy, "clicked", G_CALLBACK (on_copy_all), self);
  gtk_box_append (GTK_BOX (more), label);
  gtk_box_append (GTK_BOX (more), show);
  gtk_box_append (GTK_BOX (more), copy);
  g_object_set_data (G_OBJECT (more), "label", label);
  return more;
}

/* A row holds whichever of a head, an answer chunk, a foot or the rest of
 * a long part its item is, creating each kind at most once: rows are
 * recycled across kinds */
static GtkWidget *
row_child (GtkWidget         *box,
           OcgTranscriptKind  kind,
           OcgChatView       *self)
{
  static const char *keys[] = { "head", "answer", "foot", "more" };
  GtkWidget *child = g_object_get_data (G_OBJECT (box), keys[kind]);

  if (child == NULL)
    {
      if (kind == OCG_TRANSCRIPT_ANSWER)
        {
          child = ocg_markdown_view_new ();
          gtk_widget_add_css_class (child, "answer");
        }
      else if (kind == OCG_TRANSCRIPT_MORE)
        child = more_new (self);
      else
        {
          child = ocg_turn_row_new (self->store, kind == OCG_TRANSCRIPT_HEAD ? OCG_TURN_ROW_HEAD : OCG_TURN_ROW_FOOT);
          g_object_bind_property (self, "expand-finished", child, "expand-finished", G_BINDING_SYNC_CREATE);
        }
      g_object_set_data (G_OBJECT (box), keys[kind], child);
      gtk_box_append (GTK_BOX (box), child);
    }
  for (guint k = 0; k < G_N_ELEMENTS (keys); k++)
    {
      GtkWidget *other = g_object_get_data (G_OBJECT (box), keys[k]);

      if (other != NULL)
        gtk_widget_set_visible (other, k == kind);
    }
  return child;
}

/* The keyboard in the transcript. A row takes the focus itself: Up and Down
 * (the list view's keys) go from row to row, Tab goes through the focused
 * row's buttons and then on out of the transcript, never through its text.
 * The text stays selectable: with the mouse, or Enter on a row moves into
 * its text and Escape back; Ctrl+C on a row copies its text (what is
 * selected in it, or all of it). */

/* The row (the box of a list item) that holds @widget */
static GtkWidget *
row_of (OcgChatView *self,
        GtkWidget   *widget)
{
  for (; widget != NULL; widget = gtk_widget_get_parent (widget))
    {
      GtkWidget *parent = gtk_widget_get_parent (widget);

      if (parent != NULL && gtk_widget_get_parent (parent) == self->list_view)
        return widget;
    }
  return NULL;
}

static gboolean
is_text (GtkWidget *widget)
{
  return GTK_IS_LABEL (widget) || GTK_IS_TEXT_VIEW (widget) ||
         GTK_IS_SCROLLED_WINDOW (widget) || GTK_IS_VIEWPORT (widget);
}

/* The row's buttons and other controls, in order; *at is the index of the
 * one that holds @focus, *before the number of controls before @focus */
static void
collect_controls (GtkWidget *widget,
                  GtkWidget *focus,
                  GPtrArray *controls,
                  int       *at,
                  int       *before)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (child == focus)
        *before = (int) controls->len;
      if (!gtk_widget_is_drawable (child) || !gtk_widget_is_sensitive (child))
        continue;
      if (gtk_widget_get_focusable (child) && !is_text (child))
        {
          if (focus != NULL && (child == focus || gtk_widget_is_ancestor (focus, child)))
            *at = (int) controls->len;
          g_ptr_array_add (controls, child);
          continue;
        }
      collect_controls (child, focus, controls, at, before);
    }
}

static void
collect_text (GtkWidget *widget,
              gboolean   selected_only,
              GString   *out)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (!gtk_widget_is_drawable (child))
        continue;
      /* A paragraph shown in pieces (while it streams) is one text */
      if (OCG_IS_PROSE_BIN (child))
        {
          g_autofree char *part = ocg_prose_bin_dup_text (OCG_PROSE_BIN (child), selected_only);

          if (part == NULL || *part == '\0')
            continue;
          if (out->len > 0)
            g_string_append_c (out, '\n');
          g_string_append (out, part);
        }
      else if (GTK_IS_LABEL (child))
        {
          const char *text = gtk_label_get_text (GTK_LABEL (child));
          int start = 0, end = (int) g_utf8_strlen (text, -1);
          g_autofree char *part = NULL;

          if (selected_only && !gtk_label_get_selection_bounds (GTK_LABEL (child), &start, &end))
            continue;
          part = g_utf8_substring (text, start, end);
          if (*part == '\0')
            continue;
          if (out->len > 0)
            g_string_append_c (out, '\n');
          g_string_append (out, part);
        }
      else if (GTK_IS_TEXT_VIEW (child))
        {
          GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (child));
          GtkTextIter start, end;
          g_autofree char *part = NULL;

          if (selected_only && !gtk_text_buffer_get_selection_bounds (buffer, &start, &end))
            continue;
          if (!selected_only)
            gtk_text_buffer_get_bounds (buffer, &start, &end);
          part = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
          if (out->len > 0)
            g_string_append_c (out, '\n');
          g_string_append (out, part);
        }
      else
        collect_text (child, selected_only, out);
    }
}

/* What a screen reader says for a row: the start of its text */
static void
name_row (GtkWidget *row)
{
  g_autoptr(GString) text = g_string_new (NULL);
  GtkWidget *item = gtk_widget_get_parent (row);

  collect_text (row, FALSE, text);
  g_strdelimit (text->str, "\n", ' ');
  if (g_utf8_strlen (text->str, -1) > 160)
    {
      g_string_truncate (text, g_utf8_offset_to_pointer (text->str, 160) - text->str);
      g_string_append (text, "…");
    }
  if (text->len == 0)
    g_string_assign (text, _("Empty row"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, text->str, -1);
  /* The list item around it, which the list view shows to screen readers */
  if (item != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (item), GTK_ACCESSIBLE_PROPERTY_LABEL, text->str, -1);
}

static GtkWidget *
first_label (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (!gtk_widget_is_drawable (child))
        continue;
      if (GTK_IS_LABEL (child) && gtk_label_get_selectable (GTK_LABEL (child)))
        return child;
      if ((found = first_label (child)) != NULL)
        return found;
    }
  return NULL;
}

static gboolean
on_row_key_pressed (GtkEventControllerKey *controller,
                    guint                  keyval,
                    guint                  keycode,
                    GdkModifierType        state,
                    GtkWidget             *row)
{
  GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (row));
  GdkModifierType mods = state & gtk_accelerator_get_default_mod_mask ();

  if (focus == row && mods == GDK_CONTROL_MASK && (keyval == GDK_KEY_c || keyval == GDK_KEY_C))
    {
      g_autoptr(GString) text = g_string_new (NULL);

      collect_text (row, TRUE, text);
      if (text->len == 0)
        collect_text (row, FALSE, text);
      gdk_clipboard_set_text (gtk_widget_get_clipboard (row), text->str);
      return TRUE;
    }
  if (focus == row && mods == 0 && (keyval == GDK_KEY_Return || keyval == GDK_KEY_KP_Enter))
    {
      GtkWidget *label = first_label (row);

      return label != NULL && gtk_widget_grab_focus (label);
    }
  if (focus != row && mods == 0 && keyval == GDK_KEY_Escape && focus != NULL && is_text (focus))
    return gtk_widget_grab_focus (row);
  return FALSE;
}

static void
on_row_focus_enter (GtkEventControllerFocus *controller,
                    OcgChatView             *self)
{
  GtkWidget *row = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));

  /* Streamed text may have grown since the row was bound */
  name_row (row);
}

/* Where Tab enters the transcript: the row last focused if it is still on
 * screen, else the lowest row on screen, next to the composer */
static gboolean
focus_a_row (OcgChatView *self)
{
  GtkWidget *best = NULL;
  double best_y = -G_MAXDOUBLE;
  int height = gtk_widget_get_height (self->scrolled);

  for (GtkWidget *item = gtk_widget_get_first_child (self->list_view); item != NULL;
       item = gtk_widget_get_next_sibling (item))
    {
      GtkWidget *row = gtk_widget_get_first_child (item);
      graphene_rect_t bounds;

      if (row == NULL || !gtk_widget_is_drawable (row) ||
          !gtk_widget_compute_bounds (item, self->scrolled, &bounds))
        continue;
      /* Wholly or partly on screen */
      if (bounds.origin.y + bounds.size.height <= 0 || bounds.origin.y >= height)
        continue;
      if (gtk_widget_has_css_class (row, "last-focused"))
        {
          best = row;
          break;
        }
      if (bounds.origin.y > best_y)
        {
          best = row;
          best_y = bounds.origin.y;
        }
    }
  return best != NULL && gtk_widget_grab_focus (best);
}

static void
on_row_focus_leave (GtkEventControllerFocus *controller,
                    OcgChatView             *self)
{
  GtkWidget *row = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));

  for (GtkWidget *item = gtk_widget_get_first_child (self->list_view); item != NULL;
       item = gtk_widget_get_next_sibling (item))
    if (gtk_widget_get_first_child (item) != NULL)
      gtk_widget_remove_css_class (gtk_widget_get_first_child (item), "last-focused");
  gtk_widget_add_css_class (row, "last-focused");
}

static gboolean
ocg_chat_view_focus (GtkWidget        *widget,
                     GtkDirectionType  direction)
{
  OcgChatView *self = OCG_CHAT_VIEW (widget);
  GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (widget));
  GtkWidget *row;
  g_autoptr(GPtrArray) controls = NULL;
  int at = -1, before = 0, next;

  if ((direction != GTK_DIR_TAB_FORWARD && direction != GTK_DIR_TAB_BACKWARD) ||
      gtk_stack_get_visible_child (GTK_STACK (self->stack)) != self->overlay)
    return GTK_WIDGET_CLASS (ocg_chat_view_parent_class)->focus (widget, direction);

  row = focus != NULL ? row_of (self, focus) : NULL;
  if (row == NULL)
    {
      gboolean on_to_end = focus != NULL && gtk_widget_is_ancestor (focus, self->to_end);

      /* Rows first, then the button back to the end */
      if (on_to_end)
        return direction == GTK_DIR_TAB_BACKWARD && focus_a_row (self);
      return focus_a_row (self) || gtk_widget_child_focus (self->to_end, direction);
    }

  controls = g_ptr_array_new ();
  collect_controls (row, focus, controls, &at, &before);
  if (direction == GTK_DIR_TAB_FORWARD)
    {
      next = at >= 0 ? at + 1 : focus == row ? 0 : before;
      if (next < (int) controls->len)
        return gtk_widget_grab_focus (g_ptr_array_index (controls, next));
      return gtk_widget_child_focus (self->to_end, direction);
    }
  next = at >= 0 ? at - 1 : focus == row ? -2 : before - 1;
  if (next >= 0)
    return gtk_widget_grab_focus (g_ptr_array_index (controls, next));
  if (next == -1)
    return gtk_widget_grab_focus (row);
  return FALSE;
}

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           OcgChatView              *self)
{
  GtkWidget *box = g_object_new (GTK_TYPE_BOX,
                                 "orientation", GTK_ORIENTATION_VERTICAL,
                                 "accessible-role", GTK_ACCESSIBLE_ROLE_GROUP,
                                 "focusable", TRUE,
                                 NULL);
  GtkEventController *controller;

  gtk_list_item_set_activatable (item, FALSE);
  gtk_list_item_set_selectable (item, FALSE);
  gtk_list_item_set_child (item, box);

  controller = gtk_event_controller_key_new ();
  g_signal_connect (controller, "key-pressed", G_CALLBACK (on_row_key_pressed), box);
  gtk_widget_add_controller (box, controller);
  controller = gtk_event_controller_focus_new ();
  g_signal_connect (controller, "enter", G_CALLBACK (on_row_focus_enter), self);
  g_signal_connect (controller, "leave", G_CALLBACK (on_row_focus_leave), self);
  gtk_widget_add_controller (box, controller);
}

static void
update_answer (OcgTranscriptItem *item,
               OcgMarkdownView   *view)
{
  gsize len;
  const char *text = ocg_transcript_item_get_text (item, &len);

  ocg_markdown_view_set_text (view, text, (gssize) len);
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          OcgChatView              *self)
{
  GtkWidget *box = gtk_list_item_get_child (item);
  OcgTranscriptItem *entry = gtk_list_item_get_item (item);
  OcgTranscriptKind kind = ocg_transcript_item_get_kind (entry);
  GtkWidget *child = row_child (box, kind, self);
  OcgTurn *turn = ocg_transcript_item_get_turn (entry);
  static const char *classes[][2] = { { "turn-head" }, { "turn-answer" }, { "turn-foot" }, { "turn-more" } };

  gtk_widget_set_css_classes (box, classes[kind]);
  g_object_set_data (G_OBJECT (box), "ocg-item", entry);

  if (kind == OCG_TRANSCRIPT_ANSWER)
    {
      update_answer (entry, OCG_MARKDOWN_VIEW (child));
      /* Rendered now: a row must not appear empty and fill a frame later */
      ocg_markdown_view_flush (OCG_MARKDOWN_VIEW (child));
      g_signal_connect (entry, "changed", G_CALLBACK (update_answer), child);
    }
  else if (kind == OCG_TRANSCRIPT_MORE)
    {
      update_more (entry, child);
      g_signal_connect (entry, "changed", G_CALLBACK (update_more), child);
    }
  else
    {
      /* A turn grouped again is a new object: it gets the error back */
      ocg_turn_set_send_error (turn, g_hash_table_lookup (self->send_errors, ocg_turn_get_key (turn)));
      ocg_turn_row_set_turn (OCG_TURN_ROW (child), turn);
    }
  name_row (box);
}

static void
unbind_row (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            OcgChatView              *self)
{
  GtkWidget *box = gtk_list_item_get_child (item);
  OcgTranscriptItem *entry = gtk_list_item_get_item (item);
  OcgTranscriptKind kind = ocg_transcript_item_get_kind (entry);
  GtkWidget *child = row_child (box, kind, self);

  g_object_set_data (G_OBJECT (box), "ocg-item", NULL);
  if (kind == OCG_TRANSCRIPT_ANSWER)
    g_signal_handlers_disconnect_by_func (entry, update_answer, child);
  else if (kind == OCG_TRANSCRIPT_MORE)
    g_signal_handlers_disconnect_by_func (entry, update_more, child);
  else
    ocg_turn_row_set_turn (OCG_TURN_ROW (child), NULL);
}

/* While a session's messages are on their way, it says so: not "Start the
 * Conversation", and not the first rows of a page that is still coming */
static void
update_empty (OcgChatView *self)
{
  gboolean empty = self->turns == NULL || g_list_model_get_n_items (G_LIST_MODEL (self->turns)) == 0;

  if (self->loading && self->session_id != NULL)
    gtk_stack_set_visible_child (GTK_STACK (self->stack), self->loading_page);
  else if (empty && self->session_id != NULL && self->load_error != NULL)
    gtk_stack_set_visible_child (GTK_STACK (self->stack), self->error_page);
  else
    gtk_stack_set_visible_child (GTK_STACK (self->stack), empty ? self->empty : self->overlay);
  /* A spinner spins (and the window draws frames) only while it shows */
  gtk_spinner_set_spinning (g_object_get_data (G_OBJECT (self->loading_page), "spinner"),
                            gtk_stack_get_visible_child (GTK_STACK (self->stack)) == self->loading_page);
}

static void
on_turns_changed (GListModel  *model,
                  guint        position,
                  guint        removed,
                  guint        added,
                  OcgChatView *self)
{
  update_empty (self);
}

/* The list view shows the session's turns, from the newest few on */
static void
show_transcript (OcgChatView *self)
{
  if (self->turns != NULL && self->transcript == NULL)
    {
      self->transcript = ocg_transcript_new (self->store, self->turns, ROWS_AT_A_TIME);
      self->selection = GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->transcript))));
    }
  gtk_list_view_set_model (GTK_LIST_VIEW (self->list_view), self->selection);
  /* Connected after the list view's own handler, so that it has the new
   * rows when the view scrolls to them */
  if (self->selection != NULL)
    g_signal_connect (self->selection, "items-changed", G_CALLBACK (on_items_changed), self);

  /* A session opens at its end */
  self->stick_to_bottom = TRUE;
  scroll_to_end (self);
  ocg_memory_release_soon ();
}

void
ocg_chat_view_set_session (OcgChatView *self,
                           const char  *session_id)
{
  g_return_if_fail (OCG_IS_CHAT_VIEW (self));

  if (g_strcmp0 (self->session_id, session_id) == 0)
    return;

  if (self->turns != NULL)
    g_signal_handlers_disconnect_by_data (self->turns, self);
  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  g_clear_object (&self->selection);
  /* Older history was wanted for the session being left */
  g_clear_handle_id (&self->older_idle, g_source_remove);
  self->older_wanted = FALSE;
  forget_place (self);
  g_clear_object (&self->seen_item);
  g_clear_object (&self->transcript);
  g_clear_object (&self->turns);
  g_free (self->session_id);
  self->session_id = g_strdup (session_id);

  if (session_id != NULL)
    {
      self->turns = ocg_turn_model_new (ocg_store_get_messages (self->store, session_id));
      g_signal_connect (self->turns, "items-changed", G_CALLBACK (on_turns_changed), self);
    }
  /* While the messages are being fetched they come one turn after the
   * other, each after the last: a transcript made now would show them
   * all, not the newest few, and build every row behind the loading page */
  if (!self->loading)
    show_transcript (self);
  else
    gtk_list_view_set_model (GTK_LIST_VIEW (self->list_view), NULL);
  update_empty (self);
  update_to_end (self);
}

/* Whether the session's messages are still being fetched */
void
ocg_chat_view_set_loading (OcgChatView *self,
                           gboolean     loading)
{
  g_return_if_fail (OCG_IS_CHAT_VIEW (self));

  loading = !!loading;
  if (self->loading == loading)
    return;
  self->loading = loading;
  if (!loading && self->turns != NULL && self->transcript == NULL)
    show_transcript (self);
  else if (!loading)
    {
      /* What came opens at its end */
      self->stick_to_bottom = TRUE;
      scroll_to_end (self);
    }
  update_empty (self);
  update_to_end (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

/* Why the session's messages could not be fetched (NULL: they could): an
 * empty session then says so, not "Start the Conversation" */
void
ocg_chat_view_set_load_error (OcgChatView *self,
                              const char  *error)
{
  g_return_if_fail (OCG_IS_CHAT_VIEW (self));

  if (g_strcmp0 (self->load_error, error) == 0)
    return;
  g_free (self->load_error);
  self->load_error = g_strdup (error);
  adw_status_page_set_description (ADW_STATUS_PAGE (self->error_page), error);
  update_empty (self);
}

gboolean
ocg_chat_view_get_loading (OcgChatView *self)
{
  g_return_val_if_fail (OCG_IS_CHAT_VIEW (self), FALSE);
  return self->loading;
}

const char *
ocg_chat_view_get_session (OcgChatView *self)
{
  g_return_val_if_fail (OCG_IS_CHAT_VIEW (self), NULL);
  return self->session_id;
}

OcgTurnModel *
ocg_chat_view_get_turns (OcgChatView *self)
{
  g_return_val_if_fail (OCG_IS_CHAT_VIEW (self), NULL);
  return self->turns;
}

void
ocg_chat_view_scroll_to_bottom (OcgChatView *self)
{
  g_return_if_fail (OCG_IS_CHAT_VIEW (self));

  self->stick_to_bottom = TRUE;
  scroll_to_end (self);
  update_to_end (self);
}

static void
on_to_end_clicked (GtkButton   *button,
                   OcgChatView *self)
{
  ocg_chat_view_scroll_to_bottom (self);
}

gboolean
ocg_chat_view_get_at_bottom (OcgChatView *self)
{
  g_return_val_if_fail (OCG_IS_CHAT_VIEW (self), FALSE);
  return self->stick_to_bottom;
}

GtkListView *
ocg_chat_view_get_list_view (OcgChatView *self)
{
  g_return_val_if_fail (OCG_IS_CHAT_VIEW (self), NULL);
  return GTK_LIST_VIEW (self->list_view);
}

/* Marks the turn of @message_id with a failed send (or clears it) */
void
ocg_chat_view_set_send_error (OcgChatView *self,
                              const char  *message_id,
                              const char  *error)
{
  g_return_if_fail (OCG_IS_CHAT_VIEW (self));

  if (error != NULL)
    g_hash_table_replace (self->send_errors, g_strdup (message_id), g_strdup (error));
  else
    g_hash_table_remove (self->send_errors, message_id);

  /* On the turn, whose head row shows it */
  if (self->turns != NULL)
    for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->turns)); i++)
      {
        g_autoptr(OcgTurn) turn = g_list_model_get_item (G_LIST_MODEL (self->turns), i);

        if (g_strcmp0 (ocg_turn_get_key (turn), message_id) == 0)
          ocg_turn_set_send_error (turn, error);
      }
}

static void
ocg_chat_view_dispose (GObject *object)
{
  OcgChatView *self = OCG_CHAT_VIEW (object);

  ocg_chat_view_set_session (self, NULL);
  g_clear_handle_id (&self->relayout_idle, g_source_remove);
  if (self->scroll_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->scroll_tick);
  self->scroll_tick = 0;
  on_unrealize (GTK_WIDGET (self), self);
  g_clear_handle_id (&self->older_idle, g_source_remove);
  g_clear_pointer (&self->stack, gtk_widget_unparent);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (ocg_chat_view_parent_class)->dispose (object);
}

static void
ocg_chat_view_finalize (GObject *object)
{
  OcgChatView *self = OCG_CHAT_VIEW (object);

  g_hash_table_unref (self->send_errors);
  g_free (self->session_id);
  g_free (self->load_error);

  G_OBJECT_CLASS (ocg_chat_view_parent_class)->finalize (object);
}

static void
ocg_chat_view_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  OcgChatView *self = OCG_CHAT_VIEW (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    case PROP_EXPAND_FINISHED:
      g_value_set_boolean (value, self->expand_finished);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ocg_chat_view_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  OcgChatView *self = OCG_CHAT_VIEW (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      ocg_chat_view_set_loading (self, g_value_get_boolean (value));
      break;
    case PROP_EXPAND_FINISHED:
      if (self->expand_finished != g_value_get_boolean (value))
        {
          self->expand_finished = g_value_get_boolean (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ocg_chat_view_class_init (OcgChatViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ocg_chat_view_dispose;
  object_class->finalize = ocg_chat_view_finalize;
  widget_class->focus = ocg_chat_view_focus;
  object_class->get_property = ocg_chat_view_get_property;
  object_class->set_property = ocg_chat_view_set_property;

  /* The session's messages are being fetched */
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* The user's preference: finished turns show their steps */
  properties[PROP_EXPAND_FINISHED] =
    g_param_spec_boolean ("expand-finished", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "chatview");

}

static void
ocg_chat_view_init (OcgChatView *self)
{
  GtkListItemFactory *factory;
  GtkWidget *clamp;

  self->send_errors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->stick_to_bottom = TRUE;

  self->stack = gtk_stack_new ();
  gtk_widget_set_parent (self->stack, GTK_WIDGET (self));

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row), self);
  self->list_view = gtk_list_view_new (NULL, factory);
  gtk_widget_add_css_class (self->list_view, "transcript");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Conversation"), -1);

  /* A scrollable clamp hands the scrolled window's adjustments on to the
   * list view: with a plain clamp, the scrolled window would wrap it in a
   * viewport, the list view would be given its whole height and would
   * realize rows from its top, not the ones on screen */
  clamp = adw_clamp_scrollable_new ();
  adw_clamp_scrollable_set_maximum_size (ADW_CLAMP_SCROLLABLE (clamp), 900);
  adw_clamp_scrollable_set_tightening_threshold (ADW_CLAMP_SCROLLABLE (clamp), 700);
  adw_clamp_scrollable_set_child (ADW_CLAMP_SCROLLABLE (clamp), self->list_view);

  self->scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scrolled), clamp);
  gtk_widget_set_vexpand (self->scrolled, TRUE);
  self->vadjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->scrolled));
  g_signal_connect (self, "realize", G_CALLBACK (on_realize), self);
  g_signal_connect (self, "unrealize", G_CALLBACK (on_unrealize), self);
  g_signal_connect (self->vadjustment, "value-changed", G_CALLBACK (on_value_changed), self);
  g_signal_connect (self->vadjustment, "changed", G_CALLBACK (on_adjustment_changed), self);
  {
    GtkEventController *controller;

    /* What the reader does to move (wheel, touchpad, scroll bar, keys)
     * ends keeping their place; seen before the scrolled window acts */
    controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
    gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
    g_signal_connect (controller, "scroll", G_CALLBACK (on_reader_scroll), self);
    gtk_widget_add_controller (self->scrolled, controller);
    controller = gtk_event_controller_legacy_new ();
    gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
    g_signal_connect (controller, "event", G_CALLBACK (on_reader_event), self);
    gtk_widget_add_controller (self->scrolled, controller);
    controller = gtk_event_controller_key_new ();
    gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
    g_signal_connect (controller, "key-pressed", G_CALLBACK (on_reader_key), self);
    gtk_widget_add_controller (self->scrolled, controller);
  }

  self->empty = adw_status_page_new ();
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (self->empty), "mail-send-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (self->empty), _("Start the Conversation"));
  adw_status_page_set_description (ADW_STATUS_PAGE (self->empty),
                                   _("Ask the agent to read, explain or change the code of this project"));

  /* Back to the end, over the transcript's corner, while the reader is
   * elsewhere */
  {
    GtkWidget *button = gtk_button_new_from_icon_name ("go-down-symbolic");

    gtk_widget_add_css_class (button, "osd");
    gtk_widget_add_css_class (button, "circular");
    gtk_widget_set_tooltip_text (button, _("Scroll to the End"));
    gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, _("Scroll to the End"), -1);
    g_signal_connect (button, "clicked", G_CALLBACK (on_to_end_clicked), self);
    self->to_end = gtk_revealer_new ();
    gtk_revealer_set_transition_type (GTK_REVEALER (self->to_end), GTK_REVEALER_TRANSITION_TYPE_CROSSFADE);
    gtk_revealer_set_child (GTK_REVEALER (self->to_end), button);
    gtk_widget_set_halign (self->to_end, GTK_ALIGN_END);
    gtk_widget_set_valign (self->to_end, GTK_ALIGN_END);
    gtk_widget_set_margin_end (self->to_end, 18);
    gtk_widget_set_margin_bottom (self->to_end, 18);
  }
  self->overlay = gtk_overlay_new ();
  gtk_overlay_set_child (GTK_OVERLAY (self->overlay), self->scrolled);
  gtk_overlay_add_overlay (GTK_OVERLAY (self->overlay), self->to_end);

  {
    GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
    GtkWidget *spinner = gtk_spinner_new ();
    GtkWidget *label = gtk_label_new (_("Loading the conversation…"));

    gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
    gtk_widget_set_halign (box, GTK_ALIGN_CENTER);
    gtk_widget_set_size_request (spinner, 32, 32);
    gtk_widget_add_css_class (label, "dim-label");
    gtk_box_append (GTK_BOX (box), spinner);
    gtk_box_append (GTK_BOX (box), label);
    g_object_set_data (G_OBJECT (box), "spinner", spinner);
    self->loading_page = box;
  }

  gtk_stack_add_child (GTK_STACK (self->stack), self->empty);
  gtk_stack_add_child (GTK_STACK (self->stack), self->loading_page);

  {
    GtkWidget *retry = ocg_a11y_button_new_with_mnemonic (_("_Try Again"));

    gtk_widget_set_halign (retry, GTK_ALIGN_CENTER);
    gtk_widget_add_css_class (retry, "pill");
    gtk_actionable_set_action_name (GTK_ACTIONABLE (retry), "win.retry-connection");
    self->error_page = adw_status_page_new ();
    adw_status_page_set_icon_name (ADW_STATUS_PAGE (self->error_page), "dialog-warning-symbolic");
    adw_status_page_set_title (ADW_STATUS_PAGE (self->error_page), _("Could Not Load the Conversation"));
    adw_status_page_set_child (ADW_STATUS_PAGE (self->error_page), retry);
    gtk_stack_add_child (GTK_STACK (self->stack), self->error_page);
  }
  gtk_stack_add_child (GTK_STACK (self->stack), self->overlay);
}

GtkWidget *
ocg_chat_view_new (OcgStore *store)
{
  OcgChatView *self;

  g_return_val_if_fail (OCG_IS_STORE (store), NULL);

  self = g_object_new (OCG_TYPE_CHAT_VIEW, NULL);
  self->store = g_object_ref (store);
  return GTK_WIDGET (self);
}
