/*
 * shiplab-shell-relay: the learner's terminal, served from inside the box.
 *
 * Started by the box's init (box-init.sh) before it becomes the box's Docker daemon, it
 * listens on a socket in /shiplab (the small host folder the server reaches the box
 * through). For each connection the server makes, it opens a pty, starts `bash -l` on it
 * and relays bytes both ways. The shell is a child of the box's own init: it has the box's
 * namespaces (user namespace too), cgroup and limits, capabilities and seccomp filter by
 * construction, like every other process in the box.
 *
 * Why: a shell opened as an exec through the engine passes every keystroke and its echo
 * through the engine and the container's shim, four more copies each way. Measured on the
 * bench (issue 10), that was most of the echo's cost over a bare local shell.
 *
 * The server does not trust what comes out of here (the learner is root in the box and may
 * replace this program): it reads frames of bounded size and nothing else.
 *
 * Protocol, both ways: frames of 1 type byte, a 4-byte big-endian length, the payload.
 *   server -> relay  'o' rows:u16 cols:u16   first frame: open the shell at this size
 *                    'i' bytes               keystrokes for the shell
 *                    'w' rows:u16 cols:u16   the window's new size
 *   relay -> server  'd' bytes               what the shell printed
 *                    'x' status:i32          the shell ended (128+N for signal N); then EOF
 * The server closing the connection hangs the shell up (SIGHUP to its session).
 *
 * Each connection's process leads the shell's session (the pty is its controlling terminal)
 * and starts bash as its child, in a process group of its own: so that it may give the
 * terminal back to the shell (see give_back_terminal), which only a process of the session can.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_FRAME (1u << 20)    /* the server sends at most 64 KiB of input at a time */
#define MAX_PENDING (4u << 20)  /* keystrokes not yet taken by the shell */

static int write_all(int fd, const void *buf, size_t len) {
  const char *p = buf;
  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) {
        struct pollfd w = {fd, POLLOUT, 0};
        poll(&w, 1, -1);
        continue;
      }
      return -1;
    }
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

/* Fills in a frame's head (type and length) in the 5 bytes before its payload. */
static void frame_head(unsigned char *head, char type, uint32_t len) {
  head[0] = (unsigned char)type;
  head[1] = len >> 24;
  head[2] = len >> 16;
  head[3] = len >> 8;
  head[4] = len;
}

static uint32_t be32(const unsigned char *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }
static uint16_t be16(const unsigned char *p) { return (uint16_t)(p[0] << 8 | p[1]); }

/* Reads exactly len bytes (blocking); -1 on EOF or error. */
static int read_exact(int fd, unsigned char *buf, size_t len) {
  while (len > 0) {
    ssize_t n = read(fd, buf, len);
    if (n == 0) return -1;
    if (n < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    buf += n;
    len -= (size_t)n;
  }
  return 0;
}

static struct winsize size_of(const unsigned char *p) {
  struct winsize ws = {0};
  ws.ws_row = be16(p);
  ws.ws_col = be16(p + 2);
  if (ws.ws_row == 0) ws.ws_row = 24;
  if (ws.ws_col == 0) ws.ws_col = 80;
  return ws;
}

static int exit_status(int st) { return WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : -1; }

/*
 * Hangs the shell up as a terminal's line dropping does: SIGHUP to it (bash passes it on to
 * its jobs) and the pty closed; SIGKILL after 2 s if it ignores that. Returns its status.
 */
static int end_shell(pid_t shell, int master) {
  int st = 0;
  kill(-shell, SIGHUP);
  close(master);
  for (int i = 0; i < 20; i++) {
    if (waitpid(shell, &st, WNOHANG) == shell) return exit_status(st);
    usleep(100000);
  }
  kill(-shell, SIGKILL);
  waitpid(shell, &st, 0);
  return exit_status(st);
}

/*
 * Whether the shell is waiting for a key at its prompt: blocked in readline's wait on its
 * terminal (pselect on fd 0, or read of fd 0), as /proc tells. A shell waiting for its
 * foreground job is in wait4 instead; one running says "running".
 */
static int waiting_for_keys(pid_t shell) {
  char path[64], line[256];
  snprintf(path, sizeof path, "/proc/%d/syscall", (int)shell);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  ssize_t n = read(fd, line, sizeof line - 1);
  close(fd);
  if (n <= 0) return 0;
  line[n] = 0;
  char *end;
  long nr = strtol(line, &end, 10);
  if (end == line) return 0; /* "running" */
  unsigned long first = strtoul(end, NULL, 16);
  if (nr == __NR_read) return first == 0;
  if (nr == __NR_pselect6) return first == 1;
#ifdef __NR_select
  if (nr == __NR_select) return first == 1;
#endif
  return 0;
}

/*
 * Gives the terminal back to the shell when the shell waits at its prompt while another
 * process group holds the terminal. Bash 5.2 is left so when Ctrl-C lands between its fork
 * of a command and the child taking the terminal: bash abandons the command, takes the
 * terminal back and prints its prompt; then the child, in a process group of its own,
 * takes the terminal, and bash no longer waits for it. Bash's next read of the terminal
 * fails (EIO, as for any background reader) and it logs out: the learner's shell ends by
 * itself (measured: about 1 shell in 60 under load, Ctrl-C on a loop of short commands).
 * Checked before keystrokes reach the shell, which is when bash would read. The child is
 * left in the background; a job that took the terminal on purpose loses it as it would to
 * any shell that does not wait for it.
 */
static void give_back_terminal(pid_t shell, int master) {
  pid_t holder = 0;
  if (ioctl(master, TIOCGPGRP, &holder) < 0 || holder == shell || !waiting_for_keys(shell)) return;
  ioctl(master, TIOCSPGRP, &shell);
}

/* Gives the shell what it can take of the keystrokes waiting for it (the pty is non-blocking). */
static void write_keys(pid_t shell, int master, unsigned char *pending, size_t *pending_len) {
  give_back_terminal(shell, master);
  ssize_t n = write(master, pending, *pending_len);
  if (n > 0) {
    memmove(pending, pending + n, *pending_len - (size_t)n);
    *pending_len -= (size_t)n;
  }
}

/* One connection: one shell. Runs in a process of its own; never returns. */
static void serve(int conn) {
  unsigned char head[5], opening[4];
  if (read_exact(conn, head, 5) < 0 || head[0] != 'o' || be32(head + 1) != 4 || read_exact(conn, opening, 4) < 0) _exit(1);
  struct winsize ws = size_of(opening);

  signal(SIGCHLD, SIG_DFL);
  /* Leading the session: closing the pty (end_shell) hangs it up and sends us SIGHUP; and
   * giving the terminal to the shell from outside its foreground group sends us SIGTTOU. */
  signal(SIGHUP, SIG_IGN);
  signal(SIGTTOU, SIG_IGN);
  int master, slave;
  if (openpty(&master, &slave, NULL, NULL, &ws) < 0 || setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) < 0) _exit(1);
  fcntl(master, F_SETFD, FD_CLOEXEC);
  pid_t shell = fork();
  if (shell < 0) _exit(1);
  if (shell == 0) {
    close(conn);
    /* Its own process group, in the foreground: bash's job control finds what a login on a
     * terminal gives it. Done here and in the parent, whichever runs first. */
    setpgid(0, 0);
    tcsetpgrp(slave, getpid());
    if (dup2(slave, 0) < 0 || dup2(slave, 1) < 0 || dup2(slave, 2) < 0) _exit(127);
    if (slave > 2) close(slave);
    /* As a fresh process: the relay is started in the background by a non-interactive sh,
     * so it inherits SIGINT and SIGQUIT ignored, and a shell that starts with a signal
     * ignored can never take it back: Ctrl-C would stop nothing. */
    for (int sig = 1; sig < NSIG; sig++) signal(sig, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    setenv("TERM", "xterm-256color", 1);
    setenv("LANG", "C.UTF-8", 1);
    setenv("HOME", "/root", 1);
    if (chdir("/root") < 0) (void)chdir("/");
    execl("/bin/bash", "bash", "-l", (char *)NULL);
    _exit(127);
  }
  setpgid(shell, shell);
  close(slave); /* only the shell's side holds it: its end shows as EIO on the master */
  fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);

  /* What the shell printed, after room for its frame's head: one write per frame, so the
   * server wakes once for it, not for a head and then a payload (measured: 1.37 reads
   * of the server's per echo, 1.0 as one write). */
  static unsigned char out[5 + 65536];
  unsigned char *in = malloc(MAX_FRAME + 5); /* frames from the server, as they arrive */
  size_t in_len = 0;
  unsigned char *pending = NULL; /* keystrokes the pty has not taken yet */
  size_t pending_len = 0;
  int status = -1, shell_done = 0, master_open = 1;
  if (!in) _exit(1);

  for (;;) {
    if (!shell_done) {
      int st;
      if (waitpid(shell, &st, WNOHANG) == shell) {
        shell_done = 1;
        status = exit_status(st);
      }
    }
    /* A closed pty (its shell gone, or the shell closed it) is polled no more: it would spin. */
    struct pollfd fds[2] = {{conn, POLLIN, 0}, {master_open ? master : -1, POLLIN | (pending_len ? POLLOUT : 0), 0}};
    /* Once the shell has ended, what it printed last is read without waiting. */
    int ready = poll(fds, 2, shell_done ? 0 : 250);
    if (ready < 0 && errno != EINTR) break;

    if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t n = read(master, out + 5, sizeof out - 5);
      if (n > 0) {
        frame_head(out, 'd', (uint32_t)n);
        if (write_all(conn, out, 5 + (size_t)n) < 0) goto hang_up; /* the server is gone */
      } else if (!(n < 0 && (errno == EAGAIN || errno == EINTR))) {
        master_open = 0; /* EIO: nothing holds the pty's other side any more */
        if (shell_done) break;
      }
    } else if (shell_done) {
      break; /* nothing more to read */
    }
    /* No `continue` above: under sustained output, keystrokes (Ctrl-C) must still get in. */

    if ((fds[1].revents & POLLOUT) && pending_len) write_keys(shell, master, pending, &pending_len);

    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t n = read(conn, in + in_len, MAX_FRAME + 5 - in_len);
      if (n <= 0 && !(n < 0 && errno == EINTR)) goto hang_up; /* the server closed: hang up */
      if (n > 0) in_len += (size_t)n;
      size_t at = 0;
      while (in_len - at >= 5) {
        uint32_t len = be32(in + at + 1);
        if (len > MAX_FRAME) goto hang_up; /* not our server */
        if (in_len - at - 5 < len) break;
        unsigned char type = in[at], *body = in + at + 5;
        if (type == 'i' && len) {
          if (pending_len + len > MAX_PENDING) goto hang_up;
          unsigned char *grown = realloc(pending, pending_len + len);
          if (!grown) goto hang_up;
          pending = grown;
          memcpy(pending + pending_len, body, len);
          pending_len += len;
        } else if (type == 'w' && len == 4) {
          struct winsize next = size_of(body);
          ioctl(master, TIOCSWINSZ, &next);
        }
        at += 5 + len;
      }
      memmove(in, in + at, in_len - at);
      in_len -= at;
      /* At once, not after another poll: the pty almost always has room. */
      if (pending_len && master_open) write_keys(shell, master, pending, &pending_len);
      if (in_len == MAX_FRAME + 5) goto hang_up;
    }
  }
  if (!shell_done) status = end_shell(shell, master);
  unsigned char code[9];
  frame_head(code, 'x', 4);
  for (int i = 0; i < 4; i++) code[5 + i] = (unsigned char)((uint32_t)status >> (24 - 8 * i));
  write_all(conn, code, 9);
  _exit(0);

hang_up:
  if (!shell_done) end_shell(shell, master);
  _exit(0);
}

int main(int argc, char **argv) {
  if (argc != 2 || strlen(argv[1]) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
    fprintf(stderr, "usage: %s SOCKET\n", argv[0]);
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  signal(SIGCHLD, SIG_IGN); /* connections' processes are reaped by the kernel */

  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  strcpy(addr.sun_path, argv[1]);
  int listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  unlink(argv[1]);
  if (listener < 0 || bind(listener, (struct sockaddr *)&addr, sizeof addr) < 0 || chmod(argv[1], 0600) < 0 || listen(listener, 64) < 0) {
    perror("shiplab-shell-relay");
    return 1;
  }
  for (;;) {
    int conn = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
    if (conn < 0) {
      if (errno != EINTR) usleep(10000);
      continue;
    }
    pid_t child = fork();
    if (child == 0) {
      close(listener);
      serve(conn);
    }
    close(conn);
  }
}
