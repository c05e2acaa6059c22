/* The physical floor of one skerry cycle's network part: read /proc/net/{tcp,tcp6,udp,udp6,dev}
 * once each with read(2) into a buffer, parsing nothing. Reads in 64 KiB requests (skerry asks for 8 KiB;
 * the kernel hands out a /proc table one page per read whatever is asked, so both make the same calls).
 * With "all", also every other file the default collectors read, the listing of /proc and of
 * /sys/class/thermal and a statvfs of /: what any agent reporting the same metrics must ask the kernel.
 *   floor CYCLES INTERVAL_MS [all]   (prints the CPU time per cycle in milliseconds, from getrusage,
 *                                     and the bytes read per cycle)
 */
#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

static const char *files[] = {"/proc/net/tcp", "/proc/net/tcp6", "/proc/net/udp", "/proc/net/udp6", "/proc/net/dev"};
static const char *other_files[] = {"/proc/stat", "/proc/meminfo", "/proc/loadavg", "/proc/uptime", "/proc/modules",
                                    "/proc/net/route", "/proc/net/if_inet6", "/proc/net/fib_trie", "/run/utmp", "/proc/self/status"};
static char buffer[64 * 1024];

static long read_file(const char *path) {
    long bytes = 0;
    int fd = open(path, O_RDONLY);
    if (fd < 0) return 0; /* no such file on this host: nothing to read */
    ssize_t n;
    while ((n = read(fd, buffer, sizeof buffer)) > 0) bytes += n;
    close(fd);
    return bytes;
}

static void list(const char *path) {
    DIR *dir = opendir(path);
    if (dir == NULL) return;
    while (readdir(dir) != NULL) {
    }
    closedir(dir);
}

static double cpu_ms(void) {
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e3 + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e3;
}

int main(int argc, char **argv) {
    int cycles = argc > 1 ? atoi(argv[1]) : 10;
    long interval_ms = argc > 2 ? atol(argv[2]) : 0;
    int all = argc > 3 && strcmp(argv[3], "all") == 0;
    long bytes = 0;
    double start = cpu_ms();
    for (int c = 0; c < cycles; c++) {
        for (unsigned f = 0; f < sizeof files / sizeof *files; f++) {
            bytes += read_file(files[f]);
        }
        if (all) {
            struct statvfs root;
            for (unsigned f = 0; f < sizeof other_files / sizeof *other_files; f++) {
                bytes += read_file(other_files[f]);
            }
            list("/proc");
            list("/sys/class/thermal");
            statvfs("/", &root);
        }
        if (interval_ms > 0) {
            struct timespec pause = {interval_ms / 1000, (interval_ms % 1000) * 1000000L};
            nanosleep(&pause, NULL);
        }
    }
    printf("%.3f %ld\n", (cpu_ms() - start) / cycles, bytes / cycles);
    return 0;
}
