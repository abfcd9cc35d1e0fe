package migrate_test

import (
	"errors"
	"io"
	"net"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
)

// cutProxy forwards TCP connections to a server and can cut them all in the
// middle of a response: once armed, it drops every proxied connection after
// forwarding a number of further bytes from the server.
type cutProxy struct {
	ln      net.Listener
	backend string
	cuts    atomic.Int64 // how many times the connections were cut

	mu    sync.Mutex
	conns map[net.Conn]bool
	armed bool
	left  int64 // bytes from the server still forwarded before the cut
}

// newCutProxy listens on 127.0.0.1 and forwards to backend (host:port)
// until the test ends.
func newCutProxy(t *testing.T, backend string) *cutProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	p := &cutProxy{ln: ln, backend: backend, conns: map[net.Conn]bool{}}
	go p.serve()
	t.Cleanup(func() {
		ln.Close()
		p.cutAll()
	})
	return p
}

// via rewrites a URL to reach its server through the proxy.
func (p *cutProxy) via(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("parse %s: %v", raw, err)
	}
	u.Host = p.ln.Addr().String()
	return u.String()
}

// armAfter cuts every connection once n more bytes came from the server;
// the bytes after those n are not forwarded.
func (p *cutProxy) armAfter(n int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.armed, p.left = true, n
}

func (p *cutProxy) serve() {
	for {
		client, err := p.ln.Accept()
		if err != nil {
			return
		}
		server, err := net.Dial("tcp", p.backend)
		if err != nil {
			client.Close()
			continue
		}
		p.track(client, server)
		go p.pipe(server, client, false)
		go p.pipe(client, server, true)
	}
}

func (p *cutProxy) track(conns ...net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range conns {
		p.conns[c] = true
	}
}

// pipe copies src to dst; fromServer counts the bytes against the budget.
func (p *cutProxy) pipe(dst, src net.Conn, fromServer bool) {
	defer dst.Close()
	buf := make([]byte, 4096)
	for {
		n, err := src.Read(buf)
		pass, cut := n, false
		if fromServer {
			pass, cut = p.allow(n)
		}
		if pass > 0 {
			if _, werr := dst.Write(buf[:pass]); werr != nil {
				return
			}
		}
		if cut {
			p.cutAll()
			return
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				src.Close()
			}
			return
		}
	}
}

// allow says how many of n bytes from the server pass, and whether the
// cut is due after them.
func (p *cutProxy) allow(n int) (pass int, cut bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.armed {
		return n, false
	}
	if int64(n) < p.left {
		p.left -= int64(n)
		return n, false
	}
	pass, p.armed, p.left = int(p.left), false, 0
	return pass, true
}

// cutAll closes every proxied connection at once, as a network failure would.
func (p *cutProxy) cutAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.conns) > 0 {
		p.cuts.Add(1)
	}
	for c := range p.conns {
		c.Close()
		delete(p.conns, c)
	}
}
