package tds

import (
	"encoding/binary"
)

// Token types of the tabular result stream (MS-TDS 2.2.7).
const (
	tokenColMetadata  = 0x81
	tokenError        = 0xAA
	tokenInfo         = 0xAB
	tokenLoginAck     = 0xAD
	tokenRow          = 0xD1
	tokenEnvChange    = 0xE3
	tokenReturnStatus = 0x79
	tokenDone         = 0xFD
	tokenDoneProc     = 0xFE
	tokenDoneInProc   = 0xFF
)

// DONE status bits.
const (
	doneFinal = 0x00
	doneMore  = 0x01
	doneError = 0x02
	doneCount = 0x10
	doneAttn  = 0x20
)

// curCmdSelect is the DONE token's current command for a SELECT.
const curCmdSelect = 0xC1

// The DONE token's current command for data changes.
const (
	curCmdInsert = 0xC3
	curCmdDelete = 0xC4
	curCmdUpdate = 0xC5
)

// currentCommand is the DONE token's current command for a statement.
func currentCommand(st statement) uint16 {
	switch st.(type) {
	case selectStmt:
		return curCmdSelect
	case insertStmt:
		return curCmdInsert
	case updateStmt:
		return curCmdUpdate
	case deleteStmt:
		return curCmdDelete
	}
	return 0
}

// ENVCHANGE types.
const (
	envDatabase   = 1
	envLanguage   = 2
	envPacketSize = 4
	envCollation  = 7
)

func doneToken(token byte, status uint16, curCmd uint16, rows int64) []byte {
	b := []byte{token}
	b = binary.LittleEndian.AppendUint16(b, status)
	b = binary.LittleEndian.AppendUint16(b, curCmd)
	return binary.LittleEndian.AppendUint64(b, uint64(rows))
}

// messageToken is an ERROR or INFO token.
func messageToken(token byte, number int32, state, class byte, msg, server string) []byte {
	var body []byte
	body = binary.LittleEndian.AppendUint32(body, uint32(number))
	body = append(body, state, class)
	body = appendUSVarChar(body, msg)
	body = appendBVarChar(body, server)
	body = appendBVarChar(body, "")                  // procedure
	body = binary.LittleEndian.AppendUint32(body, 1) // line
	b := binary.LittleEndian.AppendUint16([]byte{token}, uint16(len(body)))
	return append(b, body...)
}

// envChangeText is an ENVCHANGE of a text value (database, language,
// packet size).
func envChangeText(typ byte, newValue, oldValue string) []byte {
	body := []byte{typ}
	body = appendBVarChar(body, newValue)
	body = appendBVarChar(body, oldValue)
	b := binary.LittleEndian.AppendUint16([]byte{tokenEnvChange}, uint16(len(body)))
	return append(b, body...)
}

// envChangeCollation announces the database's collation.
func envChangeCollation(c *Collation) []byte {
	body := append([]byte{envCollation, 5}, c.Wire()...)
	body = append(body, 0)
	b := binary.LittleEndian.AppendUint16([]byte{tokenEnvChange}, uint16(len(body)))
	return append(b, body...)
}

// loginAckToken acknowledges a TDS 7.4 login.
func loginAckToken() []byte {
	body := []byte{1}                                      // interface: SQL
	body = binary.BigEndian.AppendUint32(body, 0x74000004) // TDS 7.4
	body = appendBVarChar(body, "Sluice TDS test server")
	body = append(body, 16, 0, 0x10, 0x27) // version 16.0.4135 (hi/lo build)
	b := binary.LittleEndian.AppendUint16([]byte{tokenLoginAck}, uint16(len(body)))
	return append(b, body...)
}

// colMetadataToken describes a result set's columns.
func colMetadataToken(cols []resultCol, db string) []byte {
	b := binary.LittleEndian.AppendUint16([]byte{tokenColMetadata}, uint16(len(cols)))
	for _, c := range cols {
		b = binary.LittleEndian.AppendUint32(b, 0) // user type
		flags := uint16(0)
		if c.nullable {
			flags |= 0x01
		}
		b = binary.LittleEndian.AppendUint16(b, flags)
		b = appendTypeInfo(b, c.typ, db)
		if f := c.typ.family(); f == famText || f == famNText || f == famImage {
			b = append(b, 0) // no table name parts
		}
		b = appendBVarChar(b, c.name)
	}
	return b
}

func returnStatusToken(status int32) []byte {
	return binary.LittleEndian.AppendUint32([]byte{tokenReturnStatus}, uint32(status))
}
