// A bench target that costs far less per request than any generator it is measured with: one
// thread, epoll, answers every request on a keep-alive connection at once with the provider's 200
// (a fresh message_id, the current time, the bench message echoed). The Node raw responder
// (../rawResponder.ts) pays a read and a write syscall per request as a generator does, plus
// JavaScript per request, so on one core it tops out near what the generator sends and a closed
// run measures it, not the generator. This one pays the syscalls and a few hundred instructions.
//
// It understands what the harness and its peers send: HTTP/1.1 requests with a Content-Length
// (or none: no body), pipelined or split over reads; a request with Transfer-Encoding, or a head
// over 64 KiB, gets a 400 and the connection is closed. It prints its port on stdout, then serves
// 127.0.0.1 until it is killed or its parent dies.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_HEAD_BYTES (64 * 1024)
#define READ_BYTES (64 * 1024)
#define MAX_EVENTS 256

struct buffer {
  char *bytes;
  size_t length;
  size_t capacity;
};

struct connection {
  int fd;
  struct buffer in;
  struct buffer out;
  int closing;
};

static unsigned long long next_message_id = 1;
static char created_at[80];
static long long created_at_ms = -1;

static void die(const char *what) {
  perror(what);
  exit(1);
}

static void reserve(struct buffer *buffer, size_t more) {
  if (buffer->length + more <= buffer->capacity) return;
  size_t capacity = buffer->capacity == 0 ? 4096 : buffer->capacity;
  while (capacity < buffer->length + more) capacity *= 2;
  buffer->bytes = realloc(buffer->bytes, capacity);
  if (buffer->bytes == NULL) die("realloc");
  buffer->capacity = capacity;
}

static void append(struct buffer *buffer, const char *bytes, size_t length) {
  reserve(buffer, length);
  memcpy(buffer->bytes + buffer->length, bytes, length);
  buffer->length += length;
}

/** The current time as JavaScript's toISOString() writes it, formatted once per millisecond. */
static const char *now_iso(void) {
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  long long ms = (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
  if (ms != created_at_ms) {
    time_t seconds = now.tv_sec;
    struct tm utc;
    gmtime_r(&seconds, &utc);
    snprintf(created_at, sizeof created_at, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday,
             utc.tm_hour, utc.tm_min, utc.tm_sec, (int)(ms % 1000));
    created_at_ms = ms;
  }
  return created_at;
}

static void append_answer(struct buffer *out) {
  char body[256];
  int body_length = snprintf(body, sizeof body,
                             "{\"message_id\":%llu,\"message_body\":\"Hi, I need help with my order\",\"message_type\":0,\"created_at\":\"%s\"}",
                             next_message_id++, now_iso());
  char head[160];
  int head_length = snprintf(head, sizeof head,
                             "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: keep-alive\r\n\r\n", body_length);
  append(out, head, (size_t)head_length);
  append(out, body, (size_t)body_length);
}

static const char BAD_REQUEST[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

/** The value of a header in `head` (which starts with the request line), or NULL. */
static const char *header_value(const char *head, size_t head_length, const char *name) {
  size_t name_length = strlen(name);
  for (const char *line = memchr(head, '\n', head_length); line != NULL && line < head + head_length;
       line = memchr(line, '\n', (size_t)(head + head_length - line))) {
    line++;
    if ((size_t)(head + head_length - line) > name_length && strncasecmp(line, name, name_length) == 0 && line[name_length] == ':')
      return line + name_length + 1;
  }
  return NULL;
}

/** Answers every whole request in `in`; keeps a partial one for the next read. */
static void answer_requests(struct connection *connection) {
  size_t offset = 0;
  struct buffer *in = &connection->in;
  while (offset < in->length) {
    const char *start = in->bytes + offset;
    const char *head_end = memmem(start, in->length - offset, "\r\n\r\n", 4);
    if (head_end == NULL) {
      if (in->length - offset > MAX_HEAD_BYTES) goto refuse;
      break;
    }
    size_t head_length = (size_t)(head_end - start);
    if (header_value(start, head_length, "transfer-encoding") != NULL) goto refuse;
    const char *length_text = header_value(start, head_length, "content-length");
    size_t body_bytes = 0;
    if (length_text != NULL) {
      while (*length_text == ' ' || *length_text == '\t') length_text++;
      if (*length_text < '0' || *length_text > '9') goto refuse;
      body_bytes = strtoull(length_text, NULL, 10);
    }
    size_t request_end = offset + head_length + 4 + body_bytes;
    if (request_end > in->length) break;
    offset = request_end;
    append_answer(&connection->out);
  }
  memmove(in->bytes, in->bytes + offset, in->length - offset);
  in->length -= offset;
  return;
refuse:
  append(&connection->out, BAD_REQUEST, sizeof BAD_REQUEST - 1);
  in->length = 0;
  connection->closing = 1;
}

static void close_connection(int epoll_fd, struct connection *connection) {
  epoll_ctl(epoll_fd, EPOLL_CTL_DEL, connection->fd, NULL);
  close(connection->fd);
  free(connection->in.bytes);
  free(connection->out.bytes);
  free(connection);
}

/** Writes what is waiting; returns 0 when the connection is done with. */
static int flush(int epoll_fd, struct connection *connection) {
  size_t written = 0;
  while (written < connection->out.length) {
    ssize_t n = send(connection->fd, connection->out.bytes + written, connection->out.length - written, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (n < 0) return 0;
    written += (size_t)n;
  }
  memmove(connection->out.bytes, connection->out.bytes + written, connection->out.length - written);
  connection->out.length -= written;
  struct epoll_event event = {.events = EPOLLIN | (connection->out.length > 0 ? EPOLLOUT : 0), .data.ptr = connection};
  epoll_ctl(epoll_fd, EPOLL_CTL_MOD, connection->fd, &event);
  return !(connection->closing && connection->out.length == 0);
}

int main(void) {
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  signal(SIGPIPE, SIG_IGN);
  int listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  if (listen_fd < 0) die("socket");
  int one = 1;
  setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = 0, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  if (bind(listen_fd, (struct sockaddr *)&address, sizeof address) < 0) die("bind");
  if (listen(listen_fd, 1024) < 0) die("listen");
  socklen_t address_length = sizeof address;
  getsockname(listen_fd, (struct sockaddr *)&address, &address_length);
  printf("%d\n", ntohs(address.sin_port));
  fflush(stdout);

  int epoll_fd = epoll_create1(0);
  if (epoll_fd < 0) die("epoll_create1");
  struct epoll_event listen_event = {.events = EPOLLIN, .data.ptr = NULL};
  epoll_ctl(epoll_fd, EPOLL_CTL_ADD, listen_fd, &listen_event);
  struct epoll_event events[MAX_EVENTS];
  char chunk[READ_BYTES];
  for (;;) {
    int ready = epoll_wait(epoll_fd, events, MAX_EVENTS, -1);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) die("epoll_wait");
    for (int i = 0; i < ready; i++) {
      struct connection *connection = events[i].data.ptr;
      if (connection == NULL) {
        int fd;
        while ((fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
          setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          struct connection *accepted = calloc(1, sizeof *accepted);
          if (accepted == NULL) die("calloc");
          accepted->fd = fd;
          struct epoll_event event = {.events = EPOLLIN, .data.ptr = accepted};
          epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &event);
        }
        continue;
      }
      if (events[i].events & EPOLLIN) {
        ssize_t n = recv(connection->fd, chunk, sizeof chunk, 0);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
          close_connection(epoll_fd, connection);
          continue;
        }
        if (n > 0 && !connection->closing) {
          append(&connection->in, chunk, (size_t)n);
          answer_requests(connection);
        }
      }
      if (connection->out.length > 0 || connection->closing) {
        if (!flush(epoll_fd, connection)) close_connection(epoll_fd, connection);
      } else if (events[i].events & (EPOLLERR | EPOLLHUP)) {
        close_connection(epoll_fd, connection);
      }
    }
  }
}
