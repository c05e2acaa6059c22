/* The physical floor of one skerry cycle's network part: read /proc/net/{tcp,tcp6,udp,udp6,dev}
 * once each with read(2) into a buffer, parsing nothing. Reads in 64 KiB requests, as skerry does.
 *   floor CYCLES INTERVAL_MS   (prints the CPU time per cycle in milliseconds, from getrusage)
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static const char *files[] = {"/proc/net/tcp", "/proc/net/tcp6", "/proc/net/udp", "/proc/net/udp6", "/proc/net/dev"};
static char buffer[64 * 1024];

static double cpu_ms(void) {
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e3 + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e3;
}

int main(int argc, char **argv) {
    int cycles = argc > 1 ? atoi(argv[1]) : 10;
    long interval_ms = argc > 2 ? atol(argv[2]) : 0;
    long bytes = 0;
    double start = cpu_ms();
    for (int c = 0; c < cycles; c++) {
        for (unsigned f = 0; f < sizeof files / sizeof *files; f++) {
            int fd = open(files[f], O_RDONLY);
            if (fd < 0) continue; /* no IPv6: nothing to read */
            ssize_t n;
            while ((n = read(fd, buffer, sizeof buffer)) > 0) bytes += n;
            close(fd);
        }
        if (interval_ms > 0) {
            struct timespec pause = {interval_ms / 1000, (interval_ms % 1000) * 1000000L};
            nanosleep(&pause, NULL);
        }
    }
    printf("%.3f %ld\n", (cpu_ms() - start) / cycles, bytes / cycles);
    return 0;
}
