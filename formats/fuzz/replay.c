/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * replay.c - runs a fuzz target's entry point on every file of the corpus
 * directories given as arguments (a normal test in every build).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static int replay_file(const char *dir, const char *name)
{
	char path[4096];
	FILE *f;
	unsigned char *data;
	long len;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "re");
	if (!f || fseek(f, 0, SEEK_END) < 0 || (len = ftell(f)) < 0) {
		fprintf(stderr, "replay: %s: cannot read: %s\n", path, strerror(errno));
		return -1;
	}
	rewind(f);
	data = malloc((size_t)len + 1);
	if (!data || fread(data, 1, (size_t)len, f) != (size_t)len) {
		fprintf(stderr, "replay: %s: cannot read\n", path);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(data, (size_t)len);
	free(data);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned files = 0;

	for (int i = 1; i < argc; i++) {
		struct dirent **names;
		int n = scandir(argv[i], &names, NULL, alphasort);

		if (n < 0) {
			fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
			return 1;
		}
		for (int k = 0; k < n; k++) {
			if (names[k]->d_name[0] != '.') {
				if (replay_file(argv[i], names[k]->d_name) < 0)
					return 1;
				files++;
			}
			free(names[k]);
		}
		free(names);
	}
	if (files == 0) {
		fprintf(stderr, "replay: no corpus files given\n");
		return 1;
	}
	printf("replayed %u files\n", files);
	return 0;
}
