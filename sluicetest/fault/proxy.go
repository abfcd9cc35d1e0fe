// Package fault is a fault-injecting TCP proxy for tests: put it between
// Sluice and a database server, then reset every connection, cut the server
// off for a while, cut in the middle of a reply, or slow the link down.
package fault

import (
	"errors"
	"io"
	"net"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Proxy forwards TCP connections to one server until the test ends.
type Proxy struct {
	ln      net.Listener
	backend string
	cuts    atomic.Int64 // times live connections were cut
	refused atomic.Int64 // connections refused while cut off

	mu          sync.Mutex
	conns       map[net.Conn]bool
	refuseUntil time.Time
	latency     time.Duration // added to each read forwarded, both ways
	rate        int64         // bytes per second per direction of a link; 0: unlimited
	armed       bool
	left        int64 // bytes from the server still forwarded before an armed cut
}

// New listens on 127.0.0.1 and forwards to backend (host:port).
func New(t testing.TB, backend string) *Proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("fault proxy: listen: %v", err)
	}
	p := &Proxy{ln: ln, backend: backend, conns: map[net.Conn]bool{}}
	go p.serve()
	t.Cleanup(func() {
		ln.Close()
		p.closeAll()
	})
	return p
}

// For starts a proxy to the server of a database URL and returns it with
// the URL rewritten to go through it.
func For(t testing.TB, rawURL string) (*Proxy, string) {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatalf("fault proxy: parse %s: %v", rawURL, err)
	}
	p := New(t, u.Host)
	return p, p.Via(t, rawURL)
}

// Via rewrites a URL to reach its server through the proxy.
func (p *Proxy) Via(t testing.TB, rawURL string) string {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatalf("fault proxy: parse %s: %v", rawURL, err)
	}
	u.Host = p.ln.Addr().String()
	return u.String()
}

// Addr is the proxy's host:port, which URLs through it name.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// Cuts is how many times live connections were cut.
func (p *Proxy) Cuts() int64 { return p.cuts.Load() }

// Refused is how many new connections were refused while cut off.
func (p *Proxy) Refused() int64 { return p.refused.Load() }

// Reset drops every live connection at once, as a network failure or a
// server restart does; new connections go through.
func (p *Proxy) Reset() {
	if p.closeAll() > 0 {
		p.cuts.Add(1)
	}
}

// Cut drops every live connection and refuses new ones for d: the server
// is out of reach for that long.
func (p *Proxy) Cut(d time.Duration) {
	p.mu.Lock()
	p.refuseUntil = time.Now().Add(d)
	p.mu.Unlock()
	p.cuts.Add(1) // counted even when no connection was live at the time
	p.closeAll()
}

// Heal ends a cut, the latency and the bandwidth limit.
func (p *Proxy) Heal() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.refuseUntil, p.latency, p.rate, p.armed = time.Time{}, 0, 0, false
}

// SetLatency delays every read forwarded, in both directions, by d.
func (p *Proxy) SetLatency(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.latency = d
}

// SetBandwidth limits each direction of each connection to bytesPerSecond
// (0: unlimited).
func (p *Proxy) SetBandwidth(bytesPerSecond int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rate = bytesPerSecond
}

// CutAfter drops every connection once n more bytes came from the server;
// the bytes after those n are not forwarded.
func (p *Proxy) CutAfter(n int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.armed, p.left = true, n
}

func (p *Proxy) serve() {
	for {
		client, err := p.ln.Accept()
		if err != nil {
			return
		}
		if p.refusing() {
			p.refused.Add(1)
			client.Close()
			continue
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

func (p *Proxy) refusing() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return time.Now().Before(p.refuseUntil)
}

func (p *Proxy) track(conns ...net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range conns {
		p.conns[c] = true
	}
}

// untrack closes c and forgets it.
func (p *Proxy) untrack(c net.Conn) {
	c.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.conns, c)
}

// pipe copies src to dst; fromServer counts the bytes against an armed cut.
func (p *Proxy) pipe(dst, src net.Conn, fromServer bool) {
	defer p.untrack(dst)
	buf := make([]byte, 16<<10)
	for {
		n, err := src.Read(buf)
		pass, cut := n, false
		if fromServer {
			pass, cut = p.allow(n)
		}
		if pass > 0 {
			p.shape(pass)
			if _, werr := dst.Write(buf[:pass]); werr != nil {
				src.Close()
				return
			}
		}
		if cut {
			p.Reset()
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

// shape waits as the latency and the bandwidth limit say for n bytes.
func (p *Proxy) shape(n int) {
	p.mu.Lock()
	latency, rate := p.latency, p.rate
	p.mu.Unlock()
	wait := latency
	if rate > 0 {
		wait += time.Duration(int64(n) * int64(time.Second) / rate)
	}
	if wait > 0 {
		time.Sleep(wait)
	}
}

// allow says how many of n bytes from the server pass, and whether the
// armed cut is due after them.
func (p *Proxy) allow(n int) (pass int, cut bool) {
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

// closeAll closes every proxied connection and says how many there were.
func (p *Proxy) closeAll() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := len(p.conns)
	for c := range p.conns {
		c.Close()
		delete(p.conns, c)
	}
	return n
}
