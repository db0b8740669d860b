/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * link: the two-host flight's ssh, between two emulated hosts on a
 * private emulated wire (no authentication: test hosts only).
 *
 *   flight-link serve PORT...          on each PORT, for each connection:
 *                                      read a command line (up to '\n'),
 *                                      run it with /bin/sh -c, the
 *                                      connection as its stdin and stdout,
 *                                      stderr appended to /run/link.log
 *   flight-link connect HOST PORT CMD...
 *                                      send CMD (words joined by spaces)
 *                                      and '\n', then copy stdin to the
 *                                      connection (half-closing it at
 *                                      EOF) and the connection to stdout
 *                                      until the peer closes it
 *
 * xl migrate -s runs "flight-pair-shim HOST xl migrate-receive ...",
 * which connects here; the migration stream crosses the emulated NIC.
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io-util.h"

#define CMD_MAX   4096
#define BUF_SIZE  (64 * 1024)
#define PORTS_MAX 16

/* A connection's command: its first line, read a byte at a time so that
 * nothing after it is taken from the command's stdin. */
static int read_cmd(int fd, char *cmd)
{
    size_t n = 0;

    while ( n < CMD_MAX - 1 )
    {
        ssize_t r = read(fd, cmd + n, 1);

        if ( r < 0 && errno == EINTR )
            continue;
        if ( r <= 0 )
            return -1;
        if ( cmd[n] == '\n' )
        {
            cmd[n] = '\0';
            return 0;
        }
        n++;
    }
    return -1;
}

static void run_cmd(int s)
{
    char cmd[CMD_MAX];
    int log;

    if ( read_cmd(s, cmd) )
        _exit(1);
    log = open("/run/link.log", O_WRONLY | O_CREAT | O_APPEND, 0644);
    if ( dup2(s, 0) < 0 || dup2(s, 1) < 0 ||
         (log >= 0 && dup2(log, 2) < 0) )
        _exit(1);
    if ( s > 2 )
        close(s);
    if ( log > 2 )
        close(log);
    signal(SIGPIPE, SIG_DFL);
    signal(SIGCHLD, SIG_DFL);           /* the server's, not the command's */
    execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
    _exit(127);
}

static int serve(int argc, char **argv)
{
    struct pollfd p[PORTS_MAX];
    int i, n = argc;

    if ( n < 1 || n > PORTS_MAX )
        return 2;
    signal(SIGCHLD, SIG_IGN);               /* no zombies */
    for ( i = 0; i < n; i++ )
    {
        struct sockaddr_in a = { .sin_family = AF_INET };
        int one = 1;

        a.sin_port = htons(atoi(argv[i]));
        p[i].fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        p[i].events = POLLIN;
        if ( p[i].fd < 0 ||
             setsockopt(p[i].fd, SOL_SOCKET, SO_REUSEADDR, &one,
                        sizeof(one)) ||
             bind(p[i].fd, (struct sockaddr *)&a, sizeof(a)) ||
             listen(p[i].fd, 8) )
        {
            perror("flight-link: listen");
            return 1;
        }
    }
    for ( ;; )
    {
        if ( poll(p, n, -1) < 0 )
        {
            if ( errno == EINTR )
                continue;
            perror("flight-link: poll");
            return 1;
        }
        for ( i = 0; i < n; i++ )
        {
            int s;

            if ( !(p[i].revents & POLLIN) )
                continue;
            s = accept(p[i].fd, NULL, NULL);
            if ( s < 0 )
                continue;
            if ( fork() == 0 )
            {
                int j;

                for ( j = 0; j < n; j++ )
                    close(p[j].fd);
                run_cmd(s);
            }
            close(s);
        }
    }
}

static int connect_to(int argc, char **argv)
{
    struct sockaddr_in a = { .sin_family = AF_INET };
    static char buf[BUF_SIZE];
    char cmd[CMD_MAX];
    struct pollfd p[2];
    size_t len = 0;
    int s, i, in_open = 1;

    if ( argc < 3 )
        return 2;
    a.sin_port = htons(atoi(argv[1]));
    if ( inet_pton(AF_INET, argv[0], &a.sin_addr) != 1 )
        return 2;
    for ( i = 2; i < argc; i++ )
    {
        int w = snprintf(cmd + len, sizeof(cmd) - len, "%s%s",
                         i > 2 ? " " : "", argv[i]);

        if ( w < 0 || (size_t)w >= sizeof(cmd) - len - 1 )
            return 2;
        len += w;
    }
    cmd[len++] = '\n';

    s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if ( s < 0 || connect(s, (struct sockaddr *)&a, sizeof(a)) ||
         flight_write_all(s, cmd, len) )
    {
        perror("flight-link: connect");
        return 1;
    }
    p[0].fd = 0;
    p[1].fd = s;
    for ( ;; )
    {
        p[0].events = in_open ? POLLIN : 0;
        p[1].events = POLLIN;
        if ( poll(p, 2, -1) < 0 )
        {
            if ( errno == EINTR )
                continue;
            return 1;
        }
        if ( p[0].revents & (POLLIN | POLLHUP | POLLERR) )
        {
            ssize_t n = read(0, buf, sizeof(buf));

            if ( n <= 0 )
            {
                in_open = 0;
                shutdown(s, SHUT_WR);
            }
            else if ( flight_write_all(s, buf, n) )
                return 1;
        }
        if ( p[1].revents & (POLLIN | POLLHUP | POLLERR) )
        {
            ssize_t n = read(s, buf, sizeof(buf));

            if ( n <= 0 )
                return n < 0;
            if ( flight_write_all(1, buf, n) )
                return 1;
        }
    }
}

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    if ( argc >= 2 && !strcmp(argv[1], "serve") )
        return serve(argc - 2, argv + 2);
    if ( argc >= 2 && !strcmp(argv[1], "connect") )
        return connect_to(argc - 2, argv + 2);
    fprintf(stderr, "usage: flight-link serve PORT... | "
            "flight-link connect HOST PORT CMD...\n");
    return 2;
}
