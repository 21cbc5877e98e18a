/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/fuzz/replay.h - run a libFuzzer target over a corpus without libFuzzer
 *
 * Included once by each fuzz target after its LLVMFuzzerTestOneInput. Built
 * normally (no -DNFP_LIBFUZZER) it becomes a TAP test that feeds every file
 * of the corpus directories given on the command line, or of
 * $top_srcdir/<dir> for each dir in NFP_FUZZ_CORPUS, to the target: a crash
 * or a sanitizer report fails `make check`.
 */
#ifndef NFP_FUZZ_REPLAY_H
#define NFP_FUZZ_REPLAY_H

#ifndef NFP_LIBFUZZER
#include <dirent.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int replay_file(const char *path)
{
	unsigned char *buf;
	struct stat st;
	FILE *f;
	long n;

	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return -1;
	f = fopen(path, "rb");
	if (!f)
		return -1;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(n > 0 ? (size_t)n : 1);
	if (!buf || (n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n)) {
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, (size_t)n);
	free(buf);
	return 0;
}

static int replay_dir(const char *dir, unsigned int *count)
{
	struct dirent *de;
	char path[4096];
	DIR *d = opendir(dir);

	if (!d)
		return -1;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (replay_file(path) == 0)
			(*count)++;
	}
	closedir(d);
	return 0;
}

int main(int argc, char **argv)
{
	const char *top = getenv("top_srcdir");
	unsigned int count = 0, n = 0;
	char path[4096];
	int i;

	for (i = 1; i < argc; i++) {
		if (replay_dir(argv[i], &count) < 0)
			replay_file(argv[i]) == 0 ? count++ : 0;
		n++;
	}
	if (!n) {
		for (i = 0; NFP_FUZZ_CORPUS[i]; i++) {
			snprintf(path, sizeof(path), "%s/%s", top ? top : ".",
				 NFP_FUZZ_CORPUS[i]);
			replay_dir(path, &count);
		}
	}
	printf("%s %u - corpus replayed without a crash\n",
	       count ? "ok" : "not ok", 1u);
	printf("# %u inputs\n1..1\n", count);
	return count ? 0 : 1;
}
#endif /* NFP_LIBFUZZER */

#endif /* NFP_FUZZ_REPLAY_H */
