/* bench-notmuch-walk.c - the notmuch part of a kith rebuild, alone
 *
 * Copyright © 2026 the kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Walks every message of the notmuch database (NOTMUCH_CONFIG) in
 * notmuch's order and asks each for what kith's indexer asks of it:
 * message id, thread id, file name, date and tags.  Nothing else: no
 * file is opened.  make bench times it beside the rebuild, as the floor
 * that any indexer reading notmuch message by message starts from.
 */

#include <stdio.h>
#include <string.h>

#include <notmuch.h>

int
main (void)
{
    notmuch_database_t *db = NULL;
    notmuch_query_t *query = NULL;
    notmuch_messages_t *messages = NULL;
    unsigned long count = 0, sum = 0;
    char *message = NULL;

    if (notmuch_database_open_with_config (NULL, NOTMUCH_DATABASE_MODE_READ_ONLY, NULL, NULL,
					   &db, &message)) {
	fprintf (stderr, "cannot open the notmuch database: %s\n", message ? message : "?");
	return 1;
    }
    if (notmuch_query_create_with_syntax (db, "*", NOTMUCH_QUERY_SYNTAX_XAPIAN, &query) ||
	(notmuch_query_set_sort (query, NOTMUCH_SORT_UNSORTED),
	 notmuch_query_search_messages (query, &messages))) {
	fprintf (stderr, "cannot query the notmuch database\n");
	return 1;
    }
    for (; notmuch_messages_valid (messages); notmuch_messages_move_to_next (messages)) {
	notmuch_message_t *m = notmuch_messages_get (messages);
	const char *filename = notmuch_message_get_filename (m);
	notmuch_tags_t *tags;

	sum += strlen (notmuch_message_get_message_id (m));
	sum += strlen (notmuch_message_get_thread_id (m));
	sum += filename ? strlen (filename) : 0;
	sum += (unsigned long) notmuch_message_get_date (m);
	for (tags = notmuch_message_get_tags (m); notmuch_tags_valid (tags);
	     notmuch_tags_move_to_next (tags))
	    sum++;
	notmuch_tags_destroy (tags);
	notmuch_message_destroy (m);
	count++;
    }
    printf ("%lu messages (%lu)\n", count, sum);
    notmuch_query_destroy (query);
    notmuch_database_destroy (db);
    return 0;
}
