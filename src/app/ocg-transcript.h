/* ocg-transcript.h: a session's turns as rows small enough to virtualize
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ocg-part.h"
#include "ocg-store.h"
#include "ocg-turn-model.h"

G_BEGIN_DECLS

typedef enum {
  OCG_TRANSCRIPT_HEAD,    /* the user's message and the timeline */
  OCG_TRANSCRIPT_ANSWER,  /* a run of Markdown blocks of one text part */
  OCG_TRANSCRIPT_FOOT,    /* figures and the error that ended the turn */
  OCG_TRANSCRIPT_MORE,    /* what is not shown yet of a very long text part */
} OcgTranscriptKind;

#define OCG_TYPE_TRANSCRIPT_ITEM (ocg_transcript_item_get_type ())
G_DECLARE_FINAL_TYPE (OcgTranscriptItem, ocg_transcript_item, OCG, TRANSCRIPT_ITEM, GObject)

OcgTranscriptKind ocg_transcript_item_get_kind  (OcgTranscriptItem *self);
OcgTurn          *ocg_transcript_item_get_turn  (OcgTranscriptItem *self);
OcgPart          *ocg_transcript_item_get_part  (OcgTranscriptItem *self);
gboolean          ocg_transcript_item_same_place (OcgTranscriptItem *self,
                                                  OcgTranscriptItem *other);
const char       *ocg_transcript_item_get_text  (OcgTranscriptItem *self,
                                                 gsize             *len);
gsize             ocg_transcript_item_get_n_hidden_bytes (OcgTranscriptItem *self);

#define OCG_TYPE_TRANSCRIPT (ocg_transcript_get_type ())
G_DECLARE_FINAL_TYPE (OcgTranscript, ocg_transcript, OCG, TRANSCRIPT, GObject)

OcgTranscript *ocg_transcript_new          (OcgStore      *store,
                                            OcgTurnModel  *turns,
                                            guint          min_items);
OcgTurnModel  *ocg_transcript_get_turns    (OcgTranscript *self);
guint          ocg_transcript_reveal_older (OcgTranscript *self,
                                            guint          min_items);
guint          ocg_transcript_get_n_hidden (OcgTranscript *self);
void           ocg_transcript_show_more    (OcgTranscript     *self,
                                            OcgTranscriptItem *more);

G_END_DECLS
