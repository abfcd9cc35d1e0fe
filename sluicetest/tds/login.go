package tds

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// Prelogin option tokens (MS-TDS 2.2.6.5).
const (
	preVersion    = 0x00
	preEncryption = 0x01
	preInstOpt    = 0x02
	preThreadID   = 0x03
	preMARS       = 0x04
	preTerminator = 0xFF
	encryptNotSup = 0x02
)

// preloginReply answers a PRELOGIN: version 16.0, encryption not
// supported (the test server has no TLS, so clients send the login in the
// clear), no MARS.
func preloginReply() []byte {
	opts := []struct {
		token byte
		data  []byte
	}{
		{preVersion, []byte{16, 0, 0x10, 0x27, 0, 0}},
		{preEncryption, []byte{encryptNotSup}},
		{preInstOpt, []byte{0}},
		{preThreadID, []byte{}},
		{preMARS, []byte{0}},
	}
	offset := len(opts)*5 + 1
	var head, data []byte
	for _, o := range opts {
		head = append(head, o.token)
		head = binary.BigEndian.AppendUint16(head, uint16(offset+len(data)))
		head = binary.BigEndian.AppendUint16(head, uint16(len(o.data)))
		data = append(data, o.data...)
	}
	return append(append(head, preTerminator), data...)
}

// clientEncryption reads the ENCRYPTION option of a client's PRELOGIN.
func clientEncryption(payload []byte) (byte, error) {
	for i := 0; i+5 <= len(payload) && payload[i] != preTerminator; i += 5 {
		if payload[i] != preEncryption {
			continue
		}
		off := int(binary.BigEndian.Uint16(payload[i+1:]))
		if off >= len(payload) {
			return 0, fmt.Errorf("prelogin encryption option out of range")
		}
		return payload[off], nil
	}
	return 0, fmt.Errorf("prelogin without an encryption option")
}

// login7 is what the server uses of a LOGIN7 message.
type login7 struct {
	tdsVersion uint32
	packetSize int
	readOnly   bool
	user       string
	app        string
	database   string
}

// parseLogin7 reads the fixed part and the variable-length strings the
// server needs (MS-TDS 2.2.6.4). The password is not checked.
func parseLogin7(p []byte) (login7, error) {
	if len(p) < 94 {
		return login7{}, fmt.Errorf("LOGIN7 of %d bytes is too short", len(p))
	}
	l := login7{
		tdsVersion: binary.LittleEndian.Uint32(p[4:]),
		packetSize: int(binary.LittleEndian.Uint32(p[8:])),
		readOnly:   p[26]&0x20 != 0, // TypeFlags fReadOnlyIntent
	}
	str := func(at int) (string, error) {
		off, n := int(binary.LittleEndian.Uint16(p[at:])), int(binary.LittleEndian.Uint16(p[at+2:]))
		if off+2*n > len(p) {
			return "", fmt.Errorf("LOGIN7 field at %d runs past the message", at)
		}
		return decodeUCS2(p[off : off+2*n]), nil
	}
	var err error
	if l.user, err = str(40); err != nil {
		return l, err
	}
	if l.app, err = str(48); err != nil {
		return l, err
	}
	if l.database, err = str(68); err != nil {
		return l, err
	}
	return l, nil
}

// login checks a LOGIN7 and opens the session. The test server has one
// login, sa, with any password.
func (c *conn) login(l login7) error {
	if !strings.EqualFold(l.user, "sa") {
		return &sqlError{number: 18456, state: 1, class: 14, msg: fmt.Sprintf("Login failed for user '%s'. (The test server accepts only sa.)", l.user)}
	}
	name := l.database
	if name == "" {
		name = c.srv.defaultDatabase()
	}
	db := c.srv.database(name)
	if db == nil {
		return &sqlError{number: 4060, state: 1, class: 11, msg: fmt.Sprintf("Cannot open database \"%s\" requested by the login. The login failed.", name)}
	}
	c.sess.db, c.sess.user, c.sess.app, c.sess.readOnly = db, l.user, l.app, l.readOnly
	c.srv.recordLogin(Login{User: l.user, Database: db.Name, App: l.app, ReadOnlyIntent: l.readOnly})
	return nil
}

// loginReply is the token stream of a successful login.
func (c *conn) loginReply() []byte {
	db := c.sess.db
	var b []byte
	b = append(b, envChangeText(envDatabase, db.Name, "master")...)
	b = append(b, messageToken(tokenInfo, 5701, 2, 0, fmt.Sprintf("Changed database context to '%s'.", db.Name), serverName)...)
	b = append(b, envChangeCollation(db.Collation)...)
	b = append(b, envChangeText(envLanguage, "us_english", "")...)
	b = append(b, messageToken(tokenInfo, 5703, 1, 0, "Changed language setting to us_english.", serverName)...)
	b = append(b, loginAckToken()...)
	b = append(b, envChangeText(envPacketSize, fmt.Sprint(c.packetSize), fmt.Sprint(defaultPacketSize))...)
	return append(b, doneToken(tokenDone, doneFinal, 0, 0)...)
}

// Login records one login, for tests that check how a client connected.
type Login struct {
	User, Database, App string
	ReadOnlyIntent      bool
}
