/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * frame-prefetch.c - one thread reads ahead the next frame of the client
 * whose current frame ends first (frame-prefetch.h).
 *
 * Buffers: each client's reader owns one buffer, holding the client's
 * current frame; the prefetcher owns one spare. A read ahead swaps the
 * spare into the client's reader (the current frame stays valid in the
 * buffer handed out, kept as the client's @held) and decompresses into it;
 * taking the frame gives @held back as the spare. So only one read ahead
 * is outstanding, and memory grows by one frame.
 *
 * The lock guards the client flags, the job and the spare. While in
 * flight, only the thread touches the client's reader and held diags.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frame-prefetch.h"
#include "frame-private.h"

#define DETAIL_MAX 192

struct held_diag {
	struct xt_diag d;
	char detail[DETAIL_MAX];
};

struct prefetch_client {
	struct frame_prefetch *p; /* NULL: inline only */
	unsigned index;           /* in p->clients */
	struct xt_frame_reader *fr;
	xt_diag_fn diag;
	void *userdata;
	uint64_t end_tod;
	bool wanted;    /* has a current frame and nothing read ahead: a candidate */
	bool in_flight; /* the thread reads for it */
	bool ready;     /* a frame read ahead waits to be taken */
	bool holding;   /* the reader's diags are held (the thread reads) */
	int result;
	const struct xt_frame_header *header;
	const void *payload;
	uint8_t *held;  /* buffer of the current frame while the reader fills the spare */
	size_t held_cap;
	struct held_diag *diags;
	size_t nr_diags, cap_diags;
};

struct frame_prefetch {
	pthread_t id;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stop;
	struct prefetch_client *job; /* in flight */
	bool spare_free;             /* no frame read ahead is waiting */
	uint8_t *spare;
	size_t spare_cap;
	struct prefetch_client **clients;
	unsigned nr_clients, cap_clients;
};

/* Reads the next frame of @c into the spare (thread side, lock not held). */
static void read_ahead(struct prefetch_client *c, uint8_t *spare, size_t spare_cap)
{
	c->held = spare;
	c->held_cap = spare_cap;
	xt_frame_reader_swap_buffer(c->fr, &c->held, &c->held_cap);
	c->result = xt_frame_reader_next(c->fr, &c->header, &c->payload);
}

static void *prefetch_main(void *arg)
{
	struct frame_prefetch *p = arg;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (!p->job && !p->stop)
			pthread_cond_wait(&p->cond, &p->lock);
		if (!p->job)
			break;
		struct prefetch_client *c = p->job;
		uint8_t *spare = p->spare;
		size_t spare_cap = p->spare_cap;

		p->spare = NULL;
		p->spare_cap = 0;
		pthread_mutex_unlock(&p->lock);
		read_ahead(c, spare, spare_cap);
		pthread_mutex_lock(&p->lock);
		c->in_flight = false;
		c->ready = true;
		p->job = NULL;
		pthread_cond_broadcast(&p->cond);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

int frame_prefetch_new(struct frame_prefetch **ret)
{
	struct frame_prefetch *p = calloc(1, sizeof(*p));

	if (!p)
		return -ENOMEM;
	p->spare_free = true;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	if (pthread_create(&p->id, NULL, prefetch_main, p) != 0) {
		pthread_cond_destroy(&p->cond);
		pthread_mutex_destroy(&p->lock);
		free(p);
		return -EAGAIN;
	}
	*ret = p;
	return 0;
}

void frame_prefetch_free(struct frame_prefetch *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stop = true;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	pthread_join(p->id, NULL);
	pthread_cond_destroy(&p->cond);
	pthread_mutex_destroy(&p->lock);
	free(p->spare);
	free(p->clients);
	free(p);
}

/* Holds a copy of @d while the thread reads, or passes it on. */
static void client_diag(const struct xt_diag *d, void *userdata)
{
	struct prefetch_client *c = userdata;
	struct held_diag *h;

	if (!c->holding) {
		if (c->diag)
			c->diag(d, c->userdata);
		return;
	}
	if (c->nr_diags == c->cap_diags) {
		size_t n = c->cap_diags ? 2 * c->cap_diags : 4;

		h = reallocarray(c->diags, n, sizeof(*h));
		if (!h)
			return; /* a report lost for want of memory; the data stays checked */
		c->diags = h;
		c->cap_diags = n;
	}
	h = &c->diags[c->nr_diags++];
	h->d = *d;
	snprintf(h->detail, sizeof(h->detail), "%s", d->detail ? d->detail : "");
	h->d.detail = d->detail ? h->detail : NULL;
}

int prefetch_client_open(const char *path, uint32_t cpu, xt_diag_fn diag, void *userdata,
			 struct prefetch_client **ret)
{
	struct prefetch_client *c = calloc(1, sizeof(*c));
	int r;

	if (!c)
		return -ENOMEM;
	c->diag = diag;
	c->userdata = userdata;
	r = xt_frame_reader_open(path, cpu, client_diag, c, &c->fr);
	if (r < 0) {
		free(c);
		return r;
	}
	*ret = c;
	return 0;
}

int prefetch_client_attach(struct prefetch_client *c, struct frame_prefetch *p)
{
	int r = 0;

	pthread_mutex_lock(&p->lock);
	if (p->nr_clients == p->cap_clients) {
		unsigned n = p->cap_clients ? 2 * p->cap_clients : 16;
		struct prefetch_client **a = reallocarray(p->clients, n, sizeof(*a));

		if (a) {
			p->clients = a;
			p->cap_clients = n;
		} else {
			r = -ENOMEM;
		}
	}
	if (r == 0) {
		c->index = p->nr_clients;
		p->clients[p->nr_clients++] = c;
		c->p = p;
	}
	pthread_mutex_unlock(&p->lock);
	return r;
}

/* Waits until nothing is in flight for @c; with @drop, forgets its frame read ahead. */
static void settle(struct prefetch_client *c, bool drop)
{
	struct frame_prefetch *p = c->p;

	while (c->in_flight)
		pthread_cond_wait(&p->cond, &p->lock);
	if (!drop)
		return;
	c->wanted = false;
	if (!c->ready)
		return;
	c->ready = false;
	c->holding = false;
	c->nr_diags = 0; /* the frames are read again after a seek: reported then */
	p->spare = c->held;
	p->spare_cap = c->held_cap;
	c->held = NULL;
	c->held_cap = 0;
	p->spare_free = true;
}

void prefetch_client_free(struct prefetch_client *c)
{
	struct frame_prefetch *p;

	if (!c)
		return;
	p = c->p;
	if (p) {
		pthread_mutex_lock(&p->lock);
		settle(c, true);
		p->clients[c->index] = p->clients[--p->nr_clients];
		p->clients[c->index]->index = c->index;
		pthread_mutex_unlock(&p->lock);
	}
	xt_frame_reader_free(c->fr);
	free(c->held);
	free(c->diags);
	free(c);
}

/* Starts a read ahead for the candidate whose frame ends first, if the thread is free. */
static void kick(struct frame_prefetch *p)
{
	struct prefetch_client *best = NULL;

	if (p->job || !p->spare_free)
		return;
	for (unsigned i = 0; i < p->nr_clients; i++) {
		struct prefetch_client *c = p->clients[i];

		if (c->wanted && (!best || c->end_tod < best->end_tod))
			best = c;
	}
	if (!best)
		return;
	best->wanted = false;
	best->in_flight = true;
	best->holding = true;
	p->spare_free = false;
	p->job = best;
	pthread_cond_broadcast(&p->cond);
}

void prefetch_client_started(struct prefetch_client *c, uint64_t end_tod)
{
	struct frame_prefetch *p = c->p;

	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	c->end_tod = end_tod;
	c->wanted = true;
	kick(p);
	pthread_mutex_unlock(&p->lock);
}

/* Hands the diags held during the read ahead to the client's diag, in this thread. */
static void replay_diags(struct prefetch_client *c)
{
	for (size_t i = 0; i < c->nr_diags; i++)
		if (c->diag)
			c->diag(&c->diags[i].d, c->userdata);
	c->nr_diags = 0;
}

int prefetch_client_next(struct prefetch_client *c, const struct xt_frame_header **ret_header,
			 const void **ret_payload)
{
	struct frame_prefetch *p = c->p;

	if (p) {
		pthread_mutex_lock(&p->lock);
		settle(c, false);
		c->wanted = false;
		if (c->ready) {
			c->ready = false;
			c->holding = false;
			p->spare = c->held; /* the frame done with */
			p->spare_cap = c->held_cap;
			c->held = NULL;
			c->held_cap = 0;
			p->spare_free = true;
			pthread_mutex_unlock(&p->lock);
			replay_diags(c);
			if (c->result > 0) {
				*ret_header = c->header;
				*ret_payload = c->payload;
			}
			return c->result;
		}
		pthread_mutex_unlock(&p->lock);
	}
	return xt_frame_reader_next(c->fr, ret_header, ret_payload);
}

struct xt_frame_reader *prefetch_client_reader(struct prefetch_client *c, bool drop)
{
	struct frame_prefetch *p = c->p;

	if (p) {
		pthread_mutex_lock(&p->lock);
		settle(c, drop);
		pthread_mutex_unlock(&p->lock);
	}
	return c->fr;
}
