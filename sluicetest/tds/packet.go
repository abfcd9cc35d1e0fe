package tds

import (
	"encoding/binary"
	"fmt"
	"io"
)

// TDS packet types (MS-TDS 2.2.3.1.1).
const (
	packetBatch     = 0x01
	packetRPC       = 0x03
	packetReply     = 0x04
	packetAttention = 0x06
	packetTxnMgr    = 0x0E
	packetLogin7    = 0x10
	packetPrelogin  = 0x12
)

const (
	statusEOM = 0x01
	// statusResetConnection asks the server to reset the session first.
	statusResetConnection = 0x08
	headerSize            = 8
	defaultPacketSize     = 4096
	maxClientPacketSize   = 32767
	maxMessageSize        = 256 << 20 // a client message larger than this is refused
)

// message is one client message: the payload of its packets up to the one
// marked end-of-message.
type message struct {
	typ     byte
	payload []byte
	reset   bool // the client asked for a connection reset (sp_reset_connection)
}

// readMessage reads packets until end-of-message.
func readMessage(r io.Reader) (message, error) {
	var m message
	hdr := make([]byte, headerSize)
	for {
		if _, err := io.ReadFull(r, hdr); err != nil {
			return m, err
		}
		size := int(binary.BigEndian.Uint16(hdr[2:]))
		if size < headerSize {
			return m, fmt.Errorf("packet length %d is shorter than its header", size)
		}
		m.typ = hdr[0]
		m.reset = m.reset || hdr[1]&statusResetConnection != 0
		start := len(m.payload)
		if start+size > maxMessageSize {
			return m, fmt.Errorf("client message over %d bytes", maxMessageSize)
		}
		m.payload = append(m.payload, make([]byte, size-headerSize)...)
		if _, err := io.ReadFull(r, m.payload[start:]); err != nil {
			return m, err
		}
		if hdr[1]&statusEOM != 0 {
			return m, nil
		}
	}
}

// msgWriter sends one server message, split into packets of the
// negotiated size, flushing each full packet as it fills so that a large
// result streams.
type msgWriter struct {
	w        io.Writer
	size     int
	typ      byte
	buf      []byte
	packetID byte
	spid     uint16
}

func newMsgWriter(w io.Writer, size int, spid int) *msgWriter {
	return &msgWriter{w: w, size: size, typ: packetReply, spid: uint16(spid)}
}

// write queues data; full packets go out at once.
func (m *msgWriter) write(data []byte) error {
	m.buf = append(m.buf, data...)
	for len(m.buf) > m.size-headerSize {
		if err := m.packet(m.buf[:m.size-headerSize], false); err != nil {
			return err
		}
		m.buf = m.buf[m.size-headerSize:]
	}
	return nil
}

// finish sends the rest as the last packet of the message.
func (m *msgWriter) finish() error {
	err := m.packet(m.buf, true)
	m.buf = m.buf[:0]
	m.packetID = 0
	return err
}

func (m *msgWriter) packet(data []byte, last bool) error {
	hdr := make([]byte, headerSize, headerSize+len(data))
	hdr[0] = m.typ
	if last {
		hdr[1] = statusEOM
	}
	binary.BigEndian.PutUint16(hdr[2:], uint16(headerSize+len(data)))
	binary.BigEndian.PutUint16(hdr[4:], m.spid)
	m.packetID++
	hdr[6] = m.packetID
	_, err := m.w.Write(append(hdr, data...))
	return err
}
