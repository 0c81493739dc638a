#!/usr/bin/env python3
"""A loopback TCP proxy that a test can cut.

    proxy = Proxy("127.0.0.1", server_port).start()
    client connects to proxy.url ...
    proxy.cut(3)        # drop every connection; new ones fail for 3 s

`cut(seconds, mode=...)` closes all current connections at once, then for
`seconds` treats new connections according to `mode`:

  "reset"     accept and reset at once (RST): the client sees a connection
              error immediately (default)
  "refuse"    close the listening socket: connect() is refused; the same
              port is bound again when the cut ends
  "blackhole" accept and hold silently (no bytes either way); those
              connections are reset when the cut ends

After the cut, connections are forwarded again.  `cut()` returns at once;
`cut(..., wait=True)` returns when the cut is over.  Standard library only.
"""

import socket
import struct
import threading
import time

BUF = 65536


def _reset(sock):
    """Close with RST rather than FIN."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                        struct.pack("ii", 1, 0))
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass


def _close(sock):
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass


class Proxy:
    def __init__(self, target_host, target_port, listen_port=0):
        self.target = (target_host, target_port)
        self.listen_port = listen_port
        self.lock = threading.Lock()
        self.pairs = set()          # (client sock, upstream sock)
        self.held = set()           # black-holed client sockets
        self.cut_until = 0.0
        self.cut_mode = None
        self.cuts = 0
        self.accepted = 0
        self.forwarded = []         # time.monotonic() of each connection forwarded
        self.listener = None
        self.port = None
        self._stopping = False
        self._accept_thread = None
        self._cut_timer = None

    # -- lifecycle ---------------------------------------------------------

    def start(self):
        self._listen()
        return self

    def _listen(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", self.port or self.listen_port))
        s.listen(64)
        self.port = s.getsockname()[1]
        self.listener = s
        self._accept_thread = threading.Thread(
            target=self._accept_loop, args=(s,), name="proxy-accept",
            daemon=True)
        self._accept_thread.start()

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def stop(self):
        self._stopping = True
        if self._cut_timer:
            self._cut_timer.cancel()
        if self.listener:
            _close(self.listener)
            self.listener = None
        self.drop_all()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- control ---------------------------------------------------------

    def drop_all(self):
        """Close every current connection (both directions)."""
        with self.lock:
            pairs, self.pairs = self.pairs, set()
            held, self.held = self.held, set()
        for c, u in pairs:
            _close(c)
            _close(u)
        for c in held:
            _reset(c)
        return len(pairs) + len(held)

    def cut(self, seconds, mode="reset", wait=False):
        """Drop all connections; mishandle new ones for `seconds`."""
        assert mode in ("reset", "refuse", "blackhole")
        with self.lock:
            self.cut_until = time.monotonic() + seconds
            self.cut_mode = mode
            self.cuts += 1
        if mode == "refuse" and self.listener:
            lst, self.listener = self.listener, None
            _close(lst)
        dropped = self.drop_all()
        if self._cut_timer:
            self._cut_timer.cancel()
        self._cut_timer = threading.Timer(seconds, self._end_cut)
        self._cut_timer.daemon = True
        self._cut_timer.start()
        if wait:
            time.sleep(seconds)
            self._cut_timer.join()
        return dropped

    def _end_cut(self):
        with self.lock:
            mode = self.cut_mode
            self.cut_mode = None
            self.cut_until = 0.0
            held, self.held = self.held, set()
        for c in held:
            _reset(c)
        if mode == "refuse" and not self._stopping and self.listener is None:
            for _ in range(50):
                try:
                    self._listen()
                    break
                except OSError:
                    time.sleep(0.1)

    def connections(self):
        with self.lock:
            return len(self.pairs)

    # -- forwarding --------------------------------------------------------

    def _accept_loop(self, lst):
        while not self._stopping:
            try:
                client, _ = lst.accept()
            except OSError:
                return
            with self.lock:
                mode = self.cut_mode if time.monotonic() < self.cut_until \
                    else None
                self.accepted += 1
            if mode == "reset" or mode == "refuse":
                _reset(client)
                continue
            if mode == "blackhole":
                with self.lock:
                    self.held.add(client)
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                _reset(client)
                continue
            for s in (client, upstream):
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            pair = _Pair(client, upstream)
            with self.lock:
                self.pairs.add(pair)
                self.forwarded.append(time.monotonic())
            threading.Thread(target=self._pump, args=(client, upstream, pair),
                             daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, pair),
                             daemon=True).start()

    def _pump(self, src, dst, pair):
        try:
            while True:
                data = src.recv(BUF)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        # Pass the end on (half-close); drop the pair when both ends are done.
        try:
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        with self.lock:
            pair.halves += 1
            finished = pair.halves >= 2
            if finished:
                self.pairs.discard(pair)
        if finished:
            _close(pair.client)
            _close(pair.upstream)


class _Pair:
    __slots__ = ("client", "upstream", "halves")

    def __init__(self, client, upstream):
        self.client = client
        self.upstream = upstream
        self.halves = 0

    def __iter__(self):
        return iter((self.client, self.upstream))


if __name__ == "__main__":
    import argparse
    ap = argparse.ArgumentParser(description="loopback TCP proxy")
    ap.add_argument("target_port", type=int)
    ap.add_argument("--port", type=int, default=0)
    args = ap.parse_args()
    p = Proxy("127.0.0.1", args.target_port, args.port).start()
    print(p.url, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        p.stop()
